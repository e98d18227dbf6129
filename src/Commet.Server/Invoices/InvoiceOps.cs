using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Invoices;

/// <summary>
/// Invoice verbs, one per file (CreateAdjustment.cs, UpdateStatus.cs, Send.cs). Each runs in one database
/// transaction and writes its events in it; a change that touches a subscription locks the subscription first
/// (the order every subscription operation uses), then the invoice.
/// </summary>
public sealed partial class InvoiceOps(PaymentService payments, SubscriptionOps subscriptions)
{
    public static Error NotFound(string id) => Error.NotFound("invoice", $"No invoice with ID '{Truncate(id)}'.");

    internal static void RecordVoided(BillingScope scope, Invoice invoice) =>
        EventRecorder.Record(scope.Db, scope.Tenant, "invoice.voided", new
        {
            invoiceId = invoice.Id,
            invoiceNumber = invoice.Number,
            invoiceStatus = invoice.Status,
            periodStart = EventRecorder.Iso(invoice.PeriodStart),
            periodEnd = EventRecorder.Iso(invoice.PeriodEnd),
            issueDate = EventRecorder.Iso(invoice.IssueDate),
            dueDate = EventRecorder.Iso(invoice.DueDate),
            currency = invoice.Currency,
            subtotal = invoice.Subtotal,
            total = invoice.Total,
            customerId = invoice.CustomerId,
            subscriptionId = invoice.SubscriptionId,
        }, scope.Now, invoice.SubscriptionId, invoice.CustomerId);

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";
}

using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Invoices;

/// <summary>
/// What the invoice use cases (CreateAdjustment, UpdateInvoiceStatus, SendInvoice) share. Each runs in one database
/// transaction and writes its events in it; a change that touches a subscription locks the subscription first (the
/// order every subscription use case follows), then the invoice.
/// </summary>
public static class InvoiceErrors
{
    public static Error NotFound(string id) => Error.NotFound("invoice", $"No invoice with ID '{Truncate(id)}'.");

    public static void RecordVoided(BillingScope scope, Invoice invoice) =>
        EventRecorder.Record(scope.Db, scope.Tenant, InvoiceVoidedData.From(invoice), scope.Now, invoice.SubscriptionId, invoice.CustomerId);

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";
}

using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Invoices;

public sealed class UpdateInvoiceStatusRequest
{
    /// <summary><c>paid</c> or <c>void</c> (the SDK's), or <c>uncollectible</c> (our addition).</summary>
    public string? Status { get; set; }
}

/// <summary>Moves an invoice to paid, void or uncollectible by hand, with what that means for its subscription.</summary>
public sealed class UpdateInvoiceStatus(SubscriptionLifecycle lifecycle)
{
    public static readonly string[] SettableStatuses = [InvoiceStatus.Paid, InvoiceStatus.Void, InvoiceStatus.Uncollectible];

    /// <summary>Why a subscription ends when the merchant gives up on its unpaid invoice.</summary>
    public const string CancelReasonVoided = "invoice_voided";
    public const string CancelReasonUncollectible = "uncollectible";

    /// <summary>
    /// Settles an outstanding (or draft) invoice by hand; paid, void and uncollectible invoices are final
    /// (422 <c>invalid_invoice_status</c>). When the invoice is what a subscription is waiting for:
    /// <list type="bullet">
    /// <item>paid, past_due → active again (<c>payment.recovered</c>); paid, pending_payment → activated as by a first payment;</item>
    /// <item>void, past_due → active (nothing is owed any more); void, pending_payment → canceled (nothing will start it);</item>
    /// <item>uncollectible → canceled (collection is given up, as when dunning runs out).</item>
    /// </list>
    /// Paid out of band records <c>payment.received</c> without a transaction; void records <c>invoice.voided</c>.
    /// </summary>
    public async Task<Result<Invoice>> HandleAsync(BillingScope scope, string id, UpdateInvoiceStatusRequest r, CancellationToken ct)
    {
        var check = new Check().OneOf("status", r.Status, SettableStatuses, required: true);
        if (check.Failed)
        {
            return check.ToError();
        }
        var subscriptionId = await scope.Db.Invoices.AsNoTracking().Where(i => i.Id == id).Select(i => new { i.SubscriptionId }).FirstOrDefaultAsync(ct);
        if (subscriptionId is null)
        {
            return InvoiceErrors.NotFound(id);
        }

        return await scope.Db.InTransactionAsync<Invoice>(async () =>
        {
            var s = subscriptionId.SubscriptionId is null ? null : await scope.Db.LockSubscriptionAsync(subscriptionId.SubscriptionId, ct);
            var invoice = await scope.Db.LockInvoiceAsync(id, ct);
            if (invoice is null)
            {
                return InvoiceErrors.NotFound(id);
            }
            var now = scope.Now;
            var error = r.Status switch
            {
                InvoiceStatus.Paid => invoice.MarkPaid(now),
                InvoiceStatus.Void => invoice.Void(now),
                _ => invoice.MarkUncollectible(now),
            };
            if (error is not null)
            {
                return error;
            }
            var waiting = s is not null && s.OutstandingInvoiceId == invoice.Id
                && s.Status is SubscriptionStatus.PastDue or SubscriptionStatus.PendingPayment ? s : null;

            switch (r.Status)
            {
                case InvoiceStatus.Paid:
                    RecordPaidOutOfBand(scope, invoice);
                    if (waiting?.Status == SubscriptionStatus.PastDue)
                    {
                        waiting.MarkPaid(now);
                        EventRecorder.Record(scope.Db, scope.Tenant, new PaymentRecoveredData(invoice.Id, invoice.Number, invoice.Total, waiting.CustomerId, waiting.Id),
                            now, waiting.Id, waiting.CustomerId);
                    }
                    else if (waiting?.Status == SubscriptionStatus.PendingPayment)
                    {
                        await lifecycle.ActivateAfterFirstPaymentAsync(scope, waiting, invoice, ct);
                    }
                    break;
                case InvoiceStatus.Void:
                    InvoiceErrors.RecordVoided(scope, invoice);
                    if (waiting?.Status == SubscriptionStatus.PastDue)
                    {
                        waiting.MarkPaid(now);
                        EventRecorder.Record(scope.Db, scope.Tenant, new SubscriptionUpdatedData(waiting.Id, waiting.CustomerId, waiting.Status, null, waiting.CancelReason, null),
                            now, waiting.Id, waiting.CustomerId);
                    }
                    else if (waiting is not null)
                    {
                        await CancelWaitingAsync(scope, waiting, CancelReasonVoided, ct);
                    }
                    break;
                default:
                    if (waiting is not null)
                    {
                        await CancelWaitingAsync(scope, waiting, CancelReasonUncollectible, ct);
                    }
                    break;
            }
            return invoice;
        }, ct);
    }

    private async Task CancelWaitingAsync(BillingScope scope, Subscription s, string reason, CancellationToken ct)
    {
        s.OutstandingInvoiceId = null;
        s.CancelNow(scope.Now, reason, null);
        SubscriptionLifecycle.RecordCanceled(scope, s);
        await lifecycle.CanceledAsync(scope, s, ct);
    }

    /// <summary><c>payment.received</c> for money collected outside Commet: no transaction, no provider.</summary>
    private static void RecordPaidOutOfBand(BillingScope scope, Invoice invoice) =>
        EventRecorder.Record(scope.Db, scope.Tenant, PaymentReceivedData.Paid(invoice, null, null, scope.Now), scope.Now, invoice.SubscriptionId, invoice.CustomerId);
}

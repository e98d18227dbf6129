using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Transactions;

/// <summary>Refunds a succeeded charge in full.</summary>
public sealed class RefundTransaction(PaymentProviders providers, SubscriptionLifecycle lifecycle)
{
    /// <summary>Cancel reason the SDK documents for a subscription ended by a full refund.</summary>
    public const string CancelReasonRefund = "refund";

    /// <summary>Invoice types that pay for a subscription's time: refunding one in full ends the subscription.</summary>
    public static readonly string[] SubscriptionInvoiceTypes = [InvoiceTypes.Recurring, InvoiceTypes.PlanChange, InvoiceTypes.Reactivation];

    /// <summary>
    /// A full refund of a succeeded transaction: the provider refunds it, the transaction becomes
    /// <c>refunded</c> and <c>payment.refunded</c> is recorded. The invoice stays paid. As the SDK documents, a
    /// full refund of a subscription invoice (recurring, plan change, reactivation) also cancels the subscription
    /// immediately (<c>subscription.canceled</c> with reason <c>refund</c>). A second refund is 409
    /// <c>transaction_already_refunded</c>; a transaction that never succeeded is 422 <c>transaction_not_refundable</c>.
    /// </summary>
    public async Task<Result<PaymentTransaction>> HandleAsync(BillingScope scope, string id, CancellationToken ct)
    {
        var db = scope.Db;
        var found = await db.Transactions.AsNoTracking().Where(t => t.Id == id).Select(t => new { t.InvoiceId }).FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return TransactionErrors.NotFound(id);
        }
        var subscriptionId = found.InvoiceId is null ? null
            : await db.Invoices.AsNoTracking().Where(i => i.Id == found.InvoiceId).Select(i => i.SubscriptionId).FirstOrDefaultAsync(ct);

        return await scope.Db.InTransactionAsync<PaymentTransaction>(async () =>
        {
            var now = scope.Now;
            var s = subscriptionId is null ? null : await scope.Db.LockSubscriptionAsync(subscriptionId, ct);
            // Claim the refund with a conditional update, so two refunds at once cannot both go to the provider.
            var claimed = await db.Transactions
                .Where(t => t.Id == id && t.Status == TransactionStatus.Succeeded)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(t => t.Status, TransactionStatus.Refunded)
                    .SetProperty(t => t.RefundedAt, now)
                    .SetProperty(t => t.UpdatedAt, now), ct);
            var transaction = await db.Transactions.FirstOrDefaultAsync(t => t.Id == id, ct);
            if (transaction is null)
            {
                return TransactionErrors.NotFound(id);
            }
            if (claimed == 0)
            {
                return transaction.Status == TransactionStatus.Refunded
                    ? Error.Conflict("transaction_already_refunded", "This transaction was already refunded.")
                    : Error.Invalid("transaction_not_refundable", $"Only a succeeded transaction can be refunded; this one is {transaction.Status}.");
            }
            if (await providers.ForTransactionAsync(db, transaction, ct) is not { } provider || !await provider.RefundAsync(transaction, ct))
            {
                return new Error("refund_failed", "The payment provider did not accept the refund. Try again later.", 502, "api_error");
            }

            var invoice = transaction.InvoiceId is null ? null : await db.Invoices.FirstOrDefaultAsync(i => i.Id == transaction.InvoiceId, ct);
            // The payment link the payment came from, if it did.
            var linkId = await db.OneOffPayments.Where(p => p.TransactionId == transaction.Id && p.Kind == PaymentKinds.Link).Select(p => p.Id).FirstOrDefaultAsync(ct);
            EventRecorder.Record(db, scope.Tenant, new PaymentRefundedData(transaction.Id, transaction.Provider, linkId, invoice?.Id, invoice?.Number,
                transaction.CustomerId, invoice?.SubscriptionId, transaction.Amount, transaction.Currency), now, invoice?.SubscriptionId, transaction.CustomerId);

            if (s is not null && invoice is not null && SubscriptionInvoiceTypes.Contains(invoice.Type) && s.Status != SubscriptionStatus.Canceled)
            {
                s.CancelNow(now, CancelReasonRefund, null);
                SubscriptionLifecycle.RecordCanceled(scope, s);
                await lifecycle.CanceledAsync(scope, s, ct);
            }
            return transaction;
        }, ct);
    }
}

using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Transactions;

/// <summary>What a retry did: the new attempt's transaction and how the charge ended.</summary>
public sealed record RetryResult(PaymentTransaction Attempt, ChargeOutcome Outcome, string RetriedTransactionId);

/// <summary>Retries a failed charge.</summary>
public sealed class RetryTransaction(SubscriptionLifecycle lifecycle)
{
    /// <summary>
    /// "Retry a failed subscription renewal": only a failed transaction of the outstanding invoice of a past_due
    /// subscription can be retried (otherwise 422 <c>transaction_not_retryable</c>). The invoice is charged again
    /// at once through the recovery path the dunning engine uses: on success it is paid, the subscription is
    /// active again and <c>payment.recovered</c> is recorded. A failed manual retry is kept on record and does not
    /// change the automatic retry schedule.
    /// </summary>
    public async Task<Result<RetryResult>> HandleAsync(BillingScope scope, string id, CancellationToken ct)
    {
        var db = scope.Db;
        var failed = await db.Transactions.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        if (failed is null)
        {
            return TransactionErrors.NotFound(id);
        }
        if (failed.Status != TransactionStatus.Failed)
        {
            return NotRetryable($"Only a failed transaction can be retried; this one is {failed.Status}.");
        }
        var subscriptionId = failed.InvoiceId is null ? null
            : await db.Invoices.AsNoTracking().Where(i => i.Id == failed.InvoiceId).Select(i => i.SubscriptionId).FirstOrDefaultAsync(ct);
        if (subscriptionId is null)
        {
            return NotRetryable("Only a failed charge of a subscription invoice can be retried.");
        }

        return await scope.Db.InTransactionAsync<RetryResult>(async () =>
        {
            var s = await scope.Db.LockSubscriptionAsync(subscriptionId, ct);
            if (s is null || s.Status != SubscriptionStatus.PastDue || s.OutstandingInvoiceId != failed.InvoiceId)
            {
                return NotRetryable("Only the failed renewal of a past-due subscription can be retried; this invoice is not outstanding on one.");
            }
            var invoice = await db.Invoices.FirstOrDefaultAsync(i => i.Id == failed.InvoiceId, ct);
            if (invoice is null || invoice.Status != InvoiceStatus.Outstanding)
            {
                return NotRetryable("The invoice of this transaction is not outstanding any more.");
            }
            var attempt = "api-retry:" + Ids.New("att");
            var outcome = await lifecycle.RetryOutstandingAsync(scope, s, attempt, null, ct);
            var attemptKey = $"{invoice.Id}:{attempt}";
            // A zero total is settled without a charge, and so without a transaction: report the retried one.
            var made = db.Transactions.Local.FirstOrDefault(t => t.AttemptKey == attemptKey) ?? failed;
            return new RetryResult(made, outcome, failed.Id);
        }, ct);
    }

    private static Error NotRetryable(string message) => Error.Invalid("transaction_not_retryable", message);
}

using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Http;

namespace Commet.Server.Subscriptions;

public sealed class CancelSubscriptionRequest
{
    /// <summary>One of the known reasons, or free text (kept as reason "other" with the text as feedback).</summary>
    public string? Reason { get; set; }
    public string? Feedback { get; set; }
    public bool? Immediate { get; set; }
}

public sealed partial class SubscriptionOps
{
    /// <summary>At period end by default (the customer keeps what they paid for); immediately when asked.</summary>
    public async Task<Result<Subscription>> CancelAsync(BillingScope scope, string id, CancelSubscriptionRequest r, CancellationToken ct)
    {
        var check = new Check().MaxLength("reason", r.Reason, 500).MaxLength("feedback", r.Feedback, 2000);
        if (check.Failed)
        {
            return check.ToError();
        }
        var (reason, feedback) = NormalizeReason(r.Reason, r.Feedback);
        return await InTransactionAsync<Subscription>(scope, async () =>
        {
            var s = await LockAsync(scope, id, ct);
            if (s is null)
            {
                return NotFound(id);
            }
            var now = scope.Now;
            if (r.Immediate == true || s.Status == SubscriptionStatus.PendingPayment)
            {
                var error = s.CancelNow(now, reason, feedback);
                if (error is not null)
                {
                    return error;
                }
                RecordCanceled(scope, s);
                await CanceledAsync(scope, s, ct);
                return s;
            }
            var scheduled = s.CancelAtEnd(now, reason, feedback);
            if (scheduled is not null)
            {
                return scheduled;
            }
            EventRecorder.Record(scope.Db, scope.Tenant, new SubscriptionCancellationScheduledData(s.Id, s.CustomerId, s.Status, now, s.CancelReason, s.CurrentPeriodEnd),
                now, s.Id, s.CustomerId);
            return s;
        }, ct);
    }

    public async Task<Result<Subscription>> UncancelAsync(BillingScope scope, string id, CancellationToken ct) =>
        await InTransactionAsync<Subscription>(scope, async () =>
        {
            var s = await LockAsync(scope, id, ct);
            if (s is null)
            {
                return NotFound(id);
            }
            var error = s.Uncancel(scope.Now);
            if (error is not null)
            {
                return error;
            }
            EventRecorder.Record(scope.Db, scope.Tenant, new SubscriptionCancellationRevokedData(s.Id, s.CustomerId, s.Status, s.CurrentPeriodEnd), scope.Now, s.Id, s.CustomerId);
            return s;
        }, ct);

    internal static void RecordCanceled(BillingScope scope, Subscription s) =>
        EventRecorder.Record(scope.Db, scope.Tenant, new SubscriptionCanceledData(s.Id, s.CustomerId, s.Status, s.CanceledAt ?? scope.Now, s.CancelReason, s.EndedAt ?? scope.Now),
            scope.Now, s.Id, s.CustomerId);

    public static (string? Reason, string? Feedback) NormalizeReason(string? reason, string? feedback)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return (null, string.IsNullOrWhiteSpace(feedback) ? null : feedback.Trim());
        }
        var trimmed = reason.Trim();
        return CancelReasons.Customer.Contains(trimmed)
            ? (trimmed, string.IsNullOrWhiteSpace(feedback) ? null : feedback.Trim())
            : ("other", trimmed + (string.IsNullOrWhiteSpace(feedback) ? "" : " — " + feedback.Trim()));
    }
}

using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;

namespace Commet.Server.Subscriptions;

public sealed class CancelSubscriptionRequest
{
    /// <summary>One of the known reasons, or free text (kept as reason "other" with the text as feedback).</summary>
    public string? Reason { get; set; }
    public string? Feedback { get; set; }
    public bool? Immediate { get; set; }
}

/// <summary>Cancels a subscription at period end (the default: the customer keeps what they paid for) or at once.</summary>
public sealed class CancelSubscription(SubscriptionLifecycle lifecycle)
{
    /// <summary>At period end by default (the customer keeps what they paid for); immediately when asked.</summary>
    public async Task<Result<Subscription>> HandleAsync(BillingScope scope, string id, CancelSubscriptionRequest r, CancellationToken ct)
    {
        var check = new Check().MaxLength("reason", r.Reason, 500).MaxLength("feedback", r.Feedback, 2000);
        if (check.Failed)
        {
            return check.ToError();
        }
        var (reason, feedback) = NormalizeReason(r.Reason, r.Feedback);
        return await scope.Db.InTransactionAsync<Subscription>(async () =>
        {
            var s = await scope.Db.LockSubscriptionAsync(id, ct);
            if (s is null)
            {
                return SubscriptionErrors.NotFound(id);
            }
            var now = scope.Now;
            if (r.Immediate == true || s.Status == SubscriptionStatus.PendingPayment)
            {
                var error = s.CancelNow(now, reason, feedback);
                if (error is not null)
                {
                    return error;
                }
                SubscriptionLifecycle.RecordCanceled(scope, s);
                await lifecycle.CanceledAsync(scope, s, ct);
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

namespace Commet.Domain.Billing;

/// <summary>
/// A customer's subscription to a plan. State changes go through the methods below, which refuse illegal
/// moves with a coded <see cref="Error"/>; the billing engine and the API call the same methods.
/// </summary>
public sealed class Subscription : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string CustomerId { get; set; }
    public required string PlanId { get; set; }
    public string? PlanPriceId { get; set; }

    /// <summary>Null on free plans.</summary>
    public string? BillingInterval { get; set; }
    public required string Status { get; set; }
    public string Currency { get; set; } = "USD";

    /// <summary>Price of one period, in minor units, as agreed when the period began.</summary>
    public long BasePrice { get; set; }

    /// <summary>What the customer actually paid for the current period's base (for upgrade credits).</summary>
    public long PaidForCurrentPeriod { get; set; }

    /// <summary>Periods are computed from the anchor: boundary(k) = anchor + k intervals.</summary>
    public DateTime BillingAnchor { get; set; }
    public int Cycle { get; set; }
    public DateTime CurrentPeriodStart { get; set; }
    public DateTime CurrentPeriodEnd { get; set; }
    public DateTime StartDate { get; set; }
    public DateTime? TrialEndsAt { get; set; }
    public bool CancelAtPeriodEnd { get; set; }
    public DateTime? CancelRequestedAt { get; set; }
    public string? CancelReason { get; set; }
    public string? CancelFeedback { get; set; }
    public DateTime? CanceledAt { get; set; }
    public DateTime? EndedAt { get; set; }

    public string? ScheduledChangeType { get; set; }
    public string? ScheduledPlanId { get; set; }
    public string? ScheduledInterval { get; set; }
    public DateTime? ScheduledFor { get; set; }

    /// <summary>The unpaid invoice while past_due or pending_payment.</summary>
    public string? OutstandingInvoiceId { get; set; }
    public DateTime? PaymentFailedAt { get; set; }
    public int DunningRetries { get; set; }
    public DateTime? NextRetryAt { get; set; }

    /// <summary>The next moment the billing engine has something to do for this subscription.</summary>
    public DateTime? NextActionAt { get; set; }
    public DateTime? TrialWillEndSentFor { get; set; }
    public DateTime? UpcomingSentFor { get; set; }

    /// <summary>Lease for the billing engine: one node works on a subscription at a time.</summary>
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }

    public int InitialSeats { get; set; }

    /// <summary>
    /// The one discount in force (see <see cref="SubscriptionDiscounts"/>): <c>percentage</c> (basis points) or
    /// <c>amount</c> (minor units), named after its promo code; null when there is none.
    /// </summary>
    public string? DiscountType { get; set; }
    public long DiscountValue { get; set; }
    public string? DiscountName { get; set; }
    public string? DiscountPromoCodeId { get; set; }

    /// <summary>Period invoices still to discount; null with a discount set: forever.</summary>
    public int? DiscountPeriodsRemaining { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency: every save checks and bumps it.</summary>
    public long Version { get; set; }

    public bool IsFree => BillingInterval is null;

    /// <summary>
    /// A detached copy: the upcoming invoice moves a copy to its next period, so the subscription itself (and
    /// anything tracking it) never sees the preview.
    /// </summary>
    public Subscription Copy() => (Subscription)MemberwiseClone();

    /// <summary>
    /// A scheduled change that will happen at the period end: not while a cancellation is pending (it is kept, dormant,
    /// and comes back if the cancellation is undone) and not once the subscription has ended.
    /// </summary>
    public bool ScheduledChangeWillApply => ScheduledChangeType is not null && !CancelAtPeriodEnd && Status != SubscriptionStatus.Canceled;

    /// <summary>
    /// Cancels at the end of the period (a subscription still waiting for its first payment ends now). A scheduled plan
    /// change is kept, dormant; <see cref="Uncancel"/> restores it exactly and <see cref="CancelNow"/> discards it.
    /// </summary>
    public Error? CancelAtEnd(DateTime at, string? reason, string? feedback)
    {
        if (Status == SubscriptionStatus.Canceled)
        {
            return Error.Conflict("subscription_already_canceled", "This subscription is already canceled.");
        }
        if (Status is SubscriptionStatus.PendingPayment)
        {
            return CancelNow(at, reason, feedback);
        }
        // A scheduled plan change stays recorded but dormant: the subscription ends on the day it was due, so it
        // never applies (see ScheduledChangeWillApply); undoing the cancellation brings it back as it was.
        CancelAtPeriodEnd = true;
        CancelRequestedAt = at;
        CancelReason = reason;
        CancelFeedback = feedback;
        UpdatedAt = at;
        return null;
    }

    /// <summary>Ends the subscription now; a scheduled plan change, dormant or not, is discarded with it.</summary>
    public Error? CancelNow(DateTime at, string? reason, string? feedback)
    {
        if (Status == SubscriptionStatus.Canceled)
        {
            return Error.Conflict("subscription_already_canceled", "This subscription is already canceled.");
        }
        Status = SubscriptionStatus.Canceled;
        CancelAtPeriodEnd = false;
        CancelRequestedAt ??= at;
        CancelReason = reason ?? CancelReason;
        CancelFeedback = feedback ?? CancelFeedback;
        CanceledAt = at;
        EndedAt = at;
        ScheduledChangeType = null;
        ScheduledPlanId = null;
        ScheduledInterval = null;
        ScheduledFor = null;
        NextRetryAt = null;
        NextActionAt = null;
        UpdatedAt = at;
        return null;
    }

    /// <summary>Undoes a pending cancellation; a scheduled plan change kept while it was pending applies again as before.</summary>
    public Error? Uncancel(DateTime at)
    {
        if (!CancelAtPeriodEnd || Status == SubscriptionStatus.Canceled)
        {
            return Error.Invalid("not_scheduled_for_cancellation", "This subscription is not scheduled to cancel.");
        }
        CancelAtPeriodEnd = false;
        CancelRequestedAt = null;
        CancelReason = null;
        CancelFeedback = null;
        UpdatedAt = at;
        return null;
    }

    /// <summary>How long before a renewal (and before a trial's end) the engine sends its notice.</summary>
    public static readonly TimeSpan NoticeAhead = TimeSpan.FromDays(3);

    /// <summary>
    /// When the engine first has to look at a period just started: its renewal notice, when the period is long enough to
    /// have one, else its end. Visiting early is harmless (the engine finds nothing due and sets the next time); visiting
    /// at the period end would send the first period's notice together with the renewal.
    /// </summary>
    private DateTime FirstVisitOfPeriod() =>
        CurrentPeriodEnd - NoticeAhead > CurrentPeriodStart ? CurrentPeriodEnd - NoticeAhead : CurrentPeriodEnd;

    /// <summary>Starts (or restarts) the period at <paramref name="anchor"/> with the given plan price.</summary>
    public void StartPeriod(DateTime anchor, string interval, long price, long paid)
    {
        BillingAnchor = anchor;
        BillingInterval = interval;
        Cycle = 0;
        CurrentPeriodStart = anchor;
        CurrentPeriodEnd = BillingCalendar.Boundary(anchor, interval, 1);
        BasePrice = price;
        PaidForCurrentPeriod = paid;
        NextActionAt = FirstVisitOfPeriod();
    }

    /// <summary>Moves to the next period of the same anchor.</summary>
    public void AdvancePeriod()
    {
        Cycle++;
        CurrentPeriodStart = BillingCalendar.Boundary(BillingAnchor, BillingInterval!, Cycle);
        CurrentPeriodEnd = BillingCalendar.Boundary(BillingAnchor, BillingInterval!, Cycle + 1);
        NextActionAt = FirstVisitOfPeriod();
    }

    /// <summary>Free plans have no billing period of their own; allowances still reset monthly from the anchor.</summary>
    public void StartFree(DateTime at)
    {
        BillingAnchor = at;
        BillingInterval = null;
        Cycle = 0;
        CurrentPeriodStart = at;
        CurrentPeriodEnd = at.AddMonths(1);
        BasePrice = 0;
        PaidForCurrentPeriod = 0;
        NextActionAt = CurrentPeriodEnd;
    }

    public void AdvanceFreeMonth()
    {
        Cycle++;
        CurrentPeriodStart = BillingAnchor.AddMonths(Cycle);
        CurrentPeriodEnd = BillingAnchor.AddMonths(Cycle + 1);
        NextActionAt = CurrentPeriodEnd;
    }

    public void MarkPaid(DateTime at)
    {
        Status = SubscriptionStatus.Active;
        OutstandingInvoiceId = null;
        PaymentFailedAt = null;
        DunningRetries = 0;
        NextRetryAt = null;
        NextActionAt = FirstVisitOfPeriod();
        UpdatedAt = at;
    }

    /// <summary>Days after the first failure on which the engine retries: 1, 3, 5 and 7.</summary>
    public static readonly int[] RetryDays = [1, 3, 5, 7];

    public void MarkPastDue(string invoiceId, DateTime failedAt)
    {
        Status = SubscriptionStatus.PastDue;
        OutstandingInvoiceId = invoiceId;
        PaymentFailedAt = failedAt;
        DunningRetries = 0;
        NextRetryAt = failedAt.AddDays(RetryDays[0]);
        NextActionAt = NextRetryAt;
        UpdatedAt = failedAt;
    }

    /// <summary>After a failed automatic retry: the next retry, or null when they are used up.</summary>
    public DateTime? RetryFailed(DateTime at)
    {
        DunningRetries++;
        UpdatedAt = at;
        if (DunningRetries >= RetryDays.Length)
        {
            NextRetryAt = null;
            return null;
        }
        NextRetryAt = PaymentFailedAt!.Value.AddDays(RetryDays[DunningRetries]);
        NextActionAt = NextRetryAt;
        return NextRetryAt;
    }

    /// <summary>
    /// Schedules a downgrade or shorter interval for the period end, replacing any scheduled before. Refused while a
    /// cancellation is pending: the change could never apply, and undoing the cancellation restores the schedule that
    /// existed when it was requested, not one chosen since.
    /// </summary>
    public Error? ScheduleChange(string changeType, string? planId, string? interval, DateTime at)
    {
        if (Status == SubscriptionStatus.Canceled)
        {
            return Error.Invalid("subscription_not_active", "Only an active or trialing subscription can change plan.");
        }
        if (CancelAtPeriodEnd)
        {
            return Error.Conflict("already_scheduled", "The subscription is scheduled to cancel; undo the cancellation first.");
        }
        ScheduledChangeType = changeType;
        ScheduledPlanId = planId;
        ScheduledInterval = interval;
        ScheduledFor = CurrentPeriodEnd;
        UpdatedAt = at;
        return null;
    }

    public void ClearScheduledChange(DateTime at)
    {
        ScheduledChangeType = null;
        ScheduledPlanId = null;
        ScheduledInterval = null;
        ScheduledFor = null;
        UpdatedAt = at;
    }
}

public sealed class SubscriptionAddon
{
    public required string Id { get; set; }
    public required string SubscriptionId { get; set; }
    public required string AddonId { get; set; }
    public string Status { get; set; } = "active";
    public DateTime ActivatedAt { get; set; }
    public DateTime? DeactivatedAt { get; set; }
}

namespace Commet.Domain.Usage;

/// <summary>One reported use of a feature (or an adjustment made by <c>PUT /usage</c>).</summary>
public sealed class UsageEvent : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string CustomerId { get; set; }
    public string? SubscriptionId { get; set; }
    public required string FeatureId { get; set; }
    public required string FeatureCode { get; set; }
    public decimal Value { get; set; }

    /// <summary>When the use happened, as reported; the period it counts in is the one it arrived in.</summary>
    public DateTime Timestamp { get; set; }

    /// <summary>The merchant's business key: the same key counts once.</summary>
    public string? IdempotencyKey { get; set; }
    public string? PropertiesJson { get; set; }

    /// <summary><c>event</c> or <c>adjustment</c>.</summary>
    public string Kind { get; set; } = "event";
    public decimal? PreviousValue { get; set; }
    public string? Reason { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// Usage of one feature by one subscription in one monthly allowance window, kept in the same transaction as
/// the events, so feature access, the portal and invoicing read one row instead of scanning events.
/// </summary>
public sealed class UsageCounter
{
    public required string SubscriptionId { get; set; }
    public required string FeatureId { get; set; }
    public DateTime WindowStart { get; set; }
    public decimal Quantity { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>Usage per day, for the portal's chart.</summary>
public sealed class UsageDaily
{
    public required string SubscriptionId { get; set; }
    public required string FeatureId { get; set; }
    public DateTime Day { get; set; }
    public decimal Quantity { get; set; }
}

public static class AccountKinds
{
    public const string Credits = "credits";
    public const string Balance = "balance";
}

public static class Buckets
{
    /// <summary>The plan's monthly allowance: spent first, reset every month.</summary>
    public const string Plan = "plan";

    /// <summary>Bought (or granted) on top: spent after the plan's, never expires.</summary>
    public const string Purchased = "purchased";
}

/// <summary>
/// The running totals of a subscription's credits (whole credits) or balance (rate scale, 10000 = 1.00), per
/// bucket. They always equal the sum of the subscription's ledger entries of that kind and bucket.
/// </summary>
public sealed class ConsumptionAccount
{
    public required string SubscriptionId { get; set; }
    public required string Kind { get; set; }
    public long PlanAmount { get; set; }
    public long PurchasedAmount { get; set; }

    /// <summary>The monthly allowance the plan bucket holds.</summary>
    public long Allowance { get; set; }

    /// <summary>Start of the monthly window the plan bucket belongs to.</summary>
    public DateTime WindowStart { get; set; }

    /// <summary>
    /// The total right after the last refill (a period's grant, a top-up, a positive adjustment): what the low-balance
    /// mark of a balance plan is a share of. 0 until the first refill.
    /// </summary>
    public long RefillLevel { get; set; }
    public DateTime UpdatedAt { get; set; }

    public long Total => PlanAmount + PurchasedAmount;

    /// <summary>
    /// Takes <paramref name="cost"/>: plan first, then purchased. With <paramref name="mayGoNegative"/> the
    /// purchased bucket may go below zero (balance plans that do not block). Returns the split, or null when
    /// there is not enough.
    /// </summary>
    public (long FromPlan, long FromPurchased)? Spend(long cost, bool mayGoNegative)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        if (!mayGoNegative && Total < cost)
        {
            return null;
        }
        var fromPlan = Math.Min(Math.Max(PlanAmount, 0), cost);
        var fromPurchased = cost - fromPlan;
        PlanAmount -= fromPlan;
        PurchasedAmount -= fromPurchased;
        return (fromPlan, fromPurchased);
    }
}

/// <summary>An append-only movement of credits or balance.</summary>
public sealed class LedgerEntry : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string SubscriptionId { get; set; }
    public required string Kind { get; set; }
    public required string Bucket { get; set; }

    /// <summary>Signed: positive adds, negative spends.</summary>
    public long Amount { get; set; }

    /// <summary>grant, usage, purchase, topup, adjustment, expire, overage_billed, cancel.</summary>
    public required string Reason { get; set; }
    public string? Reference { get; set; }
    public string? Note { get; set; }
    public DateTime At { get; set; }
}

/// <summary>
/// Seats of one seat feature on one subscription, or the balance of one quota feature (a quota is billed like seats,
/// so it shares their row: the count, what the period paid for, and the quota's own true-up and alert marks).
/// </summary>
public sealed class SeatBalance
{
    public required string SubscriptionId { get; set; }
    public required string FeatureId { get; set; }

    /// <summary>Seats in use now.</summary>
    public long Current { get; set; }

    /// <summary>
    /// Seats already paid for in the current period. Adding seats up to this number costs nothing more;
    /// removing seats refunds nothing and lowers the bill from the next period (the fairness rule).
    /// </summary>
    public long PaidThrough { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>
    /// Quota only: what raising the quota above what the period paid for costs, pro rata for the rest of the period
    /// (minor units of the subscription's currency), billed as a <c>true_up</c> line on the next recurring invoice.
    /// </summary>
    public long PendingTrueUp { get; set; }

    /// <summary>Quota only: the units <see cref="PendingTrueUp"/> is for.</summary>
    public long PendingTrueUpUnits { get; set; }

    /// <summary>Quota only: the start of the period whose <c>quota.threshold_reached</c> was sent (once per period).</summary>
    public DateTime? ThresholdPeriodStart { get; set; }

    /// <summary>Quota only: the start of the period whose <c>quota.exceeded</c> was sent (once per period).</summary>
    public DateTime? ExceededPeriodStart { get; set; }
}

public sealed class SeatEvent : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string CustomerId { get; set; }
    public required string SubscriptionId { get; set; }
    public required string FeatureCode { get; set; }
    public long PreviousBalance { get; set; }
    public long NewBalance { get; set; }
    public DateTime Ts { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>Quota changes: the caller's <c>idempotencyKey</c>; a repeat answers this change again instead of applying twice.</summary>
    public string? IdempotencyKey { get; set; }
}

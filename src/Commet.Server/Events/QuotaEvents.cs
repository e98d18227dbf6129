namespace Commet.Server.Events;

// Quota features (QuotaThresholdReachedData, QuotaExceededData in @commet/node 7.10.0). Quantities are whole units of
// the quota; periodStart is the start of the subscription's current billing period. Each fires at most once per
// feature and period, when a change to the quota crosses the mark (see Usage/Quota.cs).

/// <summary>A quota reached 80 % of its included quantity (<c>quota.threshold_reached</c>).</summary>
public sealed record QuotaThresholdReachedData(
    string SubscriptionId, string CustomerId, string FeatureCode, long CurrentUsage, long IncludedAmount, DateTime PeriodStart) : IEventData
{
    public static string EventName => EventNames.QuotaThresholdReached;
}

/// <summary>
/// A quota passed its included quantity with overage enabled (billed from here), or reached it with overage disabled
/// (<paramref name="OverageEnabled"/> false: the limit is hit and no more can be added) — <c>quota.exceeded</c>.
/// </summary>
public sealed record QuotaExceededData(
    string SubscriptionId, string CustomerId, string FeatureCode, long CurrentUsage, long IncludedAmount, bool OverageEnabled, DateTime PeriodStart) : IEventData
{
    public static string EventName => EventNames.QuotaExceeded;
}

namespace Commet.Domain.Usage;

/// <summary>The included units a metered add-on gives a subscription for one feature, and when it was active there.</summary>
public sealed record AddonGrant(string AddonId, string FeatureId, long IncludedUnits, DateTime ActivatedAt, DateTime? DeactivatedAt)
{
    /// <summary>Whether the add-on was active at any moment of [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public bool ActiveDuring(DateTime from, DateTime to) => ActivatedAt < to && (DeactivatedAt is null || DeactivatedAt > from);
}

/// <summary>
/// The effective allowance of a feature on a subscription: the plan's included amount plus the included units of
/// every metered add-on for that feature that was active at any moment of the monthly allowance window — in full, not
/// pro rata. Activating an add-on benefits the customer at once (the whole current window); deactivating one takes its
/// units away from the next window on (the period was paid in advance and is not refunded). Every read-out, limit and
/// bill of an allowance goes through here, so the usage page, <c>featureAccess</c>, <c>usage.check</c>, tracking and
/// the renewal agree.
/// </summary>
public sealed class Allowance(IReadOnlyList<AddonGrant> grants)
{
    public static readonly Allowance PlanOnly = new([]);

    public IReadOnlyList<AddonGrant> Grants => grants;

    /// <summary>The add-ons' included units of a feature for the window [<paramref name="windowStart"/>, <paramref name="windowEnd"/>); an add-on counts once per window.</summary>
    public long AddonUnits(string featureId, DateTime windowStart, DateTime windowEnd)
    {
        long units = 0;
        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in grants)
        {
            if (g.FeatureId == featureId && g.IncludedUnits > 0 && g.ActiveDuring(windowStart, windowEnd) && counted.Add(g.AddonId))
            {
                units = checked(units + g.IncludedUnits);
            }
        }
        return units;
    }

    /// <summary>The plan's included amount of the feature plus the add-ons' units for the window.</summary>
    public long Included(PlanFeature pf, DateTime windowStart, DateTime windowEnd) =>
        checked(pf.IncludedAmount + AddonUnits(pf.FeatureId, windowStart, windowEnd));

    /// <summary>The allowance in the monthly window (from the subscription's anchor) that contains <paramref name="at"/>.</summary>
    public long IncludedAt(PlanFeature pf, Billing.Subscription s, DateTime at)
    {
        var (start, end) = Billing.BillingCalendar.AllowanceWindow(s.BillingAnchor, at);
        return Included(pf, start, end);
    }
}

using Commet.Domain.Billing;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Portal;

/// <summary>
/// How the portal names a plan change scheduled for the period end, for the sentences about it while a cancellation
/// is pending (the change is kept, dormant, and happens only if the cancellation is undone).
/// </summary>
public static class PortalScheduledChange
{
    /// <summary>"Starter", "monthly billing" or "Starter with monthly billing"; null when nothing is scheduled.</summary>
    public static async Task<string?> TargetAsync(PortalContext portal, CancellationToken ct)
    {
        var s = portal.Subscription;
        if (s?.ScheduledChangeType is null || s.Status == SubscriptionStatus.Canceled)
        {
            return null;
        }
        string? plan = null;
        if (s.ScheduledPlanId is { } id && id != s.PlanId)
        {
            plan = await portal.Db.Plans.AsNoTracking().Where(p => p.Id == id).Select(p => p.Name).FirstOrDefaultAsync(ct) ?? "another plan";
        }
        var interval = s.ScheduledInterval is { } i && i != s.BillingInterval
            ? PortalFormat.IntervalAdjective(i).ToLowerInvariant() + " billing"
            : null;
        return (plan, interval) switch
        {
            ({ } p, { } b) => $"{p} with {b}",
            ({ } p, null) => p,
            (null, { } b) => b,
            _ => null,
        };
    }
}

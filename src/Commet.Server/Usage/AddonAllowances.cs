using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

/// <summary>
/// Reads the add-on grants behind a subscription's <see cref="Allowance"/>: the metered add-ons with included units that
/// are active, or were active at some moment since a given time. The billing engine's chunks read them once per chunk
/// (<see cref="BillingBatch.PreloadAsync"/>); everything else reads them once per subscription.
/// </summary>
public static class AddonAllowances
{
    /// <summary>The allowance of <paramref name="s"/> for windows ending after <paramref name="since"/>.</summary>
    public static async Task<Allowance> LoadAsync(BillingScope scope, Subscription s, DateTime since, CancellationToken ct)
    {
        if (scope.Batch?.AddonGrantsOf(s.Id, since) is { } preloaded)
        {
            return preloaded.Count == 0 ? Allowance.PlanOnly : new Allowance(preloaded);
        }
        var grants = await LoadManyAsync(scope.Db, [s.Id], since, ct);
        return grants.TryGetValue(s.Id, out var list) ? new Allowance(list) : Allowance.PlanOnly;
    }

    /// <summary>The allowance of <paramref name="s"/> in the monthly window that holds <paramref name="at"/>.</summary>
    public static Task<Allowance> ForWindowAsync(BillingScope scope, Subscription s, DateTime at, CancellationToken ct) =>
        LoadAsync(scope, s, Consumption.Window(s, at).Start, ct);

    /// <summary>The grants of several subscriptions in one query, by subscription.</summary>
    public static async Task<Dictionary<string, List<AddonGrant>>> LoadManyAsync(CommetDb db, IReadOnlyCollection<string> subscriptionIds, DateTime since, CancellationToken ct)
    {
        var ids = subscriptionIds.ToList();
        var rows = await (from sa in db.SubscriptionAddons
                          join a in db.Addons on sa.AddonId equals a.Id
                          where ids.Contains(sa.SubscriptionId) && a.ConsumptionModel == ConsumptionModels.Metered && a.IncludedUnits > 0
                              && (sa.Status == "active" || sa.DeactivatedAt > since)
                          select new { sa.SubscriptionId, a.Id, a.FeatureId, a.IncludedUnits, sa.ActivatedAt, sa.DeactivatedAt, sa.Status })
                          .AsNoTracking().ToListAsync(ct);
        var result = new Dictionary<string, List<AddonGrant>>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            if (!result.TryGetValue(r.SubscriptionId, out var list))
            {
                result[r.SubscriptionId] = list = [];
            }
            list.Add(new AddonGrant(r.Id, r.FeatureId, r.IncludedUnits!.Value, r.ActivatedAt, r.Status == "active" ? null : r.DeactivatedAt ?? r.ActivatedAt));
        }
        return result;
    }
}

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
        if (scope.NoAddons)
        {
            return Allowance.PlanOnly;
        }
        if (scope.Batch?.AddonGrantsOf(s.Id, since) is { } preloaded)
        {
            return preloaded.Count == 0 ? Allowance.PlanOnly : new Allowance(preloaded);
        }
        // One subscription: an equality rather than LoadManyAsync's list parameter, which costs more to run than the
        // rows it reads (every overview and usage page asks this).
        var db = scope.Db;
        var list = ToGrants(await Rows(db, db.SubscriptionAddons.Where(sa => sa.SubscriptionId == s.Id), since).ToListAsync(ct));
        return list.Count == 0 ? Allowance.PlanOnly : new Allowance(list);
    }

    /// <summary>The allowance of <paramref name="s"/> in the monthly window that holds <paramref name="at"/>.</summary>
    public static Task<Allowance> ForWindowAsync(BillingScope scope, Subscription s, DateTime at, CancellationToken ct) =>
        LoadAsync(scope, s, Consumption.Window(s, at).Start, ct);

    /// <summary>The grants of several subscriptions in one query, by subscription.</summary>
    public static async Task<Dictionary<string, List<AddonGrant>>> LoadManyAsync(CommetDb db, IReadOnlyCollection<string> subscriptionIds, DateTime since, CancellationToken ct)
    {
        var ids = subscriptionIds.ToList();
        var rows = await Rows(db, db.SubscriptionAddons.Where(sa => ids.Contains(sa.SubscriptionId)), since).ToListAsync(ct);
        var result = new Dictionary<string, List<AddonGrant>>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            if (!result.TryGetValue(r.SubscriptionId, out var list))
            {
                result[r.SubscriptionId] = list = [];
            }
            list.Add(Grant(r));
        }
        return result;
    }

    private sealed record GrantRow(string SubscriptionId, string Id, string FeatureId, long? IncludedUnits, DateTime ActivatedAt, DateTime? DeactivatedAt, string Status);

    /// <summary>The grant rows of the subscription add-ons in <paramref name="subscriptionAddons"/>.</summary>
    private static IQueryable<GrantRow> Rows(CommetDb db, IQueryable<SubscriptionAddon> subscriptionAddons, DateTime since) =>
        (from sa in subscriptionAddons
         join a in db.Addons on sa.AddonId equals a.Id
         where a.ConsumptionModel == ConsumptionModels.Metered && a.IncludedUnits > 0
             && (sa.Status == "active" || sa.DeactivatedAt > since)
         select new GrantRow(sa.SubscriptionId, a.Id, a.FeatureId, a.IncludedUnits, sa.ActivatedAt, sa.DeactivatedAt, sa.Status))
        .AsNoTracking();

    private static List<AddonGrant> ToGrants(List<GrantRow> rows) => rows.Select(Grant).ToList();

    private static AddonGrant Grant(GrantRow r) =>
        new(r.Id, r.FeatureId, r.IncludedUnits!.Value, r.ActivatedAt, r.Status == "active" ? null : r.DeactivatedAt ?? r.ActivatedAt);
}

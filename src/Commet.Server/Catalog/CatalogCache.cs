using System.Collections.Concurrent;
using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Catalog;

/// <summary>
/// Catalog reads shared between requests that only read (the portal's overview): plan graphs and whether the tenant has
/// any add-on at all, remembered per tenant under the catalog version (see <see cref="CatalogVersion"/>) that the
/// request read from the database before asking. A snapshot is only ever used by a request that read the same version,
/// so a plan, price, feature or add-on changed on any node is seen by the next page everywhere: every catalog save
/// moves the version before it answers. What a snapshot remembers was read after its version was read, so it is never
/// older than that version (it may be newer, which is harmless: readers of the newer version do not use it).
/// </summary>
/// <remarks>
/// The plans are read without tracking and shared between threads: whoever takes one from here must not change it,
/// attach it to a unit of work that saves, or hand it to code that does (<c>BillingScope.Catalog</c> is set only by
/// read-only pages).
/// </remarks>
public sealed class CatalogCache
{
    private const int MaxTenants = 10_000;

    private readonly ConcurrentDictionary<(string, bool), CatalogSnapshot> tenants = new();

    /// <summary>The snapshot of <paramref name="tenant"/>'s catalog at <paramref name="version"/> (a new empty one when none is kept).</summary>
    public CatalogSnapshot For(Tenant tenant, long version)
    {
        var key = (tenant.OrganizationId, tenant.Livemode);
        if (tenants.TryGetValue(key, out var kept) && kept.Version == version)
        {
            return kept;
        }
        if (tenants.Count >= MaxTenants)
        {
            tenants.Clear();
        }
        var fresh = new CatalogSnapshot(version);
        // A newer snapshot kept by another request meanwhile stays; this (older) reader then fills a snapshot of its own.
        var stored = tenants.AddOrUpdate(key, fresh, (_, old) => old.Version > version ? old : fresh);
        return stored.Version == version ? stored : fresh;
    }
}

/// <summary>One tenant's catalog at one catalog version: plan graphs by ID, and whether any add-on exists.</summary>
public sealed class CatalogSnapshot(long version)
{
    private readonly ConcurrentDictionary<string, Plan> plans = new(StringComparer.Ordinal);
    private int hasAddons = -1;

    public long Version { get; } = version;

    /// <summary>A plan graph (prices, features and their definitions) read without tracking; null when there is no such plan.</summary>
    public async Task<Plan?> PlanAsync(CommetDb db, string planId, CancellationToken ct)
    {
        if (plans.TryGetValue(planId, out var kept))
        {
            return kept;
        }
        var plan = await PlanGraph.LoadDetachedAsync(db, planId, ct);
        return plan is null ? null : plans.GetOrAdd(planId, plan);
    }

    /// <summary>
    /// Whether the tenant has any add-on, archived ones included. With none, no subscription of the tenant can have an
    /// active add-on (every add-on query joins the add-on), so callers skip those queries.
    /// </summary>
    public async Task<bool> HasAddonsAsync(CommetDb db, CancellationToken ct)
    {
        var known = Volatile.Read(ref hasAddons);
        if (known >= 0)
        {
            return known == 1;
        }
        var any = await db.Addons.AsNoTracking().AnyAsync(ct);
        Volatile.Write(ref hasAddons, any ? 1 : 0);
        return any;
    }
}

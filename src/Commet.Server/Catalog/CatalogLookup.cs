using Commet.Domain;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Catalog;

/// <summary>
/// Finding catalog objects the way the API names them. Deleted objects are never found: to the API they do not
/// exist any more (subscriptions that still use them reach them by foreign key, not through here).
/// </summary>
public static class CatalogLookup
{
    /// <summary>By code, or by <c>ftr_</c> ID (codes are lower case and IDs are not, so the two never collide).</summary>
    public static async Task<Feature?> FeatureAsync(CommetDb db, string codeOrId, CancellationToken ct, bool track = false)
    {
        var query = (track ? db.Features : db.Features.AsNoTracking()).Where(f => f.DeletedAt == null);
        if (Ids.HasPrefix(codeOrId, Ids.Feature))
        {
            var byId = await query.FirstOrDefaultAsync(f => f.Id == codeOrId, ct);
            if (byId is not null)
            {
                return byId;
            }
        }
        return await query.FirstOrDefaultAsync(f => f.Code == codeOrId, ct);
    }

    /// <summary>Plans with their prices and features (and each feature's definition) loaded.</summary>
    public static IQueryable<Plan> PlansWithDetails(CommetDb db, bool track = false)
    {
        var query = db.Plans.Include(p => p.Prices).Include(p => p.Features).ThenInclude(f => f.Feature).AsSplitQuery();
        return (track ? query : query.AsNoTracking()).Where(p => p.DeletedAt == null);
    }

    /// <summary>By <c>plan_</c> ID or by code.</summary>
    public static Task<Plan?> PlanAsync(CommetDb db, string idOrCode, CancellationToken ct, bool track = false, bool details = false) =>
        PlanAsync(details ? PlansWithDetails(db, track) : (track ? db.Plans : db.Plans.AsNoTracking()).Where(p => p.DeletedAt == null), idOrCode, ct);

    /// <summary>By <c>plan_</c> ID or by code, among <paramref name="plans"/>.</summary>
    public static async Task<Plan?> PlanAsync(IQueryable<Plan> plans, string idOrCode, CancellationToken ct)
    {
        if (Ids.HasPrefix(idOrCode, Ids.Plan))
        {
            var byId = await plans.FirstOrDefaultAsync(p => p.Id == idOrCode, ct);
            if (byId is not null)
            {
                return byId;
            }
        }
        return await plans.FirstOrDefaultAsync(p => p.Code == idOrCode, ct);
    }

    /// <summary>A plan to change the prices of: tracked, with its prices loaded.</summary>
    public static Task<Plan?> PlanWithPricesAsync(CommetDb db, string idOrCode, CancellationToken ct) =>
        PlanAsync(db.Plans.Include(p => p.Prices).Where(p => p.DeletedAt == null), idOrCode, ct);

    public static Task<PlanGroup?> PlanGroupAsync(CommetDb db, string id, CancellationToken ct, bool track = false) =>
        (track ? db.PlanGroups : db.PlanGroups.AsNoTracking()).FirstOrDefaultAsync(g => g.Id == id, ct);

    /// <summary>The non-deleted plans of a group.</summary>
    public static Task<List<Plan>> GroupPlansAsync(CommetDb db, string groupId, CancellationToken ct, bool track = false) =>
        (track ? db.Plans : db.Plans.AsNoTracking()).Where(p => p.PlanGroupId == groupId && p.DeletedAt == null).ToListAsync(ct);

    /// <summary>By <c>adn_</c> ID or by slug, with the feature loaded.</summary>
    public static async Task<Addon?> AddonAsync(CommetDb db, string idOrSlug, CancellationToken ct, bool track = false)
    {
        var query = (track ? db.Addons : db.Addons.AsNoTracking()).Include(a => a.Feature).Where(a => a.DeletedAt == null);
        if (Ids.HasPrefix(idOrSlug, Ids.Addon))
        {
            var byId = await query.FirstOrDefaultAsync(a => a.Id == idOrSlug, ct);
            if (byId is not null)
            {
                return byId;
            }
        }
        return await query.FirstOrDefaultAsync(a => a.Slug == idOrSlug, ct);
    }
}

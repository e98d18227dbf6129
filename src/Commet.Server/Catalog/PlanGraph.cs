using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Catalog;

/// <summary>
/// A plan with its prices and features (and their features' definitions), as billing reads it. Within a unit of work
/// read plans through <c>BillingScope.PlanAsync</c>, which reads each plan once per request (once per chunk when the
/// engine bills a chunk).
/// </summary>
public static class PlanGraph
{
    /// <summary>A live plan by ID or code (an ID wins over a code that happens to equal it).</summary>
    public static Task<Plan?> FindAsync(CommetDb db, string idOrCode, CancellationToken ct) =>
        db.Plans.Include(p => p.Prices).Include(p => p.Features).ThenInclude(f => f.Feature)
            .Where(p => p.DeletedAt == null && (p.Id == idOrCode || p.Code == idOrCode))
            .OrderBy(p => p.Id == idOrCode ? 0 : 1)
            .FirstOrDefaultAsync(ct);

    /// <summary>A plan by ID, archived or not (a subscription keeps the plan it has).</summary>
    public static Task<Plan?> LoadAsync(CommetDb db, string planId, CancellationToken ct) =>
        db.Plans.Include(p => p.Prices).Include(p => p.Features).ThenInclude(f => f.Feature)
            .FirstOrDefaultAsync(p => p.Id == planId, ct);

    /// <summary>A plan by ID, archived or not, read without tracking: for read-only use, and safe to share between requests.</summary>
    public static Task<Plan?> LoadDetachedAsync(CommetDb db, string planId, CancellationToken ct) =>
        db.Plans.AsNoTracking().Include(p => p.Prices).Include(p => p.Features).ThenInclude(f => f.Feature)
            .FirstOrDefaultAsync(p => p.Id == planId, ct);

    /// <summary>The plan's price for an interval; with none asked, the default price (else the shortest interval).</summary>
    public static PlanPrice? PriceFor(Plan plan, string? interval) =>
        interval is null
            ? plan.Prices.FirstOrDefault(p => p.IsDefault) ?? plan.Prices.OrderBy(p => BillingIntervals.Rank(p.BillingInterval)).FirstOrDefault()
            : plan.Prices.FirstOrDefault(p => p.BillingInterval == interval);

    /// <summary>A live add-on by ID or slug, with its feature.</summary>
    public static Task<Addon?> FindAddonAsync(CommetDb db, string idOrSlug, CancellationToken ct) =>
        db.Addons.Include(a => a.Feature).FirstOrDefaultAsync(a => a.DeletedAt == null && (a.Id == idOrSlug || a.Slug == idOrSlug), ct);
}

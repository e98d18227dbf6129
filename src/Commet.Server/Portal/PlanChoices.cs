using Commet.Domain;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Portal;

/// <summary>A plan at one billing interval, as a customer would choose it.</summary>
public sealed record PlanChoice(Plan Plan, PlanPrice? Price)
{
    public string Interval => Price?.BillingInterval ?? "";

    public bool IsFree => Plan.IsFree;
}

public static class PlanChoices
{
    /// <summary>
    /// The organization's public plans a customer without a subscription can start: public groups' plans in
    /// group order, then plans outside groups; each at its default price.
    /// </summary>
    public static async Task<IReadOnlyList<PlanChoice>> PublicPlansAsync(PortalContext p, CancellationToken ct)
    {
        var plans = await p.Db.Plans.AsNoTracking().Include(x => x.Prices).Include(x => x.Features).ThenInclude(f => f.Feature)
            .Where(x => x.IsPublic && x.DeletedAt == null)
            .ToListAsync(ct);
        return plans
            .Where(x => x.IsFree || x.Prices.Count > 0)
            .OrderBy(x => x.PlanGroupId is null ? 1 : 0).ThenBy(x => x.PlanGroupId).ThenBy(x => x.SortOrder).ThenBy(x => x.Id)
            .Select(x => new PlanChoice(x, x.IsFree ? null : x.Prices.FirstOrDefault(pr => pr.IsDefault) ?? x.Prices.OrderBy(pr => BillingIntervals.Rank(pr.BillingInterval)).First()))
            .ToList();
    }

    /// <summary>The public plans of the subscription's plan group, in the group's order (the current plan is always included).</summary>
    public static async Task<IReadOnlyList<Plan>> GroupPlansAsync(PortalContext p, Plan current, CancellationToken ct)
    {
        if (current.PlanGroupId is null)
        {
            return [];
        }
        var plans = await p.Db.Plans.AsNoTracking().Include(x => x.Prices).Include(x => x.Features).ThenInclude(f => f.Feature)
            .Where(x => x.PlanGroupId == current.PlanGroupId && x.DeletedAt == null && (x.IsPublic || x.Id == current.Id))
            .ToListAsync(ct);
        return plans.OrderBy(x => x.SortOrder).ThenBy(x => x.Id).ToList();
    }

    /// <summary>One line about what a plan gives for a feature: "10,000 API calls", "Unlimited seats", "SSO".</summary>
    public static string Describe(PlanFeature f)
    {
        var feature = f.Feature!;
        var unit = feature.UnitName is { Length: > 0 } u ? u : feature.Name;
        if (feature.Type == FeatureTypes.Boolean)
        {
            return feature.Name;
        }
        if (f.Unlimited)
        {
            return $"Unlimited {Plural(unit)}";
        }
        var amount = PortalFormat.Quantity(f.IncludedAmount);
        var text = feature.Type == FeatureTypes.Seats
            ? $"{amount} {(f.IncludedAmount == 1 ? unit : Plural(unit))} included"
            : $"{amount} {(f.IncludedAmount == 1 ? unit : Plural(unit))} included";
        return feature.UnitName is { Length: > 0 } && !feature.Name.Equals(unit, StringComparison.OrdinalIgnoreCase) ? $"{feature.Name}: {text}" : text;
    }

    public static string Plural(string unit) =>
        unit.Length == 0 || unit.EndsWith('s') ? unit : unit.EndsWith('y') && unit.Length > 1 && !"aeiou".Contains(unit[^2]) ? unit[..^1] + "ies" : unit + "s";
}

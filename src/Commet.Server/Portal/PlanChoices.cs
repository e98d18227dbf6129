using Commet.Domain;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Portal;

/// <summary>A plan at one billing interval, as a customer would choose it.</summary>
public sealed record PlanChoice(Plan Plan, PlanPrice? Price)
{
    /// <summary>The currency the price is shown (and would be billed) in: the customer's own when the plan is sold in it.</summary>
    public string Currency { get; init; } = RegionalPricing.BaseCurrency;

    public string Interval => Price?.BillingInterval ?? "";

    public bool IsFree => Plan.IsFree;
}

/// <summary>The plans of one plan group (or the plans outside any group, <see cref="Group"/> null), in the group's order.</summary>
public sealed record PlanSection(PlanGroup? Group, IReadOnlyList<PlanChoice> Plans);

public static class PlanChoices
{
    /// <summary>
    /// The organization's public plans a customer without a subscription can start, one section per public plan
    /// group (groups in the order they were created, plans by the group's sortOrder), then the plans outside any
    /// group; each plan at its default price.
    /// </summary>
    public static async Task<IReadOnlyList<PlanSection>> PublicPlansAsync(PortalContext p, CancellationToken ct)
    {
        var plans = await p.Db.Plans.AsNoTracking().Include(x => x.Prices).Include(x => x.Features).ThenInclude(f => f.Feature)
            .Where(x => x.IsPublic && x.DeletedAt == null)
            .ToListAsync(ct);
        var groupIds = plans.Where(x => x.PlanGroupId is not null).Select(x => x.PlanGroupId!).Distinct().ToList();
        var groups = groupIds.Count == 0 ? []
            : await p.Db.PlanGroups.AsNoTracking().Where(g => groupIds.Contains(g.Id) && g.IsPublic).ToListAsync(ct);
        var offered = plans
            .Where(x => x.IsFree || x.Prices.Count > 0)
            .Select(x => new PlanChoice(x, x.IsFree ? null : x.Prices.FirstOrDefault(pr => pr.IsDefault) ?? x.Prices.OrderBy(pr => BillingIntervals.Rank(pr.BillingInterval)).First()))
            .Select(c => Localized(c, p))
            .ToList();
        var sections = groups
            .OrderBy(g => g.CreatedAt).ThenBy(g => g.Id, StringComparer.Ordinal)
            .Select(g => new PlanSection(g, Ordered(offered.Where(c => c.Plan.PlanGroupId == g.Id))))
            .Where(s => s.Plans.Count > 0)
            .ToList();
        // Plans of a private group are not offered; plans outside any group are, in their own section.
        var ungrouped = Ordered(offered.Where(c => c.Plan.PlanGroupId is null));
        if (ungrouped.Count > 0)
        {
            sections.Add(new PlanSection(null, ungrouped));
        }
        return sections;
    }

    /// <summary>A choice in the currency a checkout would fix for this customer (its billing country's, when the price is sold in it).</summary>
    private static PlanChoice Localized(PlanChoice choice, PortalContext p)
    {
        if (choice.Price is not { } price)
        {
            return choice;
        }
        var currency = RegionalPricing.CheckoutCurrency(price, p.Customer.Address?.Country);
        RegionalPricing.ShowIn(choice.Plan, currency);
        return choice with { Price = choice.Plan.Prices.First(pr => pr.Id == price.Id), Currency = currency };
    }

    private static List<PlanChoice> Ordered(IEnumerable<PlanChoice> choices) =>
        choices.OrderBy(c => c.Plan.SortOrder).ThenBy(c => c.Plan.Id, StringComparer.Ordinal).ToList();

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
        // In the subscription's currency (read without tracking, so only this page sees it); a plan not sold in it cannot be
        // moved to (missing_regional_price) and is not offered.
        var currency = p.Subscription?.Currency ?? RegionalPricing.BaseCurrency;
        plans = plans.Where(x => x.IsFree || RegionalPricing.ShowIn(x, currency) || x.Id == current.Id).ToList();
        return plans.OrderBy(x => x.SortOrder).ThenBy(x => x.Id).ToList();
    }

    /// <summary>
    /// What a plan gives, one line each, as its card lists it: on credits plans the monthly credits and what each
    /// feature costs in credits; on balance plans the monthly balance and each feature's price; then the rest of the
    /// features ("10,000 API calls included", "Unlimited seats", "SSO"). <paramref name="price"/> is the price shown
    /// on the card (credits and balance are set per price); free plans without one use their default price, if any.
    /// </summary>
    public static IReadOnlyList<string> Lines(Plan plan, PlanPrice? price, string currency)
    {
        price ??= plan.Prices.FirstOrDefault(pr => pr.IsDefault) ?? plan.Prices.FirstOrDefault();
        var lines = new List<string>();
        var model = plan.ConsumptionModel;
        if (model == ConsumptionModels.Credits && price?.IncludedCredits is > 0 and var credits)
        {
            lines.Add(T["Plan.CreditsMonth", ("count", credits)]);
        }
        else if (model == ConsumptionModels.Balance && price?.IncludedBalance is > 0 and var balance)
        {
            lines.Add(T["Plan.BalanceMonth", ("amount", PortalFormat.RateAmount(balance, currency))]);
        }
        foreach (var f in plan.Features.Where(x => x.Enabled && x.Feature is not null))
        {
            lines.Add(model is ConsumptionModels.Credits or ConsumptionModels.Balance && f.Feature!.Type == FeatureTypes.Usage
                ? Cost(model, f, currency)
                : Describe(f));
        }
        return lines;
    }

    /// <summary>What one use of a feature costs on a credits or balance plan: "Image generations: 5 credits each", "Calls: $0.45 per call".</summary>
    private static string Cost(string model, PlanFeature f, string currency)
    {
        var feature = f.Feature!;
        var per = feature.UnitName is { Length: > 0 } unit ? T["Plan.PerUnit", ("unit", unit)] : T["Plan.Each"];
        if (model == ConsumptionModels.Credits)
        {
            var credits = f.CreditsPerUnit ?? 1;
            return T["Plan.CostCredits", ("feature", feature.Name), ("count", credits), ("per", per)];
        }
        return f.OverageUnitPrice > 0 ? T["Plan.CostPrice", ("feature", feature.Name), ("price", PortalFormat.Rate(f.OverageUnitPrice, currency)), ("per", per)] : T["Plan.NoCharge", ("feature", feature.Name)];
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
            return T["Plan.Unlimited", ("unit", Plural(unit))];
        }
        var amount = PortalFormat.Quantity(f.IncludedAmount);
        var text = T["Plan.IncludedAmount", ("amount", amount), ("unit", f.IncludedAmount == 1 ? unit : Plural(unit))];
        return feature.UnitName is { Length: > 0 } && !feature.Name.Equals(unit, StringComparison.OrdinalIgnoreCase) ? T["Plan.FeatureText", ("feature", feature.Name), ("text", text)] : text;
    }

    private static Localization.Texts T => Localization.Texts.Shared;

    /// <summary>
    /// What a plan gives for one feature, for the comparison table's cell: "✓"/"–" for a flag, "Unlimited",
    /// "10,000 included, then $0.01 per call", or the credits or price per use on credits and balance plans.
    /// </summary>
    public static string Cell(Plan plan, PlanFeature? f, string currency)
    {
        if (f is null || !f.Enabled || f.Feature is null)
        {
            return "–";
        }
        var feature = f.Feature;
        if (feature.Type == FeatureTypes.Boolean)
        {
            return "✓";
        }
        if (plan.ConsumptionModel is ConsumptionModels.Credits or ConsumptionModels.Balance && feature.Type == FeatureTypes.Usage)
        {
            var full = Cost(plan.ConsumptionModel, f, currency);
            var colon = full.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? full[(colon + 1)..].Trim() : full;
        }
        if (f.Unlimited)
        {
            return T["Plan.UnlimitedShort"];
        }
        var unit = feature.UnitName is { Length: > 0 } u ? u : feature.Name;
        var included = T["Plan.IncludedAmount", ("amount", PortalFormat.Quantity(f.IncludedAmount)), ("unit", f.IncludedAmount == 1 ? unit : Plural(unit))];
        if (f.OverageEnabled && f.OverageUnitPrice > 0)
        {
            var per = feature.UnitName is { Length: > 0 } one ? T["Plan.PerUnit", ("unit", one)] : T["Plan.Each"];
            return included + ", " + T["Plan.Overage", ("price", PortalFormat.Rate(f.OverageUnitPrice, currency)), ("per", per)];
        }
        return included;
    }

    public static string Plural(string unit) =>
        unit.Length == 0 || unit.EndsWith('s') ? unit : unit.EndsWith('y') && unit.Length > 1 && !"aeiou".Contains(unit[^2]) ? unit[..^1] + "ies" : unit + "s";
}

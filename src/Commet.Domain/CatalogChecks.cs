namespace Commet.Domain;

/// <summary>Errors of the catalog that more than one verb gives.</summary>
public static class CatalogErrors
{
    public static Error FeatureNotFound(string idOrCode) => Error.NotFound("feature", $"No feature with code or ID '{Short(idOrCode)}'.");

    public static Error PlanNotFound(string idOrCode) => Error.NotFound("plan", $"No plan with ID or code '{Short(idOrCode)}'.");

    public static Error PlanGroupNotFound(string id) => Error.NotFound("plan_group", $"No plan group with ID '{Short(id)}'.");

    public static Error PriceNotFound(string id, string planCode) => Error.NotFound("price", $"Plan '{planCode}' has no price with ID '{Short(id)}'.");

    public static Error CreditPackNotFound(string id) => Error.NotFound("credit_pack", $"No credit pack with ID '{Short(id)}'.");

    public static Error AddonNotFound(string idOrSlug) => Error.NotFound("addon", $"No add-on with ID or slug '{Short(idOrSlug)}'.");

    public static Error FreePlanHasNoPrices(string planCode) =>
        Error.Invalid("plan_is_free", $"Plan '{planCode}' is free; free plans have no prices.");

    public static string Short(string value) => value.Length <= 100 ? value : value[..100] + "…";
}

public static partial class CatalogRules
{
    /// <summary>Highest price in minor units: 100,000,000.00 of the currency.</summary>
    public const long MaxPrice = 10_000_000_000;

    /// <summary>Highest rate-scale unit price (10000 = 1.00): 1,000,000.00 per unit.</summary>
    public const long MaxUnitPrice = 10_000_000_000;

    /// <summary>Highest rate-scale included balance: 100,000,000.00 per month.</summary>
    public const long MaxIncludedBalance = 1_000_000_000_000;

    /// <summary>Highest count of units, credits or seats; far from overflowing when multiplied by a unit price.</summary>
    public const long MaxQuantity = 1_000_000_000_000;

    public const int MaxTrialDays = 365;
    public const int MaxSortOrder = 1_000_000;
    public const int MaxIntroOfferCycles = 120;
    public const long MaxPercentage = 10_000;
    public const int MaxDescription = 1000;

    public const string PricingModeFixed = "fixed";
    public const string PricingModeAiModel = "ai_model";

    public static readonly string[] AddonModels = ["boolean", ConsumptionModels.Metered, ConsumptionModels.Credits, ConsumptionModels.Balance];
    public static readonly string[] DiscountTypes = ["percentage", "amount"];

    /// <summary>
    /// The rules a feature's settings on a plan must meet, checked on the settings as they will be stored (so that
    /// adding and updating share them).
    /// </summary>
    public static IReadOnlyList<FieldError> CheckPlanFeature(Plan plan, Feature feature, PlanFeature settings)
    {
        var errors = new List<FieldError>();
        var isBoolean = feature.Type == FeatureTypes.Boolean;
        if (isBoolean)
        {
            // An on/off feature has nothing to count or charge.
            if (settings.IncludedAmount != 0)
            {
                errors.Add(new("includedAmount", $"'{feature.Code}' is a boolean feature; it has no included amount."));
            }
            if (settings.Unlimited)
            {
                errors.Add(new("unlimited", $"'{feature.Code}' is a boolean feature; it cannot be unlimited."));
            }
            if (settings.OverageEnabled)
            {
                errors.Add(new("overage.enabled", $"'{feature.Code}' is a boolean feature; it has no overage."));
            }
        }
        if (settings.OverageEnabled && plan.IsFree)
        {
            errors.Add(new("overage.enabled", $"Plan '{plan.Code}' is free; free plans block usage at the included amount and never bill overage."));
        }
        if (settings.OverageEnabled && settings.Unlimited)
        {
            errors.Add(new("overage.enabled", "An unlimited feature never goes over its included amount, so it cannot have overage."));
        }

        if (settings.PricingMode == PricingModeAiModel)
        {
            // Token prices are money: they are taken from a balance, or from credits bought with money.
            if (feature.Type != FeatureTypes.Usage)
            {
                errors.Add(new("pricingMode", $"ai_model pricing applies to usage features; '{feature.Code}' is a {feature.Type} feature."));
            }
            else if (plan.Model is not (ConsumptionModels.Balance or ConsumptionModels.Credits))
            {
                errors.Add(new("pricingMode", $"ai_model pricing needs a balance or credits plan; plan '{plan.Code}' is {plan.Model}."));
            }
        }
        else if (settings.Margin is not null)
        {
            errors.Add(new("margin", "margin applies only to ai_model pricing."));
        }

        var costsCredits = plan.Model == ConsumptionModels.Credits && feature.Type == FeatureTypes.Usage;
        if (costsCredits && settings.CreditsPerUnit is null or < 1)
        {
            errors.Add(new("creditsPerUnit", $"Plan '{plan.Code}' is a credits plan: creditsPerUnit (1 or more) is required for usage feature '{feature.Code}'."));
        }
        else if (!costsCredits && settings.CreditsPerUnit is not null)
        {
            errors.Add(new("creditsPerUnit", plan.Model == ConsumptionModels.Credits
                ? $"Only usage features cost credits; '{feature.Code}' is a {feature.Type} feature."
                : $"creditsPerUnit applies only to credits plans; plan '{plan.Code}' is {plan.Model}."));
        }
        return errors;
    }

    /// <summary>
    /// An add-on's model decides which of its numbers mean anything: included units on metered add-ons, an
    /// overage rate on metered and balance add-ons, a credit cost on credits add-ons. A boolean add-on grants a
    /// boolean feature and only a boolean feature.
    /// </summary>
    public static IReadOnlyList<FieldError> CheckAddon(string consumptionModel, Feature feature, long? includedUnits, long? overageRate, long? creditCost)
    {
        var errors = new List<FieldError>();
        var booleanModel = consumptionModel == "boolean";
        var booleanFeature = feature.Type == FeatureTypes.Boolean;
        if (booleanModel && !booleanFeature)
        {
            errors.Add(new("consumptionModel", $"A boolean add-on grants an on/off feature; '{feature.Code}' is a {feature.Type} feature."));
        }
        else if (!booleanModel && booleanFeature)
        {
            errors.Add(new("consumptionModel", $"'{feature.Code}' is a boolean feature; its add-on must use the boolean model."));
        }
        if (includedUnits is not null && consumptionModel != ConsumptionModels.Metered)
        {
            errors.Add(new("includedUnits", "includedUnits applies only to metered add-ons."));
        }
        if (overageRate is not null && consumptionModel is not (ConsumptionModels.Metered or ConsumptionModels.Balance))
        {
            errors.Add(new("overageRate", "overageRate applies only to metered and balance add-ons."));
        }
        if (creditCost is not null && consumptionModel != ConsumptionModels.Credits)
        {
            errors.Add(new("creditCost", "creditCost applies only to credits add-ons."));
        }
        return errors;
    }

    /// <summary>The base slug if it is free, else the base with the first free suffix: "storage", "storage-2", "storage-3"….</summary>
    public static string UniqueSlug(string baseSlug, IReadOnlySet<string> taken)
    {
        if (!taken.Contains(baseSlug))
        {
            return baseSlug;
        }
        for (var n = 2; ; n++)
        {
            var candidate = $"{baseSlug}-{n}";
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
    }
}

/// <summary>
/// Plan groups: the ordered plans a subscriber may move between. A plan is in at most one group, and the plans of a
/// group share one consumption model (moving between models is not a plan change but a new subscription).
/// </summary>
public static class PlanGroupRules
{
    /// <summary>Why <paramref name="plan"/> may not join the group whose (non-deleted) plans are <paramref name="members"/>; null when it may.</summary>
    public static Error? CheckJoin(Plan plan, string groupId, IEnumerable<Plan> members)
    {
        if (plan.PlanGroupId is not null && plan.PlanGroupId != groupId)
        {
            return Error.Conflict("plan_already_in_group",
                $"Plan '{plan.Code}' is already in plan group '{plan.PlanGroupId}'. Remove it from that group first.", "planId");
        }
        var other = members.FirstOrDefault(m => m.Id != plan.Id && m.Model != plan.Model);
        if (other is not null)
        {
            return Error.Invalid("consumption_model_mismatch",
                $"Plan '{plan.Code}' is {plan.Model} but the plans of this group are {other.Model}; all plans of a group share one consumption model.",
                "planId");
        }
        return null;
    }

    /// <summary>The position after the last plan of the group.</summary>
    public static int NextSortOrder(IEnumerable<Plan> members) =>
        members.Select(m => m.SortOrder).DefaultIfEmpty(-1).Max() + 1;

    /// <summary>A new order must name each plan of the group exactly once, and nothing else.</summary>
    public static FieldError? CheckReorder(IReadOnlyCollection<string> memberIds, IReadOnlyList<string> requested)
    {
        var duplicate = requested.GroupBy(id => id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            return new FieldError("planIds", $"planIds lists '{CatalogErrors.Short(duplicate.Key)}' more than once.");
        }
        var members = memberIds.ToHashSet(StringComparer.Ordinal);
        var stranger = requested.FirstOrDefault(id => !members.Contains(id));
        if (stranger is not null)
        {
            return new FieldError("planIds", $"'{CatalogErrors.Short(stranger)}' is not a plan of this group.");
        }
        var missing = memberIds.Where(id => !requested.Contains(id, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            return new FieldError("planIds", $"planIds must list every plan of the group; missing: {string.Join(", ", missing)}.");
        }
        return null;
    }
}

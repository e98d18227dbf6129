using System.Text.Json.Nodes;


namespace Commet.Models;

/// <summary>A feature of the catalog: something a plan gives (an on/off capability, counted usage, seats).</summary>
public sealed class Feature : CommetObject
{
    /// <summary>The ID (<c>ftr_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The display name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The code used in API calls, such as <c>api_calls</c>.</summary>
    public string Code { get; init; } = "";

    /// <summary>The kind.</summary>
    public FeatureType Type { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>The unit's name, such as <c>call</c>.</summary>
    public string? UnitName { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A new feature.</summary>
public sealed class CreateFeatureRequest
{
    /// <summary>The code: lowercase letters, digits and underscores.</summary>
    public string Code { get; set; } = "";

    /// <summary>The display name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The kind.</summary>
    public FeatureType Type { get; set; }

    /// <summary>A description.</summary>
    public string? Description { get; set; }

    /// <summary>The unit's name.</summary>
    public string? UnitName { get; set; }
}

/// <summary>Changes to a feature; null fields are not changed.</summary>
public sealed class UpdateFeatureRequest
{
    /// <summary>A new name.</summary>
    public string? Name { get; set; }

    /// <summary>A new description.</summary>
    public string? Description { get; set; }

    /// <summary>A new unit name.</summary>
    public string? UnitName { get; set; }
}

/// <summary>A plan: what a subscription buys, with its prices and features.</summary>
public sealed class Plan : CommetObject
{
    /// <summary>The ID (<c>plan_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The display name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The code, usable in place of the ID.</summary>
    public string Code { get; init; } = "";

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>How usage is paid for (null for plans without usage).</summary>
    public ConsumptionModel? ConsumptionModel { get; init; }

    /// <summary>Whether the plan is shown publicly (pricing pages, the portal).</summary>
    public bool IsPublic { get; init; }

    /// <summary>Whether it is the default plan.</summary>
    public bool IsDefault { get; init; }

    /// <summary>Whether it is free.</summary>
    public bool IsFree { get; init; }

    /// <summary>Whether usage stops when credits or balance run out.</summary>
    public bool? BlockOnExhaustion { get; init; }

    /// <summary>Credits and balance plans: the share (0–100 %) below which <c>credits.low</c>/<c>balance.low</c> fire; null for the server's default (a Commet for .NET addition).</summary>
    public int? LowBalancePercent { get; init; }

    /// <summary>The position among plans.</summary>
    public int SortOrder { get; init; }

    /// <summary>The plan group it belongs to.</summary>
    public string? PlanGroupId { get; init; }

    /// <summary>Your key-value data.</summary>
    public JsonObject? Metadata { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The features it gives.</summary>
    public IReadOnlyList<PlanFeatureSummary>? Features { get; init; }

    /// <summary>Its prices, one per billing interval.</summary>
    public IReadOnlyList<PlanPriceSummary>? Prices { get; init; }

    /// <summary>The exchange rates its prices in other currencies were worked out at (one per currency).</summary>
    public IReadOnlyList<PlanExchangeRate>? ExchangeRates { get; init; }

    /// <summary>
    /// Live subscriptions whose next renewal charges this plan's price (on it, or scheduled to move to it). Only
    /// <see cref="Resources.PlansClient.GetAsync"/> fills it, and only a Commet for .NET server sends it.
    /// </summary>
    public int? SubscriberCount { get; init; }
}

/// <summary>A feature as a plan gives it.</summary>
public sealed class PlanFeatureSummary
{
    /// <summary>The feature's code.</summary>
    public string Code { get; init; } = "";

    /// <summary>The feature's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The feature's kind.</summary>
    public FeatureType Type { get; init; }

    /// <summary>The unit's name.</summary>
    public string? UnitName { get; init; }

    /// <summary>Whether the plan gives it.</summary>
    public bool Enabled { get; init; }

    /// <summary>Units included per period.</summary>
    public long? IncludedAmount { get; init; }

    /// <summary>Whether usage is unlimited.</summary>
    public bool Unlimited { get; init; }

    /// <summary>Pricing of usage above the included amount.</summary>
    public PlanOverage? Overage { get; init; }

    /// <summary>The overage price in other currencies.</summary>
    public IReadOnlyList<PlanFeatureRegionalPrice>? RegionalPrices { get; init; }
}

/// <summary>A plan feature's overage price in another currency.</summary>
public sealed class PlanFeatureRegionalPrice
{
    /// <summary>The currency, such as <c>BRL</c>.</summary>
    public string Currency { get; init; } = "";

    /// <summary>The price of one unit beyond the included amount, rate scale of the currency.</summary>
    public long? OverageUnitPrice { get; init; }

    /// <summary>True when worked out from the plan's exchange rate (it follows the USD price); false when set by hand.</summary>
    public bool AutoSynced { get; init; }
}

/// <summary>A plan price in another currency.</summary>
public sealed class PlanPriceRegionalPrice
{
    /// <summary>The currency, such as <c>BRL</c>.</summary>
    public string Currency { get; init; } = "";

    /// <summary>The price per interval in the currency's minor units (9900 = R$99.00; 2800 = ¥2,800).</summary>
    public long Price { get; init; }

    /// <summary>Balance included per period, rate scale of the currency.</summary>
    public long? IncludedBalance { get; init; }

    /// <summary>True when worked out from the plan's exchange rate (it follows the USD price); false when set by hand.</summary>
    public bool AutoSynced { get; init; }
}

/// <summary>A plan's exchange rate for one currency.</summary>
public sealed class PlanExchangeRate
{
    /// <summary>The currency, such as <c>BRL</c>.</summary>
    public string Currency { get; init; } = "";

    /// <summary>How much of the currency one US dollar is worth for this plan.</summary>
    public decimal ExchangeRate { get; init; }
}

/// <summary>Pricing of usage above what is included.</summary>
public sealed class PlanOverage
{
    /// <summary>Whether usage above the included amount is allowed and billed.</summary>
    public bool Enabled { get; init; }

    /// <summary>The pricing model, <c>per_unit</c>.</summary>
    public string? Model { get; init; }

    /// <summary>The price of one unit, in rate scale (10000 = 1.00 of the currency; 20 = $0.002).</summary>
    public long? UnitPrice { get; init; }
}

/// <summary>A price of a plan as <see cref="Plan.Prices"/> lists it.</summary>
public sealed class PlanPriceSummary
{
    /// <summary>The price's ID (<c>price_…</c>), for updating or deleting it. Empty from servers that do not send it.</summary>
    public string Id { get; init; } = "";

    /// <summary>The billing interval.</summary>
    public BillingInterval BillingInterval { get; init; }

    /// <summary>The price per interval in minor units (4900 = $49.00).</summary>
    public long Price { get; init; }

    /// <summary>Whether it is the plan's default price.</summary>
    public bool IsDefault { get; init; }

    /// <summary>Trial length in days.</summary>
    public int TrialDays { get; init; }

    /// <summary>Balance included per period, in rate scale.</summary>
    public long? IncludedBalance { get; init; }

    /// <summary>Credits included per period.</summary>
    public long? IncludedCredits { get; init; }

    /// <summary>An introductory discount.</summary>
    public IntroOffer? IntroOffer { get; init; }

    /// <summary>Of <see cref="Plan.SubscriberCount"/>, those billed at this interval (same conditions).</summary>
    public int? Subscribers { get; init; }

    /// <summary>The price in other currencies.</summary>
    public IReadOnlyList<PlanPriceRegionalPrice>? RegionalPrices { get; init; }
}

/// <summary>An introductory discount on a plan price.</summary>
public sealed class IntroOffer
{
    /// <summary>Whether the offer applies.</summary>
    public bool Enabled { get; set; }

    /// <summary>How the discount is expressed.</summary>
    public DiscountType? DiscountType { get; set; }

    /// <summary>The discount: basis points for a percentage, minor units for an amount.</summary>
    public long? DiscountValue { get; set; }

    /// <summary>For how many billing cycles.</summary>
    public int? DurationCycles { get; set; }
}

/// <summary>A new plan.</summary>
public sealed class CreatePlanRequest
{
    /// <summary>The display name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The code.</summary>
    public string Code { get; set; } = "";

    /// <summary>A description.</summary>
    public string? Description { get; set; }

    /// <summary>How usage is paid for.</summary>
    public ConsumptionModel? ConsumptionModel { get; set; }

    /// <summary>Whether it is public.</summary>
    public bool? IsPublic { get; set; }

    /// <summary>Whether it is free.</summary>
    public bool? IsFree { get; set; }

    /// <summary>Whether usage stops when credits or balance run out.</summary>
    public bool? BlockOnExhaustion { get; set; }

    /// <summary>Credits and balance plans: the share (0–100 %) below which <c>credits.low</c>/<c>balance.low</c> fire (a Commet for .NET addition).</summary>
    public int? LowBalancePercent { get; set; }

    /// <summary>The plan group.</summary>
    public string? PlanGroupId { get; set; }

    /// <summary>Position in the plan group, or in plan lists (a Commet for .NET addition).</summary>
    public int? SortOrder { get; set; }

    /// <summary>Your key-value data.</summary>
    public JsonObject? Metadata { get; set; }
}

/// <summary>Changes to a plan; null fields are not changed.</summary>
public sealed class UpdatePlanRequest
{
    /// <summary>Balance plans: whether usage stops when the balance runs out.</summary>
    public bool? BlockOnExhaustion { get; set; }

    /// <summary>Credits and balance plans: the share (0–100 %) below which <c>credits.low</c>/<c>balance.low</c> fire (a Commet for .NET addition).</summary>
    public int? LowBalancePercent { get; set; }

    /// <summary>A new name.</summary>
    public string? Name { get; set; }

    /// <summary>A new description.</summary>
    public string? Description { get; set; }

    /// <summary>New metadata.</summary>
    public JsonObject? Metadata { get; set; }

    /// <summary>New visibility.</summary>
    public bool? IsPublic { get; set; }

    /// <summary>Moves the plan in its group, or in plan lists (a Commet for .NET addition).</summary>
    public int? SortOrder { get; set; }
}

/// <summary>A plan's visibility after a change.</summary>
public sealed class PlanVisibility : CommetObject
{
    /// <summary>The plan's ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>Whether it is public.</summary>
    public bool IsPublic { get; init; }
}

/// <summary>A feature attached to a plan, with its limits.</summary>
public sealed class PlanFeature : CommetObject
{
    /// <summary>The plan's ID.</summary>
    public string PlanId { get; init; } = "";

    /// <summary>The feature's ID.</summary>
    public string FeatureId { get; init; } = "";

    /// <summary>Whether the plan gives it.</summary>
    public bool Enabled { get; init; }

    /// <summary>Units included per period.</summary>
    public long IncludedAmount { get; init; }

    /// <summary>Whether usage is unlimited.</summary>
    public bool Unlimited { get; init; }

    /// <summary>Overage pricing.</summary>
    public PlanFeatureOverage? Overage { get; init; }

    /// <summary>Credits one unit costs on a credits plan.</summary>
    public long? CreditsPerUnit { get; init; }

    /// <summary><c>fixed</c> or <c>ai_model</c>.</summary>
    public string? PricingMode { get; init; }

    /// <summary>The margin of <c>ai_model</c> pricing.</summary>
    public decimal? Margin { get; init; }
}

/// <summary>Overage of a plan feature.</summary>
public sealed class PlanFeatureOverage
{
    /// <summary>Whether usage above the included amount is allowed and billed.</summary>
    public bool? Enabled { get; set; }

    /// <summary>The price of one unit, in rate scale (10000 = 1.00).</summary>
    public long? UnitPrice { get; set; }
}

/// <summary>A feature to attach to a plan.</summary>
public sealed class AddPlanFeatureRequest
{
    /// <summary>The feature's ID or code.</summary>
    public string FeatureId { get; set; } = "";

    /// <summary>Whether the plan gives it (default true).</summary>
    public bool? Enabled { get; set; }

    /// <summary>Units included per period.</summary>
    public long? IncludedAmount { get; set; }

    /// <summary>Whether usage is unlimited.</summary>
    public bool? Unlimited { get; set; }

    /// <summary>Overage pricing.</summary>
    public PlanFeatureOverage? Overage { get; set; }

    /// <summary>Credits one unit costs on a credits plan.</summary>
    public long? CreditsPerUnit { get; set; }

    /// <summary>
    /// <c>fixed</c> (default) or <c>ai_model</c>: usage priced by the tokens an AI model spends (balance and credits plans;
    /// track it with <see cref="TrackUsageRequest.Model"/> and the token counts).
    /// </summary>
    public string? PricingMode { get; set; }

    /// <summary>With <c>ai_model</c> pricing: the margin on the model's price, in basis points (2000 = 20 %).</summary>
    public long? Margin { get; set; }
}

/// <summary>Changes to a plan feature; null fields are not changed.</summary>
public sealed class UpdatePlanFeatureRequest
{
    /// <summary>Whether the plan gives it.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Units included per period.</summary>
    public long? IncludedAmount { get; set; }

    /// <summary>Whether usage is unlimited.</summary>
    public bool? Unlimited { get; set; }

    /// <summary>Overage pricing.</summary>
    public PlanFeatureOverage? Overage { get; set; }

    /// <summary>Credits one unit costs.</summary>
    public long? CreditsPerUnit { get; set; }
}

/// <summary>A feature detached from a plan.</summary>
public sealed class RemovedPlanFeature : CommetObject
{
    /// <summary>The feature's ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>Always true.</summary>
    public bool Removed { get; init; }
}

/// <summary>A price of a plan.</summary>
public sealed class PlanPrice : CommetObject
{
    /// <summary>The ID (<c>price_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The plan's ID.</summary>
    public string PlanId { get; init; } = "";

    /// <summary>The billing interval.</summary>
    public BillingInterval BillingInterval { get; init; }

    /// <summary>The price per interval, in minor units.</summary>
    public long Price { get; init; }

    /// <summary>Whether it is the plan's default price.</summary>
    public bool IsDefault { get; init; }

    /// <summary>Trial length in days.</summary>
    public int TrialDays { get; init; }

    /// <summary>Balance included per period, in rate scale.</summary>
    public long? IncludedBalance { get; init; }

    /// <summary>Credits included per period.</summary>
    public long? IncludedCredits { get; init; }

    /// <summary>An introductory discount.</summary>
    public IntroOffer? IntroOffer { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A new price of a plan.</summary>
public sealed class AddPlanPriceRequest
{
    /// <summary>The billing interval.</summary>
    public BillingInterval BillingInterval { get; set; }

    /// <summary>The price per interval in minor units (4900 = $49.00).</summary>
    public long Price { get; set; }

    /// <summary>Trial length in days.</summary>
    public int? TrialDays { get; set; }

    /// <summary>Whether it becomes the plan's default price.</summary>
    public bool? IsDefault { get; set; }

    /// <summary>Balance included per period, in rate scale.</summary>
    public long? IncludedBalance { get; set; }

    /// <summary>Credits included per period.</summary>
    public long? IncludedCredits { get; set; }

    /// <summary>An introductory discount.</summary>
    public IntroOffer? IntroOffer { get; set; }
}

/// <summary>Changes to a plan price; null fields are not changed.</summary>
public sealed class UpdatePlanPriceRequest
{
    /// <summary>A new price in minor units.</summary>
    public long? Price { get; set; }

    /// <summary>Whether it is the default.</summary>
    public bool? IsDefault { get; set; }

    /// <summary>A new trial length.</summary>
    public int? TrialDays { get; set; }

    /// <summary>Balance included per period, in rate scale.</summary>
    public long? IncludedBalance { get; set; }

    /// <summary>Credits included per period.</summary>
    public long? IncludedCredits { get; set; }

    /// <summary>An introductory discount.</summary>
    public IntroOffer? IntroOffer { get; set; }
}

/// <summary>The plan's new default price.</summary>
public sealed class DefaultPlanPrice : CommetObject
{
    /// <summary>The price's ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>Always true.</summary>
    public bool IsDefault { get; init; }
}

/// <summary>A group of plans a subscription can move between (upgrades, downgrades).</summary>
public sealed class PlanGroup : CommetObject
{
    /// <summary>The ID (<c>plg_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The name.</summary>
    public string Name { get; init; } = "";

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>Whether it is public.</summary>
    public bool IsPublic { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Its plans in display order.</summary>
    public IReadOnlyList<PlanGroupPlan>? Plans { get; init; }
}

/// <summary>A plan in a group.</summary>
public sealed class PlanGroupPlan
{
    /// <summary>The plan's ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The plan's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Its position.</summary>
    public int SortOrder { get; init; }
}

/// <summary>A new plan group.</summary>
public sealed class CreatePlanGroupRequest
{
    /// <summary>The name.</summary>
    public string Name { get; set; } = "";

    /// <summary>A description.</summary>
    public string? Description { get; set; }

    /// <summary>Whether it is public.</summary>
    public bool? IsPublic { get; set; }
}

/// <summary>Changes to a plan group; null fields are not changed.</summary>
public sealed class UpdatePlanGroupRequest
{
    /// <summary>A new name.</summary>
    public string? Name { get; set; }

    /// <summary>A new description.</summary>
    public string? Description { get; set; }

    /// <summary>New visibility.</summary>
    public bool? IsPublic { get; set; }
}

/// <summary>A plan added to a group.</summary>
public sealed class AddedPlanToGroup : CommetObject
{
    /// <summary>Whether it was added.</summary>
    public bool Success { get; init; }
}

/// <summary>A plan removed from a group.</summary>
public sealed class RemovedPlanFromGroup : CommetObject
{
    /// <summary>The plan's ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>Whether it was removed.</summary>
    public bool Removed { get; init; }
}

/// <summary>A group's plans put in a new order.</summary>
public sealed class ReorderedPlans : CommetObject
{
    /// <summary>Whether the order changed.</summary>
    public bool Reordered { get; init; }
}

/// <summary>A credit pack customers can buy.</summary>
public sealed class CreditPack : CommetObject
{
    /// <summary>The ID (<c>cpk_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The name.</summary>
    public string Name { get; init; } = "";

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>The credits it gives.</summary>
    public long Credits { get; init; }

    /// <summary>Its price in minor units.</summary>
    public long Price { get; init; }

    /// <summary>The currency.</summary>
    public string? Currency { get; init; }

    /// <summary>Whether it can be bought.</summary>
    public bool? IsActive { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A new credit pack.</summary>
public sealed class CreateCreditPackRequest
{
    /// <summary>The name.</summary>
    public string Name { get; set; } = "";

    /// <summary>A description.</summary>
    public string? Description { get; set; }

    /// <summary>The credits it gives.</summary>
    public long Credits { get; set; }

    /// <summary>Its price in minor units.</summary>
    public long Price { get; set; }

    /// <summary>Whether it can be bought (default true).</summary>
    public bool? IsActive { get; set; }
}

/// <summary>Changes to a credit pack; null fields are not changed.</summary>
public sealed class UpdateCreditPackRequest
{
    /// <summary>A new name.</summary>
    public string? Name { get; set; }

    /// <summary>A new description.</summary>
    public string? Description { get; set; }

    /// <summary>New credits.</summary>
    public long? Credits { get; set; }

    /// <summary>A new price in minor units.</summary>
    public long? Price { get; set; }

    /// <summary>Whether it can be bought.</summary>
    public bool? IsActive { get; set; }
}

/// <summary>An add-on: an extra feature a subscription can switch on for a price.</summary>
public sealed class Addon : CommetObject
{
    /// <summary>The ID (<c>adn_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The slug, usable in place of the ID.</summary>
    public string Slug { get; init; } = "";

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>The price per period in minor units.</summary>
    public long BasePrice { get; init; }

    /// <summary>How its feature is consumed.</summary>
    public AddonConsumptionModel ConsumptionModel { get; init; }

    /// <summary>The feature's code.</summary>
    public string FeatureCode { get; init; } = "";

    /// <summary>The feature's name.</summary>
    public string FeatureName { get; init; } = "";

    /// <summary>Units included per period.</summary>
    public long? IncludedUnits { get; init; }

    /// <summary>The price of a unit above them, in rate scale.</summary>
    public long? OverageRate { get; init; }

    /// <summary>Credits one unit costs.</summary>
    public long? CreditCost { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>An add-on switched on for a customer's subscription.</summary>
public sealed class ActiveAddon : CommetObject
{
    /// <summary>The add-on's slug.</summary>
    public string Slug { get; init; } = "";

    /// <summary>The name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The price per period in minor units.</summary>
    public long BasePrice { get; init; }

    /// <summary>The feature's code.</summary>
    public string FeatureCode { get; init; } = "";

    /// <summary>The feature's name.</summary>
    public string FeatureName { get; init; } = "";

    /// <summary>The feature's kind.</summary>
    public FeatureType FeatureType { get; init; }

    /// <summary>How its feature is consumed.</summary>
    public AddonConsumptionModel ConsumptionModel { get; init; }

    /// <summary>When it was switched on.</summary>
    public DateTimeOffset ActivatedAt { get; init; }
}

/// <summary>A new add-on.</summary>
public sealed class CreateAddonRequest
{
    /// <summary>The name.</summary>
    public string Name { get; set; } = "";

    /// <summary>A description.</summary>
    public string? Description { get; set; }

    /// <summary>The price per period in minor units.</summary>
    public long BasePrice { get; set; }

    /// <summary>The feature it unlocks (ID or code); a feature belongs to one add-on at most.</summary>
    public string FeatureId { get; set; } = "";

    /// <summary>How the feature is consumed.</summary>
    public AddonConsumptionModel ConsumptionModel { get; set; }

    /// <summary>Units included per period.</summary>
    public long? IncludedUnits { get; set; }

    /// <summary>The price of a unit above them, in rate scale.</summary>
    public long? OverageRate { get; set; }

    /// <summary>Credits one unit costs.</summary>
    public long? CreditCost { get; set; }
}

/// <summary>Changes to an add-on; null fields are not changed.</summary>
public sealed class UpdateAddonRequest
{
    /// <summary>A new name.</summary>
    public string? Name { get; set; }

    /// <summary>A new description.</summary>
    public string? Description { get; set; }

    /// <summary>A new price in minor units.</summary>
    public long? BasePrice { get; set; }

    /// <summary>Units included per period.</summary>
    public long? IncludedUnits { get; set; }

    /// <summary>The price of a unit above them, in rate scale.</summary>
    public long? OverageRate { get; set; }

    /// <summary>Credits one unit costs.</summary>
    public long? CreditCost { get; set; }
}

/// <summary>Page size of a paginated list.</summary>
public sealed class ListOptions
{
    /// <summary>Page size, 1–100 (default 25). Every page is read; this only sets how many come per request.</summary>
    public int? PageSize { get; set; }
}


/// <summary>A price's amount in one other currency, set by hand.</summary>
public sealed class RegionalPriceOverride
{
    /// <summary>The currency, such as <c>BRL</c> or <c>jpy</c>.</summary>
    public string Currency { get; set; } = "";

    /// <summary>The price per interval in the currency's minor units (9900 = R$99.00; 2800 = ¥2,800).</summary>
    public long Price { get; set; }

    /// <summary>Balance included per period on a balance plan, rate scale of the currency.</summary>
    public long? IncludedBalance { get; set; }
}

/// <summary>A price's amounts in other currencies: those listed are created or replaced, the others stay.</summary>
public sealed class SetRegionalPricesRequest
{
    /// <summary>One amount per currency.</summary>
    public IList<RegionalPriceOverride> Overrides { get; set; } = [];
}

/// <summary>Every amount in other currencies a price has after the call.</summary>
public sealed class PlanRegionalPricing : CommetObject
{
    /// <summary>The price's ID.</summary>
    public string PriceId { get; init; } = "";

    /// <summary>Its amounts, by currency.</summary>
    public IReadOnlyList<RegionalPriceOverride> Overrides { get; init; } = [];
}

/// <summary>A price of the plan set by hand in <see cref="SetPlanRegionalPricingRequest.Currency"/>.</summary>
public sealed class RegionalPlanPrice
{
    /// <summary>The price's ID.</summary>
    public string PriceId { get; set; } = "";

    /// <summary>The price per interval in the currency's minor units.</summary>
    public long Price { get; set; }

    /// <summary>Balance included per period on a balance plan, rate scale of the currency.</summary>
    public long? IncludedBalance { get; set; }
}

/// <summary>A feature's overage price set by hand in <see cref="SetPlanRegionalPricingRequest.Currency"/>.</summary>
public sealed class RegionalPlanFeature
{
    /// <summary>The feature's ID or code.</summary>
    public string FeatureId { get; set; } = "";

    /// <summary>The price of one unit beyond the included amount, rate scale of the currency.</summary>
    public long OverageUnitPrice { get; set; }
}

/// <summary>An introductory discount of a price in <see cref="SetPlanRegionalPricingRequest.Currency"/> (accepted; not applied yet by this server).</summary>
public sealed class RegionalIntroOffer
{
    /// <summary>The price's ID.</summary>
    public string PriceId { get; set; } = "";

    /// <summary>How the discount is expressed.</summary>
    public DiscountType? DiscountType { get; set; }

    /// <summary>The discount: basis points for a percentage, minor units of the currency for an amount.</summary>
    public long? DiscountValue { get; set; }

    /// <summary>For how many billing cycles.</summary>
    public int? DurationCycles { get; set; }
}

/// <summary>
/// A plan's prices and feature overage in one currency: worked out from the USD amounts at <see cref="ExchangeRate"/>,
/// except those set by hand. Calling it again for the same currency sets that currency afresh.
/// </summary>
public sealed class SetPlanRegionalPricingRequest
{
    /// <summary>The currency, such as <c>brl</c>.</summary>
    public string Currency { get; set; } = "";

    /// <summary>How much of the currency one US dollar is worth, for this plan.</summary>
    public decimal? ExchangeRate { get; set; }

    /// <summary>Prices set by hand.</summary>
    public IList<RegionalPlanPrice>? Prices { get; set; }

    /// <summary>Feature overage prices set by hand.</summary>
    public IList<RegionalPlanFeature>? Features { get; set; }

    /// <summary>Introductory discounts in the currency.</summary>
    public IList<RegionalIntroOffer>? IntroOffers { get; set; }
}

/// <summary>What <see cref="Resources.PlansClient.SetRegionalPricingAsync"/> configured.</summary>
public sealed class PlanRegionalPricingResult : CommetObject
{
    /// <summary>The plan's ID.</summary>
    public string PlanId { get; init; } = "";

    /// <summary>The currency, upper case.</summary>
    public string Currency { get; init; } = "";

    /// <summary>The exchange rate.</summary>
    public decimal ExchangeRate { get; init; }

    /// <summary>How many prices got an amount in the currency.</summary>
    public int PricesConfigured { get; init; }

    /// <summary>How many priced features got an overage price in the currency.</summary>
    public int FeaturesConfigured { get; init; }
}

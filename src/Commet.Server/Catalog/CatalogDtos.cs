using System.Text.Json;
using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Server.Customers;

namespace Commet.Server.Catalog;

/// <summary>The SDK's <c>Feature</c>.</summary>
public sealed record FeatureDto(
    string Id, string Name, string Code, string Type, string? Description, string? UnitName,
    DateTime CreatedAt, DateTime UpdatedAt, bool Livemode)
{
    public string Object => "feature";

    public static FeatureDto From(Feature f) =>
        new(f.Id, f.Name, f.Code, f.Type, f.Description, f.UnitName, f.CreatedAt, f.UpdatedAt, f.Livemode);
}

/// <summary>The SDK's <c>Plan</c>: the plan with its features and prices (each price also carries its <c>id</c>).</summary>
public sealed record PlanDto(
    string Id, string Name, string Code, string? Description, string? ConsumptionModel,
    bool IsPublic, bool IsDefault, bool IsFree, bool? BlockOnExhaustion,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? LowBalancePercent, int SortOrder, string? PlanGroupId,
    JsonElement? Metadata, DateTime CreatedAt, DateTime UpdatedAt,
    IReadOnlyList<PlanDto.PlanFeatureEntry> Features, IReadOnlyList<PlanDto.PlanPriceEntry> Prices,
    IReadOnlyList<PlanDto.PlanExchangeRateEntry> ExchangeRates, bool Livemode)
{
    public string Object => "plan";

    /// <summary>
    /// Live subscriptions (pending payment, trialing, active, past due) on the plan or scheduled to move to it: those whose
    /// next renewal charges this plan's price. Sent by <c>GET /plans/{id}</c> only (a server addition, for <c>commet push</c>).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SubscriberCount { get; init; }

    // Nested record names are unique across the DTOs because OpenAPI names schemas by type name alone.
    public sealed record PlanFeatureEntry(
        string Code, string Name, string Type, string? UnitName, bool Enabled, long? IncludedAmount, bool Unlimited, PlanOverageEntry? Overage,
        IReadOnlyList<PlanFeatureRegionalEntry> RegionalPrices);

    /// <summary>A feature's overage unit price in another currency (rate scale); autoSynced: derived from the plan's exchange rate.</summary>
    public sealed record PlanFeatureRegionalEntry(string Currency, long? OverageUnitPrice, bool AutoSynced);

    /// <summary>A price in another currency (minor units of it); autoSynced: derived from the plan's exchange rate.</summary>
    public sealed record PlanPriceRegionalEntry(string Currency, long Price, long? IncludedBalance, bool AutoSynced);

    public sealed record PlanExchangeRateEntry(string Currency, decimal ExchangeRate);

    public sealed record PlanOverageEntry(bool Enabled, string? Model, long? UnitPrice);

    // Subscribers: of SubscriberCount, those billed at this interval (GET /plans/{id} only).
    public sealed record PlanPriceEntry(
        string Id, string BillingInterval, long Price, bool IsDefault, int TrialDays, long? IncludedBalance, long? IncludedCredits,
        IntroOfferDto? IntroOffer, IReadOnlyList<PlanPriceRegionalEntry> RegionalPrices,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Subscribers = null);

    /// <summary>Needs <see cref="Plan.Prices"/> and <see cref="Plan.Features"/> with their <see cref="PlanFeature.Feature"/> loaded.</summary>
    public static PlanDto From(Plan p) => new(
        p.Id, p.Name, p.Code, p.Description, p.ConsumptionModel, p.IsPublic, p.IsDefault, p.IsFree, p.BlockOnExhaustion, p.LowBalancePercent,
        p.SortOrder, p.PlanGroupId, MetadataJson.Read(p.MetadataJson), p.CreatedAt, p.UpdatedAt,
        p.Features.Where(f => f.Feature is not null).OrderBy(f => f.Feature!.Id, StringComparer.Ordinal).Select(ToEntry).ToList(),
        p.Prices.OrderBy(x => BillingIntervals.Rank(x.BillingInterval)).Select(ToEntry).ToList(),
        p.ExchangeRates.OrderBy(r => r.Currency, StringComparer.Ordinal).Select(r => new PlanExchangeRateEntry(r.Currency, r.Rate)).ToList(),
        p.Livemode);

    private static PlanFeatureEntry ToEntry(PlanFeature pf)
    {
        var f = pf.Feature!;
        // An on/off feature has no amount and no overage to speak of.
        if (f.Type == FeatureTypes.Boolean)
        {
            return new PlanFeatureEntry(f.Code, f.Name, f.Type, f.UnitName, pf.Enabled, null, false, null, []);
        }
        return new PlanFeatureEntry(f.Code, f.Name, f.Type, f.UnitName, pf.Enabled, pf.IncludedAmount, pf.Unlimited,
            new PlanOverageEntry(pf.OverageEnabled, pf.OverageEnabled ? "per_unit" : null, pf.OverageUnitPrice),
            pf.RegionalPrices.OrderBy(r => r.Currency, StringComparer.Ordinal)
                .Select(r => new PlanFeatureRegionalEntry(r.Currency, r.OverageUnitPrice, r.AutoSynced)).ToList());
    }

    private static PlanPriceEntry ToEntry(PlanPrice x) =>
        new(x.Id, x.BillingInterval, x.Price, x.IsDefault, x.TrialDays, x.IncludedBalance, x.IncludedCredits, IntroOfferDto.From(x),
            x.RegionalPrices.OrderBy(r => r.Currency, StringComparer.Ordinal)
                .Select(r => new PlanPriceRegionalEntry(r.Currency, r.Price, r.IncludedBalance, r.AutoSynced)).ToList());
}

public sealed record IntroOfferDto(bool Enabled, string? DiscountType, long? DiscountValue, int? DurationCycles)
{
    /// <summary>Null for a price that never had an intro offer.</summary>
    public static IntroOfferDto? From(PlanPrice p) =>
        !p.IntroOfferEnabled && p.IntroOfferDiscountType is null && p.IntroOfferDiscountValue is null && p.IntroOfferDurationCycles is null
            ? null
            : new IntroOfferDto(p.IntroOfferEnabled, p.IntroOfferDiscountType, p.IntroOfferDiscountValue, p.IntroOfferDurationCycles);
}

/// <summary>The SDK's <c>PlanPrice</c>.</summary>
public sealed record PlanPriceDto(
    string Id, string PlanId, string BillingInterval, long Price, bool IsDefault, int TrialDays,
    long? IncludedBalance, long? IncludedCredits, IntroOfferDto? IntroOffer, DateTime CreatedAt, DateTime UpdatedAt, bool Livemode)
{
    public string Object => "plan";

    public static PlanPriceDto From(PlanPrice p, bool livemode) => new(
        p.Id, p.PlanId, p.BillingInterval, p.Price, p.IsDefault, p.TrialDays, p.IncludedBalance, p.IncludedCredits,
        IntroOfferDto.From(p), p.CreatedAt, p.UpdatedAt, livemode);
}

/// <summary>The SDK's <c>PlanFeature</c>.</summary>
public sealed record PlanFeatureDto(
    string PlanId, string FeatureId, bool Enabled, long IncludedAmount, bool Unlimited, PlanFeatureDto.PlanFeatureOverage Overage,
    long? CreditsPerUnit, string PricingMode, long? Margin, bool Livemode)
{
    public string Object => "plan";

    public sealed record PlanFeatureOverage(bool Enabled, long UnitPrice);

    public static PlanFeatureDto From(PlanFeature f, bool livemode) => new(
        f.PlanId, f.FeatureId, f.Enabled, f.IncludedAmount, f.Unlimited, new PlanFeatureOverage(f.OverageEnabled, f.OverageUnitPrice),
        f.CreditsPerUnit, f.PricingMode, f.Margin, livemode);
}

/// <summary>The SDK's <c>PlanVisibility</c>.</summary>
public sealed record PlanVisibilityDto(string Id, bool IsPublic, bool Livemode)
{
    public string Object => "plan";
}

/// <summary>The SDK's <c>DefaultPlanPrice</c>.</summary>
public sealed record DefaultPlanPriceDto(string Id, bool Livemode)
{
    public bool IsDefault => true;

    public string Object => "plan";
}

/// <summary>The SDK's <c>RemovedPlanFeature</c>; <c>id</c> is the feature's <c>ftr_</c> ID.</summary>
public sealed record RemovedPlanFeatureDto(string Id, bool Livemode)
{
    public bool Removed => true;

    public string Object => "plan";
}

/// <summary>The SDK's <c>PlanGroup</c>, with its plans in order.</summary>
public sealed record PlanGroupDto(
    string Id, string Name, string? Description, bool IsPublic, DateTime CreatedAt, DateTime UpdatedAt,
    IReadOnlyList<PlanGroupDto.PlanGroupPlanEntry> Plans, bool Livemode)
{
    public string Object => "plan_group";

    public sealed record PlanGroupPlanEntry(string Id, string Name, int SortOrder);

    public static PlanGroupDto From(PlanGroup g, IEnumerable<Plan> plans) => new(
        g.Id, g.Name, g.Description, g.IsPublic, g.CreatedAt, g.UpdatedAt,
        plans.OrderBy(p => p.SortOrder).ThenBy(p => p.Id, StringComparer.Ordinal).Select(p => new PlanGroupPlanEntry(p.Id, p.Name, p.SortOrder)).ToList(),
        g.Livemode);
}

/// <summary>The SDK's <c>AddedPlanToGroup</c>.</summary>
public sealed record AddedPlanToGroupDto(bool Livemode)
{
    public bool Success => true;

    public string Object => "plan_group";
}

/// <summary>The SDK's <c>RemovedPlanFromGroup</c>; <c>id</c> is the plan's ID.</summary>
public sealed record RemovedPlanFromGroupDto(string Id, bool Livemode)
{
    public bool Removed => true;

    public string Object => "plan_group";
}

/// <summary>The SDK's <c>ReorderedPlans</c>.</summary>
public sealed record ReorderedPlansDto(bool Livemode)
{
    public bool Reordered => true;

    public string Object => "plan_group";
}

/// <summary>The SDK's <c>CreditPack</c>.</summary>
public sealed record CreditPackDto(
    string Id, string Name, string? Description, long Credits, long Price, string Currency, bool IsActive,
    DateTime CreatedAt, DateTime UpdatedAt, bool Livemode)
{
    public string Object => "credit_pack";

    public static CreditPackDto From(CreditPack c) =>
        new(c.Id, c.Name, c.Description, c.Credits, c.Price, c.Currency, c.IsActive, c.CreatedAt, c.UpdatedAt, c.Livemode);
}

/// <summary>The SDK's <c>Addon</c>.</summary>
public sealed record AddonDto(
    string Id, string Name, string Slug, string? Description, long BasePrice, string ConsumptionModel,
    string FeatureCode, string FeatureName, long? IncludedUnits, long? OverageRate, long? CreditCost,
    DateTime CreatedAt, DateTime UpdatedAt, bool Livemode)
{
    public string Object => "addon";

    /// <summary>Needs <see cref="Addon.Feature"/> loaded.</summary>
    public static AddonDto From(Addon a) => new(
        a.Id, a.Name, a.Slug, a.Description, a.BasePrice, a.ConsumptionModel, a.Feature!.Code, a.Feature.Name,
        a.IncludedUnits, a.OverageRate, a.CreditCost, a.CreatedAt, a.UpdatedAt, a.Livemode);
}

/// <summary>The SDK's <c>ActiveAddon</c>: an add-on active on a customer's subscription.</summary>
public sealed record ActiveAddonDto(
    string Slug, string Name, long BasePrice, string FeatureCode, string FeatureName, string FeatureType, string ConsumptionModel,
    DateTime ActivatedAt, bool Livemode)
{
    public string Object => "addon";
}

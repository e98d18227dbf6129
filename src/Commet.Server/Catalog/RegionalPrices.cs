using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Organizations;
using Commet.Server.Persistence;

namespace Commet.Server.Catalog;

public sealed class RegionalOverrideInput
{
    public string? Currency { get; set; }

    /// <summary>Minor units of <see cref="Currency"/> (R$99.75 = 9975; ¥2,850 = 2850).</summary>
    public long? Price { get; set; }

    /// <summary>Monthly, rate scale of <see cref="Currency"/>; balance plans only. Left out: derived at the plan's exchange rate, if any.</summary>
    public long? IncludedBalance { get; set; }
}

/// <summary>The body of <c>PUT /plans/{id}/prices/{priceId}/regional</c>.</summary>
public sealed class UpsertRegionalPricesRequest
{
    public List<RegionalOverrideInput>? Overrides { get; set; }
}

public sealed class RegionalPriceInput
{
    public string? PriceId { get; set; }
    public long? Price { get; set; }
    public long? IncludedBalance { get; set; }
}

public sealed class RegionalFeatureInput
{
    public string? FeatureId { get; set; }
    public long? OverageUnitPrice { get; set; }
}

public sealed class RegionalIntroOfferInput
{
    public string? PriceId { get; set; }
    public string? DiscountType { get; set; }
    public long? DiscountValue { get; set; }
    public int? DurationCycles { get; set; }
}

/// <summary>The body of <c>PUT /plans/{id}/regional</c>.</summary>
public sealed class SetPlanRegionalPricingRequest
{
    public string? Currency { get; set; }
    public decimal? ExchangeRate { get; set; }
    public List<RegionalPriceInput>? Prices { get; set; }
    public List<RegionalFeatureInput>? Features { get; set; }
    public List<RegionalIntroOfferInput>? IntroOffers { get; set; }
}

/// <summary>The SDK's <c>PlanRegionalPricing</c>: every override the price has after the call.</summary>
public sealed record PlanRegionalPricingDto(string PriceId, IReadOnlyList<PlanRegionalPricingDto.RegionalOverrideEntry> Overrides, bool Livemode)
{
    public string Object => "plan";

    public sealed record RegionalOverrideEntry(string Currency, long Price,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] long? IncludedBalance);

    public static PlanRegionalPricingDto From(PlanPrice p, bool livemode) => new(p.Id,
        p.RegionalPrices.OrderBy(r => r.Currency, StringComparer.Ordinal).Select(r => new RegionalOverrideEntry(r.Currency, r.Price, r.IncludedBalance)).ToList(),
        livemode);
}

/// <summary>The SDK's <c>PlanRegionalPricingResult</c>.</summary>
public sealed record PlanRegionalPricingResultDto(string PlanId, string Currency, decimal ExchangeRate, int PricesConfigured, int FeaturesConfigured, bool Livemode)
{
    public string Object => "plan";
}

/// <summary>The SDK's <c>DeletedPlanRegionalPricing</c>.</summary>
public sealed record DeletedPlanRegionalPricingDto(bool Livemode)
{
    public bool Deleted => true;

    public string Object => "plan";
}

/// <summary>
/// Regional prices (see docs/regional-prices.md): a plan's prices and feature overage in other currencies than USD,
/// set by hand per price, or for a whole plan and one currency from an exchange rate.
/// </summary>
public static class RegionalPrices
{
    /// <summary>Creates or replaces the listed currencies' amounts of one price, set by hand; other currencies stay as they are.</summary>
    public static async Task<Result<PlanPrice>> UpsertAsync(string planId, string priceId, UpsertRegionalPricesRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check().That(r.Overrides is { Count: > 0 }, "overrides", "overrides must list at least one currency.");
        var overrides = r.Overrides ?? [];
        for (var i = 0; i < overrides.Count; i++)
        {
            var o = overrides[i];
            CheckCurrency(check, $"overrides[{i}].currency", o.Currency);
            check.That(o.Price is not null, $"overrides[{i}].price", "price is required, in minor units of the currency.")
                .Range($"overrides[{i}].price", o.Price, 0, CatalogRules.MaxPrice)
                .Range($"overrides[{i}].includedBalance", o.IncludedBalance, 0, CatalogRules.MaxIncludedBalance);
        }
        var currencies = overrides.Select(o => o.Currency?.Trim().ToUpperInvariant()).Where(c => c is not null).ToList();
        check.That(currencies.Distinct().Count() == currencies.Count, "overrides", "Each currency may appear once.");
        if (check.Failed)
        {
            return check.ToError();
        }
        var plan = await CatalogLookup.PlanAsync(db, planId, ct, track: true, details: true);
        if (plan is null)
        {
            return CatalogErrors.PlanNotFound(planId);
        }
        var price = plan.Prices.FirstOrDefault(p => p.Id == priceId);
        if (price is null)
        {
            return CatalogErrors.PriceNotFound(priceId, plan.Code);
        }
        var allowances = new List<FieldError>();
        for (var i = 0; i < overrides.Count; i++)
        {
            if (overrides[i].IncludedBalance is not null && plan.Model != ConsumptionModels.Balance)
            {
                allowances.Add(new FieldError($"overrides[{i}].includedBalance", $"includedBalance applies only to balance plans; plan '{plan.Code}' is {plan.Model}."));
            }
        }
        if (allowances.Count > 0)
        {
            return Error.Validation(allowances);
        }
        foreach (var o in overrides)
        {
            var currency = o.Currency!.Trim().ToUpperInvariant();
            var balance = o.IncludedBalance;
            if (balance is null && price.IncludedBalance is { } usdBalance)
            {
                // Left out on a balance plan: derived at the plan's rate for the currency, else kept from before.
                balance = RegionalPricing.RateOf(plan, currency) is { } rate ? RegionalPricing.ConvertRate(usdBalance, rate)
                    : price.IncludedBalanceIn(currency);
            }
            RegionalPricing.SetRegional(price, new RegionalPrice(currency, o.Price!.Value, balance, false));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        price.UpdatedAt = now;
        plan.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return price;
    }

    /// <summary>Removes every currency's amounts from one price: it then bills in USD only.</summary>
    public static async Task<Result<PlanPrice>> DeleteAsync(string planId, string priceId, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var plan = await CatalogLookup.PlanWithPricesAsync(db, planId, ct);
        if (plan is null)
        {
            return CatalogErrors.PlanNotFound(planId);
        }
        var price = plan.Prices.FirstOrDefault(p => p.Id == priceId);
        if (price is null)
        {
            return CatalogErrors.PriceNotFound(priceId, plan.Code);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        price.RegionalPrices = [];
        price.UpdatedAt = now;
        plan.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return price;
    }

    /// <summary>
    /// Sets one currency for the whole plan: its exchange rate, and every price's and priced feature's amount in it. Amounts
    /// sent are stored as set by hand; the others are derived from the USD amounts at the rate (and follow them when they change).
    /// </summary>
    public static async Task<Result<PlanRegionalPricingResultDto>> SetPlanAsync(string planId, SetPlanRegionalPricingRequest r, CommetDb db, ApiCaller caller,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        CheckCurrency(check, "currency", r.Currency);
        check.That(r.ExchangeRate is not null, "exchangeRate", "exchangeRate is required: how many units of the currency one US dollar is worth.")
            .That(r.ExchangeRate is null || (r.ExchangeRate > 0 && r.ExchangeRate <= RegionalPricing.MaxExchangeRate), "exchangeRate",
                $"exchangeRate must be greater than 0 and at most {RegionalPricing.MaxExchangeRate:0}.");
        var prices = r.Prices ?? [];
        var features = r.Features ?? [];
        var offers = r.IntroOffers ?? [];
        for (var i = 0; i < prices.Count; i++)
        {
            check.Required($"prices[{i}].priceId", prices[i].PriceId, 40)
                .That(prices[i].Price is not null, $"prices[{i}].price", "price is required, in minor units of the currency.")
                .Range($"prices[{i}].price", prices[i].Price, 0, CatalogRules.MaxPrice)
                .Range($"prices[{i}].includedBalance", prices[i].IncludedBalance, 0, CatalogRules.MaxIncludedBalance);
        }
        for (var i = 0; i < features.Count; i++)
        {
            check.Required($"features[{i}].featureId", features[i].FeatureId, 100)
                .That(features[i].OverageUnitPrice is not null, $"features[{i}].overageUnitPrice", "overageUnitPrice is required, in rate scale (10000 = 1.00).")
                .Range($"features[{i}].overageUnitPrice", features[i].OverageUnitPrice, 0, CatalogRules.MaxUnitPrice);
        }
        for (var i = 0; i < offers.Count; i++)
        {
            check.Required($"introOffers[{i}].priceId", offers[i].PriceId, 40)
                .OneOf($"introOffers[{i}].discountType", offers[i].DiscountType, CatalogRules.DiscountTypes, required: true)
                .That(offers[i].DiscountValue is not null, $"introOffers[{i}].discountValue", "discountValue is required.")
                .Range($"introOffers[{i}].discountValue", offers[i].DiscountValue, 1,
                    offers[i].DiscountType == "percentage" ? CatalogRules.MaxPercentage : CatalogRules.MaxPrice)
                .That(offers[i].DurationCycles is not null, $"introOffers[{i}].durationCycles", "durationCycles is required.")
                .Range($"introOffers[{i}].durationCycles", offers[i].DurationCycles, 1, CatalogRules.MaxIntroOfferCycles);
        }
        if (check.Failed)
        {
            return check.ToError();
        }

        var plan = await CatalogLookup.PlanAsync(db, planId, ct, track: true, details: true);
        if (plan is null)
        {
            return CatalogErrors.PlanNotFound(planId);
        }
        var unknown = new List<FieldError>();
        for (var i = 0; i < prices.Count; i++)
        {
            if (plan.Prices.All(p => p.Id != prices[i].PriceId))
            {
                unknown.Add(new FieldError($"prices[{i}].priceId", $"Plan '{plan.Code}' has no price with ID '{prices[i].PriceId}'."));
            }
            else if (prices[i].IncludedBalance is not null && plan.Model != ConsumptionModels.Balance)
            {
                unknown.Add(new FieldError($"prices[{i}].includedBalance", $"includedBalance applies only to balance plans; plan '{plan.Code}' is {plan.Model}."));
            }
        }
        for (var i = 0; i < features.Count; i++)
        {
            if (FeatureOf(plan, features[i].FeatureId!) is null)
            {
                unknown.Add(new FieldError($"features[{i}].featureId", $"Feature '{features[i].FeatureId}' is not on plan '{plan.Code}'."));
            }
        }
        for (var i = 0; i < offers.Count; i++)
        {
            if (plan.Prices.All(p => p.Id != offers[i].PriceId))
            {
                unknown.Add(new FieldError($"introOffers[{i}].priceId", $"Plan '{plan.Code}' has no price with ID '{offers[i].PriceId}'."));
            }
        }
        if (unknown.Count > 0)
        {
            return Error.Validation(unknown);
        }

        var currency = r.Currency!.Trim().ToUpperInvariant();
        var rate = new ExchangeRate(currency, r.ExchangeRate!.Value);
        RegionalPricing.SetRate(plan, rate);
        // A PUT sets the currency afresh: what is sent is set by hand, everything else is derived at the new rate.
        foreach (var price in plan.Prices)
        {
            var derived = RegionalPricing.Derive(price, rate);
            var manual = prices.FirstOrDefault(p => p.PriceId == price.Id);
            RegionalPricing.SetRegional(price, manual is null ? derived
                : new RegionalPrice(currency, manual.Price!.Value, manual.IncludedBalance ?? derived.IncludedBalance, false));
        }
        var featuresConfigured = 0;
        foreach (var pf in plan.Features)
        {
            var manual = features.FirstOrDefault(f => FeatureOf(plan, f.FeatureId!) == pf);
            if (manual is not null)
            {
                RegionalPricing.SetRegional(pf, new RegionalOverage(currency, manual.OverageUnitPrice!.Value, false));
                featuresConfigured++;
            }
            else if (pf.IsPriced())
            {
                RegionalPricing.SetRegional(pf, new RegionalOverage(currency, RegionalPricing.ConvertRate(pf.OverageUnitPrice, rate.Rate), true));
                featuresConfigured++;
            }
        }
        var now = clock.GetUtcNow().UtcDateTime;
        plan.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return new PlanRegionalPricingResultDto(plan.Id, currency, rate.Rate, plan.Prices.Count, featuresConfigured, caller.Livemode);
    }

    private static PlanFeature? FeatureOf(Plan plan, string idOrCode) =>
        plan.Features.FirstOrDefault(f => f.FeatureId == idOrCode) ?? plan.Features.FirstOrDefault(f => f.Feature?.Code == idOrCode);

    private static void CheckCurrency(Check check, string field, string? currency)
    {
        var code = currency?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(code))
        {
            check.Add(field, "currency is required.");
        }
        else if (RegionalPricing.IsBase(code))
        {
            check.Add(field, "USD is the plan's own currency: change the price itself instead of a regional override.");
        }
        else if (!RegionalPricing.Currencies.Contains(code))
        {
            check.Add(field, $"currency must be one of {string.Join(", ", RegionalPricing.Currencies.Select(c => c.ToLowerInvariant()))}.");
        }
    }

    public static void MapRegionalPrices(this RouteGroupBuilder plans)
    {
        plans.MapPut("/{id}/prices/{priceId}/regional", async (string id, string priceId, Json<UpsertRegionalPricesRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await UpsertAsync(id, priceId, body.Value, db, clock, ct), p => Answer.Ok(PlanRegionalPricingDto.From(p, caller.Livemode))))
        .WithSummary("Set a price's amounts in other currencies by hand (the currencies listed; others stay).");

        plans.MapDelete("/{id}/prices/{priceId}/regional", async (string id, string priceId, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await DeleteAsync(id, priceId, db, clock, ct), _ => Answer.Ok(new DeletedPlanRegionalPricingDto(caller.Livemode))))
        .WithSummary("Remove every regional amount of a price: it is then sold in USD only.");

        plans.MapPut("/{id}/regional", async (string id, Json<SetPlanRegionalPricingRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await SetPlanAsync(id, body.Value, db, caller, clock, ct), d => Answer.Ok(d)))
        .WithSummary("Set a plan's prices and feature overage in one currency from an exchange rate, with optional amounts set by hand.");
    }
}

using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Organizations;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Catalog;

/// <summary>Fields left out stay as they are (on update); fields sent as null are cleared.</summary>
public sealed class IntroOfferInput
{
    private string? discountType;
    private long? discountValue;
    private int? durationCycles;

    public bool? Enabled { get; set; }

    /// <summary><c>percentage</c> (basis points: 10000 = 100%) or <c>amount</c> (minor units).</summary>
    public string? DiscountType
    {
        get => discountType;
        set { discountType = value; HasDiscountType = true; }
    }

    public long? DiscountValue
    {
        get => discountValue;
        set { discountValue = value; HasDiscountValue = true; }
    }

    public int? DurationCycles
    {
        get => durationCycles;
        set { durationCycles = value; HasDurationCycles = true; }
    }

    [JsonIgnore] public bool HasDiscountType { get; private set; }

    [JsonIgnore] public bool HasDiscountValue { get; private set; }

    [JsonIgnore] public bool HasDurationCycles { get; private set; }
}

public sealed class AddPlanPriceRequest
{
    public string? BillingInterval { get; set; }

    /// <summary>Minor units.</summary>
    public long? Price { get; set; }
    public int? TrialDays { get; set; }
    public bool? IsDefault { get; set; }

    /// <summary>Monthly, rate scale (10000 = 1.00); balance plans only.</summary>
    public long? IncludedBalance { get; set; }

    /// <summary>Monthly; credits plans only.</summary>
    public long? IncludedCredits { get; set; }
    public IntroOfferInput? IntroOffer { get; set; }
}

/// <summary>Fields left out stay as they are; <c>includedBalance</c> and <c>includedCredits</c> sent as null are cleared.</summary>
public sealed class UpdatePlanPriceRequest
{
    private long? includedBalance;
    private long? includedCredits;

    public long? Price { get; set; }
    public bool? IsDefault { get; set; }
    public int? TrialDays { get; set; }

    public long? IncludedBalance
    {
        get => includedBalance;
        set { includedBalance = value; HasIncludedBalance = true; }
    }

    public long? IncludedCredits
    {
        get => includedCredits;
        set { includedCredits = value; HasIncludedCredits = true; }
    }

    public IntroOfferInput? IntroOffer { get; set; }

    [JsonIgnore] public bool HasIncludedBalance { get; private set; }

    [JsonIgnore] public bool HasIncludedCredits { get; private set; }
}

/// <summary>A plan's prices: one per billing interval, one of them the default.</summary>
public static class PlanPrices
{
    public static async Task<Result<PlanPrice>> AddAsync(string planId, AddPlanPriceRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        if (r.BillingInterval == "one_time")
        {
            check.Add("billingInterval", "one_time prices are not supported yet; use weekly, monthly, quarterly or yearly.");
        }
        else
        {
            check.OneOf("billingInterval", r.BillingInterval, BillingIntervals.All, required: true);
        }
        check.That(r.Price is not null, "price", "price is required, in minor units (9900 = 99.00).");
        CheckNumbers(check, r.Price, r.TrialDays, r.IncludedBalance, r.IncludedCredits);
        if (check.Failed)
        {
            return check.ToError();
        }
        var plan = await CatalogLookup.PlanWithPricesAsync(db, planId, ct);
        if (plan is null)
        {
            return CatalogErrors.PlanNotFound(planId);
        }
        var allowances = plan.CheckAllowances(r.IncludedCredits, r.IncludedBalance);
        if (allowances.Count > 0)
        {
            return Error.Validation(allowances);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var price = new PlanPrice
        {
            Id = Ids.New(Ids.Price, clock),
            PlanId = plan.Id,
            BillingInterval = r.BillingInterval!,
            Price = r.Price!.Value,
            TrialDays = r.TrialDays ?? 0,
            IncludedBalance = r.IncludedBalance,
            IncludedCredits = r.IncludedCredits,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (r.IntroOffer is not null)
        {
            ApplyIntroOffer(price, r.IntroOffer);
        }
        if (CheckIntroOffer(price) is { } offerError)
        {
            return offerError;
        }
        var added = plan.AddPrice(price, r.IsDefault == true, now);
        if (!added.IsSuccess)
        {
            return added;
        }
        // The plan's currencies priced from an exchange rate get the new price derived in them.
        RegionalPricing.SyncPrice(plan, price);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Error.Conflict("duplicate", $"Plan '{plan.Code}' already has a {price.BillingInterval} price; update that price instead.", "billingInterval");
        }
        return price;
    }

    public static async Task<Result<PlanPrice>> UpdateAsync(string planId, string priceId, UpdatePlanPriceRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        CheckNumbers(check, r.Price, r.TrialDays, r.IncludedBalance, r.IncludedCredits);
        if (check.Failed)
        {
            return check.ToError();
        }
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
        var allowances = plan.CheckAllowances(
            r.HasIncludedCredits ? r.IncludedCredits : price.IncludedCredits,
            r.HasIncludedBalance ? r.IncludedBalance : price.IncludedBalance);
        if (allowances.Count > 0)
        {
            return Error.Validation(allowances);
        }
        if (r.IsDefault == false && plan.CanUnsetDefault(price.Id) is { } keepDefault)
        {
            return keepDefault;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        price.Price = r.Price ?? price.Price;
        price.TrialDays = r.TrialDays ?? price.TrialDays;
        if (r.HasIncludedBalance)
        {
            price.IncludedBalance = r.IncludedBalance;
        }
        if (r.HasIncludedCredits)
        {
            price.IncludedCredits = r.IncludedCredits;
        }
        if (r.IntroOffer is not null)
        {
            ApplyIntroOffer(price, r.IntroOffer);
        }
        if (CheckIntroOffer(price) is { } offerError)
        {
            return offerError;
        }
        if (r.IsDefault == true)
        {
            plan.SetDefaultPrice(price.Id, now);
        }
        // Amounts derived from the plan's exchange rates follow the USD ones; those set by hand stay.
        RegionalPricing.SyncPrice(plan, price);
        price.UpdatedAt = now;
        plan.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return price;
    }

    public static async Task<Result<PlanPrice>> DeleteAsync(string planId, string priceId, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var plan = await CatalogLookup.PlanWithPricesAsync(db, planId, ct);
        if (plan is null)
        {
            return CatalogErrors.PlanNotFound(planId);
        }
        var removed = plan.RemovePrice(priceId, clock.GetUtcNow().UtcDateTime);
        if (removed.IsSuccess)
        {
            await db.SaveChangesAsync(ct);
        }
        return removed;
    }

    public static async Task<Result<PlanPrice>> SetDefaultAsync(string planId, string priceId, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var plan = await CatalogLookup.PlanWithPricesAsync(db, planId, ct);
        if (plan is null)
        {
            return CatalogErrors.PlanNotFound(planId);
        }
        var price = plan.SetDefaultPrice(priceId, clock.GetUtcNow().UtcDateTime);
        if (price.IsSuccess)
        {
            await db.SaveChangesAsync(ct);
        }
        return price;
    }

    private static void CheckNumbers(Check check, long? price, int? trialDays, long? includedBalance, long? includedCredits) =>
        check.Range("price", price, 0, CatalogRules.MaxPrice)
            .Range("trialDays", trialDays, 0, CatalogRules.MaxTrialDays)
            .Range("includedBalance", includedBalance, 0, CatalogRules.MaxIncludedBalance)
            .Range("includedCredits", includedCredits, 0, CatalogRules.MaxQuantity);

    private static void ApplyIntroOffer(PlanPrice price, IntroOfferInput offer)
    {
        price.IntroOfferEnabled = offer.Enabled ?? price.IntroOfferEnabled;
        if (offer.HasDiscountType)
        {
            price.IntroOfferDiscountType = offer.DiscountType;
        }
        if (offer.HasDiscountValue)
        {
            price.IntroOfferDiscountValue = offer.DiscountValue;
        }
        if (offer.HasDurationCycles)
        {
            price.IntroOfferDurationCycles = offer.DurationCycles;
        }
    }

    /// <summary>
    /// Checked on the offer as it will be stored. An enabled offer needs all three numbers; a percentage is in
    /// basis points, an amount in minor units and never more than the price it discounts.
    /// </summary>
    private static Error? CheckIntroOffer(PlanPrice p)
    {
        var check = new Check();
        check.OneOf("introOffer.discountType", p.IntroOfferDiscountType, CatalogRules.DiscountTypes, required: p.IntroOfferEnabled);
        if (p.IntroOfferEnabled)
        {
            check.That(p.IntroOfferDiscountValue is not null, "introOffer.discountValue", "introOffer.discountValue is required for an enabled intro offer.")
                .That(p.IntroOfferDurationCycles is not null, "introOffer.durationCycles", "introOffer.durationCycles is required for an enabled intro offer.");
        }
        var maxValue = p.IntroOfferDiscountType == "percentage" ? CatalogRules.MaxPercentage : Math.Max(1, p.Price);
        check.Range("introOffer.discountValue", p.IntroOfferDiscountValue, 1, maxValue)
            .Range("introOffer.durationCycles", p.IntroOfferDurationCycles, 1, CatalogRules.MaxIntroOfferCycles);
        return check.Failed ? check.ToError() : null;
    }

    public static void MapPlanPrices(this RouteGroupBuilder plans)
    {
        plans.MapPost("/{id}/prices", async (string id, Json<AddPlanPriceRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await AddAsync(id, body.Value, db, clock, ct), p => Answer.Created(PlanPriceDto.From(p, caller.Livemode))))
        .WithSummary("Add a price for one billing interval; a plan's first price becomes its default.");

        plans.MapPut("/{id}/prices/{priceId}", async (string id, string priceId, Json<UpdatePlanPriceRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await UpdateAsync(id, priceId, body.Value, db, clock, ct), p => Answer.Ok(PlanPriceDto.From(p, caller.Livemode))))
        .WithSummary("Update a price's amount, trial, allowances or intro offer, or make it the default.");

        plans.MapDelete("/{id}/prices/{priceId}", async (string id, string priceId, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await DeleteAsync(id, priceId, db, clock, ct), p => Answer.Ok(new DeletedDto(p.Id, "plan", caller.Livemode))))
        .WithSummary("Remove a price; when it was the default, the oldest remaining price becomes the default.");

        plans.MapPut("/{id}/prices/{priceId}/default", async (string id, string priceId, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await SetDefaultAsync(id, priceId, db, clock, ct), p => Answer.Ok(new DefaultPlanPriceDto(p.Id, caller.Livemode))))
        .WithSummary("Make a price the plan's default, in place of the previous one.");
    }
}

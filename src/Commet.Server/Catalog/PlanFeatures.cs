using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Catalog;

public sealed class OverageInput
{
    public bool? Enabled { get; set; }

    /// <summary>Rate scale: 10000 = 1.00 per unit.</summary>
    public long? UnitPrice { get; set; }
}

public sealed class AddPlanFeatureRequest
{
    /// <summary>The feature's <c>ftr_</c> ID or its code.</summary>
    public string? FeatureId { get; set; }
    public bool? Enabled { get; set; }
    public long? IncludedAmount { get; set; }
    public bool? Unlimited { get; set; }
    public OverageInput? Overage { get; set; }
    public long? CreditsPerUnit { get; set; }
    public string? PricingMode { get; set; }
    public long? Margin { get; set; }
}

/// <summary>Fields left out stay as they are; <c>creditsPerUnit</c> sent as null is cleared.</summary>
public sealed class UpdatePlanFeatureRequest
{
    private long? creditsPerUnit;

    public bool? Enabled { get; set; }
    public long? IncludedAmount { get; set; }
    public bool? Unlimited { get; set; }
    public OverageInput? Overage { get; set; }

    public long? CreditsPerUnit
    {
        get => creditsPerUnit;
        set { creditsPerUnit = value; HasCreditsPerUnit = true; }
    }

    [JsonIgnore] public bool HasCreditsPerUnit { get; private set; }
}

/// <summary>What a plan grants of each feature: on/off, an included amount, overage, and the credit cost on credits plans.</summary>
public static class PlanFeatures
{
    public static async Task<Result<PlanFeature>> AddAsync(string planId, AddPlanFeatureRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check().Required("featureId", r.FeatureId, 100);
        CheckNumbers(check, r.IncludedAmount, r.Overage, r.CreditsPerUnit);
        if (r.Overage is not null)
        {
            check.That(r.Overage.Enabled is not null, "overage.enabled", "overage.enabled is required when overage is sent.")
                .That(r.Overage.UnitPrice is not null, "overage.unitPrice", "overage.unitPrice is required when overage is sent (rate scale: 10000 = 1.00).");
        }
        check.OneOf("pricingMode", r.PricingMode, [CatalogRules.PricingModeFixed, CatalogRules.PricingModeAiModel], required: false)
            .Range("margin", r.Margin, 0, Commet.Domain.Usage.AiPricing.MaxMargin);
        if (check.Failed)
        {
            return check.ToError();
        }

        var plan = await CatalogLookup.PlanAsync(db, planId, ct, track: true);
        if (plan is null)
        {
            return CatalogErrors.PlanNotFound(planId);
        }
        var feature = await CatalogLookup.FeatureAsync(db, r.FeatureId!, ct);
        if (feature is null)
        {
            return CatalogErrors.FeatureNotFound(r.FeatureId!);
        }
        if (await db.PlanFeatures.AnyAsync(pf => pf.PlanId == plan.Id && pf.FeatureId == feature.Id, ct))
        {
            return Duplicate(plan, feature);
        }
        var settings = new PlanFeature
        {
            PlanId = plan.Id,
            FeatureId = feature.Id,
            Enabled = r.Enabled ?? true,
            IncludedAmount = r.IncludedAmount ?? 0,
            Unlimited = r.Unlimited ?? false,
            OverageEnabled = r.Overage?.Enabled ?? false,
            OverageUnitPrice = r.Overage?.UnitPrice ?? 0,
            CreditsPerUnit = r.CreditsPerUnit,
            PricingMode = r.PricingMode ?? CatalogRules.PricingModeFixed,
            Margin = r.Margin,
        };
        var errors = CatalogRules.CheckPlanFeature(plan, feature, settings);
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        RegionalPricing.SyncFeature(plan, settings);
        db.PlanFeatures.Add(settings);
        plan.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Duplicate(plan, feature);
        }
        return settings;
    }

    public static async Task<Result<PlanFeature>> UpdateAsync(string planId, string featureId, UpdatePlanFeatureRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        CheckNumbers(check, r.IncludedAmount, r.Overage, r.CreditsPerUnit);
        if (check.Failed)
        {
            return check.ToError();
        }
        var found = await FindAsync(planId, featureId, db, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }
        var (plan, feature, settings) = found.Value;

        settings.Enabled = r.Enabled ?? settings.Enabled;
        settings.IncludedAmount = r.IncludedAmount ?? settings.IncludedAmount;
        settings.Unlimited = r.Unlimited ?? settings.Unlimited;
        settings.OverageEnabled = r.Overage?.Enabled ?? settings.OverageEnabled;
        settings.OverageUnitPrice = r.Overage?.UnitPrice ?? settings.OverageUnitPrice;
        if (r.HasCreditsPerUnit)
        {
            settings.CreditsPerUnit = r.CreditsPerUnit;
        }
        var errors = CatalogRules.CheckPlanFeature(plan, feature, settings);
        if (errors.Count > 0)
        {
            // The request's context is thrown away with the request, so the half-applied change is never saved.
            return Error.Validation(errors);
        }
        RegionalPricing.SyncFeature(plan, settings);
        plan.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return settings;
    }

    public static async Task<Result<PlanFeature>> RemoveAsync(string planId, string featureId, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var found = await FindAsync(planId, featureId, db, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }
        var (plan, _, settings) = found.Value;
        db.PlanFeatures.Remove(settings);
        plan.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return settings;
    }

    private static async Task<Result<(Plan Plan, Feature Feature, PlanFeature Settings)>> FindAsync(string planId, string featureId, CommetDb db, CancellationToken ct)
    {
        var plan = await CatalogLookup.PlanAsync(db, planId, ct, track: true);
        if (plan is null)
        {
            return CatalogErrors.PlanNotFound(planId);
        }
        var feature = await CatalogLookup.FeatureAsync(db, featureId, ct);
        if (feature is null)
        {
            return CatalogErrors.FeatureNotFound(featureId);
        }
        var settings = await db.PlanFeatures.FirstOrDefaultAsync(pf => pf.PlanId == plan.Id && pf.FeatureId == feature.Id, ct);
        if (settings is null)
        {
            return Error.NotFound("feature", $"Feature '{feature.Code}' is not on plan '{plan.Code}'.");
        }
        return (plan, feature, settings);
    }

    private static void CheckNumbers(Check check, long? includedAmount, OverageInput? overage, long? creditsPerUnit) =>
        check.Range("includedAmount", includedAmount, 0, CatalogRules.MaxQuantity)
            .Range("overage.unitPrice", overage?.UnitPrice, 0, CatalogRules.MaxUnitPrice)
            .Range("creditsPerUnit", creditsPerUnit, 1, CatalogRules.MaxQuantity);

    private static Error Duplicate(Plan plan, Feature feature) =>
        Error.Conflict("duplicate", $"Feature '{feature.Code}' is already on plan '{plan.Code}'; update it instead.", "featureId");

    public static void MapPlanFeatures(this RouteGroupBuilder plans)
    {
        plans.MapPost("/{id}/features", async (string id, Json<AddPlanFeatureRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await AddAsync(id, body.Value, db, clock, ct), f => Answer.Created(PlanFeatureDto.From(f, caller.Livemode))))
        .WithSummary("Attach a feature (ftr_ ID or code) to a plan with its amount, overage and credit cost.");

        plans.MapPut("/{id}/features/{featureId}", async (string id, string featureId, Json<UpdatePlanFeatureRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await UpdateAsync(id, featureId, body.Value, db, clock, ct), f => Answer.Ok(PlanFeatureDto.From(f, caller.Livemode))))
        .WithSummary("Change how a plan grants one of its features.");

        plans.MapDelete("/{id}/features/{featureId}", async (string id, string featureId, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await RemoveAsync(id, featureId, db, clock, ct), f => Answer.Ok(new RemovedPlanFeatureDto(f.FeatureId, caller.Livemode))))
        .WithSummary("Detach a feature from a plan.");
    }
}

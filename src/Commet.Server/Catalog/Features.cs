using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Organizations;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Catalog;

public sealed class CreateFeatureRequest
{
    public string? Name { get; set; }
    public string? Code { get; set; }
    public string? Type { get; set; }
    public string? Description { get; set; }
    public string? UnitName { get; set; }
}

/// <summary>Fields left out stay as they are; <c>description</c> and <c>unitName</c> sent as null are cleared.</summary>
public sealed class UpdateFeatureRequest
{
    private string? description;
    private string? unitName;

    public string? Name { get; set; }

    public string? Description
    {
        get => description;
        set { description = value; HasDescription = true; }
    }

    public string? UnitName
    {
        get => unitName;
        set { unitName = value; HasUnitName = true; }
    }

    [JsonIgnore] public bool HasDescription { get; private set; }

    [JsonIgnore] public bool HasUnitName { get; private set; }
}

/// <summary>The organization's feature catalog: what plans and add-ons grant, named by a stable code.</summary>
public static class Features
{
    public static async Task<Result<Feature>> CreateAsync(CreateFeatureRequest r, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check().Required("name", r.Name);
        if (r.Code is null || !CatalogRules.IsValidFeatureCode(r.Code))
        {
            check.Add("code", "code is required: 1 to 100 lowercase letters, digits or underscores (for example api_calls).");
        }
        check.OneOf("type", r.Type, FeatureTypes.All, required: true);
        check.MaxLength("description", r.Description, CatalogRules.MaxDescription).MaxLength("unitName", r.UnitName, 100);
        CheckUnitName(check, r.Type, r.UnitName);
        if (check.Failed)
        {
            return check.ToError();
        }

        if (await db.Features.AnyAsync(f => f.Code == r.Code && f.DeletedAt == null, ct))
        {
            return AlreadyExists(r.Code!);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var feature = new Feature
        {
            Id = Ids.New(Ids.Feature, clock),
            OrganizationId = caller.OrganizationId,
            Livemode = caller.Livemode,
            Code = r.Code!,
            Name = r.Name!.Trim(),
            Type = r.Type!,
            Description = r.Description,
            UnitName = r.UnitName,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Features.Add(feature);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return AlreadyExists(r.Code!);
        }
        return feature;
    }

    public static async Task<Result<Feature>> UpdateAsync(string code, UpdateFeatureRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        if (r.Name is null && !r.HasDescription && !r.HasUnitName)
        {
            check.Add("body", "Send at least one of name, description or unitName.");
        }
        if (r.Name is not null)
        {
            check.Required("name", r.Name);
        }
        check.MaxLength("description", r.Description, CatalogRules.MaxDescription).MaxLength("unitName", r.UnitName, 100);
        if (check.Failed)
        {
            return check.ToError();
        }
        var feature = await CatalogLookup.FeatureAsync(db, code, ct, track: true);
        if (feature is null)
        {
            return CatalogErrors.FeatureNotFound(code);
        }
        CheckUnitName(check, feature.Type, r.UnitName);
        if (check.Failed)
        {
            return check.ToError();
        }

        feature.Name = r.Name?.Trim() ?? feature.Name;
        if (r.HasDescription)
        {
            feature.Description = r.Description;
        }
        if (r.HasUnitName)
        {
            feature.UnitName = r.UnitName;
        }
        feature.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return feature;
    }

    /// <summary>
    /// Soft delete, refused while a plan in the catalog or a live add-on grants the feature. Deleted plans (whose
    /// subscribers keep them) and deleted add-ons keep pointing at the feature, which is why it is not removed.
    /// </summary>
    public static async Task<Result<Feature>> DeleteAsync(string code, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var feature = await CatalogLookup.FeatureAsync(db, code, ct, track: true);
        if (feature is null)
        {
            return CatalogErrors.FeatureNotFound(code);
        }
        var plans = await db.Plans.AsNoTracking()
            .Where(p => p.DeletedAt == null && p.Features.Any(pf => pf.FeatureId == feature.Id))
            .OrderBy(p => p.Code).Select(p => p.Code).Take(5).ToListAsync(ct);
        if (plans.Count > 0)
        {
            return Error.Conflict("feature_in_use",
                $"Feature '{feature.Code}' is on plan(s) {string.Join(", ", plans)}. Remove it from every plan first.");
        }
        var addon = await db.Addons.AsNoTracking().Where(a => a.FeatureId == feature.Id && a.DeletedAt == null)
            .Select(a => a.Slug).FirstOrDefaultAsync(ct);
        if (addon is not null)
        {
            return Error.Conflict("feature_in_use", $"Feature '{feature.Code}' is granted by add-on '{addon}'. Delete the add-on first.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        feature.DeletedAt = now;
        feature.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return feature;
    }

    private static void CheckUnitName(Check check, string? type, string? unitName)
    {
        if (type == FeatureTypes.Boolean && unitName is not null)
        {
            check.Add("unitName", "Boolean features are on or off; they have no unit name.");
        }
    }

    private static Error AlreadyExists(string code) =>
        Error.Conflict("feature_already_exists", $"A feature with code '{code}' already exists.", "code");

    public static void MapFeatures(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/features").WithTags("Features");

        group.MapGet("/", async (CommetDb db, CancellationToken ct) =>
        {
            var features = await db.Features.AsNoTracking().Where(f => f.DeletedAt == null).OrderBy(f => f.Id).ToListAsync(ct);
            return Answer.List(features.Select(FeatureDto.From).ToList());
        })
        .WithSummary("List every feature of the catalog, oldest first.");

        group.MapGet("/{code}", async Task<Results<ApiOk<FeatureDto>, ApiNotFound>> (string code, CommetDb db, CancellationToken ct) =>
        {
            var feature = await CatalogLookup.FeatureAsync(db, code, ct);
            return feature is null ? Answer.NotFound(CatalogErrors.FeatureNotFound(code)) : Answer.Ok(FeatureDto.From(feature));
        })
        .WithSummary("Get a feature by code (or ftr_ ID).");

        group.MapPost("/manage", async (Json<CreateFeatureRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await CreateAsync(body.Value, db, caller, clock, ct), f => Answer.Created(FeatureDto.From(f))))
        .WithSummary("Create a feature: boolean, usage or seats, with a unique code.");

        group.MapPut("/{code}/manage", async (string code, Json<UpdateFeatureRequest> body, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await UpdateAsync(code, body.Value, db, clock, ct), f => Answer.Ok(FeatureDto.From(f))))
        .WithSummary("Update a feature's name, description or unit name (at least one).");

        group.MapDelete("/{code}/manage", async (string code, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await DeleteAsync(code, db, clock, ct), f => Answer.Ok(new DeletedDto(f.Id, "feature", f.Livemode))))
        .WithSummary("Delete a feature that no plan and no add-on uses.");
    }
}

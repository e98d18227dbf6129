using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Server.Customers;
using Commet.Server.Http;
using Commet.Server.Organizations;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Catalog;

public sealed class CreateAddonRequest
{
    public string? Name { get; set; }
    public string? Description { get; set; }

    /// <summary>Minor units per billing period.</summary>
    public long? BasePrice { get; set; }

    /// <summary>The feature's <c>ftr_</c> ID or its code.</summary>
    public string? FeatureId { get; set; }
    public string? ConsumptionModel { get; set; }
    public long? IncludedUnits { get; set; }

    /// <summary>Rate scale (10000 = 1.00).</summary>
    public long? OverageRate { get; set; }
    public long? CreditCost { get; set; }
}

/// <summary>Fields left out stay as they are; fields sent as null are cleared. The slug never changes.</summary>
public sealed class UpdateAddonRequest
{
    private string? description;
    private long? includedUnits;
    private long? overageRate;
    private long? creditCost;

    public string? Name { get; set; }

    public string? Description
    {
        get => description;
        set { description = value; HasDescription = true; }
    }

    public long? BasePrice { get; set; }

    public long? IncludedUnits
    {
        get => includedUnits;
        set { includedUnits = value; HasIncludedUnits = true; }
    }

    public long? OverageRate
    {
        get => overageRate;
        set { overageRate = value; HasOverageRate = true; }
    }

    public long? CreditCost
    {
        get => creditCost;
        set { creditCost = value; HasCreditCost = true; }
    }

    [JsonIgnore] public bool HasDescription { get; private set; }

    [JsonIgnore] public bool HasIncludedUnits { get; private set; }

    [JsonIgnore] public bool HasOverageRate { get; private set; }

    [JsonIgnore] public bool HasCreditCost { get; private set; }
}

/// <summary>Add-ons: a feature a subscriber can switch on for a price per period, one add-on per feature.</summary>
public static class Addons
{
    private const int SlugAttempts = 10;

    public static async Task<Result<Addon>> CreateAsync(CreateAddonRequest r, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check().Required("name", r.Name).MaxLength("description", r.Description, CatalogRules.MaxDescription)
            .That(r.BasePrice is not null, "basePrice", "basePrice is required, in minor units per billing period (500 = 5.00).")
            .Required("featureId", r.FeatureId, 100)
            .OneOf("consumptionModel", r.ConsumptionModel, CatalogRules.AddonModels, required: true);
        CheckNumbers(check, r.BasePrice, r.IncludedUnits, r.OverageRate, r.CreditCost);
        if (check.Failed)
        {
            return check.ToError();
        }
        var feature = await CatalogLookup.FeatureAsync(db, r.FeatureId!, ct);
        if (feature is null)
        {
            return CatalogErrors.FeatureNotFound(r.FeatureId!);
        }
        var rules = CatalogRules.CheckAddon(r.ConsumptionModel!, feature, r.IncludedUnits, r.OverageRate, r.CreditCost);
        if (rules.Count > 0)
        {
            return Error.Validation(rules);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var name = r.Name!.Trim();
        var baseSlug = CatalogRules.Slugify(name);
        for (var attempt = 1; ; attempt++)
        {
            if (await FeatureTakenAsync(db, feature, ct) is { } taken)
            {
                return taken;
            }
            var addon = new Addon
            {
                Id = Ids.New(Ids.Addon, clock),
                OrganizationId = caller.OrganizationId,
                Livemode = caller.Livemode,
                Name = name,
                Slug = CatalogRules.UniqueSlug(baseSlug, await SlugsLikeAsync(db, baseSlug, ct)),
                Description = r.Description,
                BasePrice = r.BasePrice!.Value,
                FeatureId = feature.Id,
                ConsumptionModel = r.ConsumptionModel!,
                IncludedUnits = r.IncludedUnits,
                OverageRate = r.OverageRate,
                CreditCost = r.CreditCost,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Addons.Add(addon);
            try
            {
                await db.SaveChangesAsync(ct);
                addon.Feature = feature;
                return addon;
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // Another add-on took this feature or this slug meanwhile: look again.
                db.ChangeTracker.Clear();
                if (attempt >= SlugAttempts)
                {
                    return await FeatureTakenAsync(db, feature, ct)
                        ?? Error.Conflict("duplicate", "Other add-ons with the same name were being created at the same moment; retry.", "name");
                }
            }
        }
    }

    public static async Task<Result<Addon>> UpdateAsync(string id, UpdateAddonRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        if (r.Name is not null)
        {
            check.Required("name", r.Name);
        }
        check.MaxLength("description", r.Description, CatalogRules.MaxDescription);
        CheckNumbers(check, r.BasePrice, r.IncludedUnits, r.OverageRate, r.CreditCost);
        if (check.Failed)
        {
            return check.ToError();
        }
        var addon = await CatalogLookup.AddonAsync(db, id, ct, track: true);
        if (addon is null)
        {
            return CatalogErrors.AddonNotFound(id);
        }
        var includedUnits = r.HasIncludedUnits ? r.IncludedUnits : addon.IncludedUnits;
        var overageRate = r.HasOverageRate ? r.OverageRate : addon.OverageRate;
        var creditCost = r.HasCreditCost ? r.CreditCost : addon.CreditCost;
        var rules = CatalogRules.CheckAddon(addon.ConsumptionModel, addon.Feature!, includedUnits, overageRate, creditCost);
        if (rules.Count > 0)
        {
            return Error.Validation(rules);
        }
        addon.Name = r.Name?.Trim() ?? addon.Name;
        if (r.HasDescription)
        {
            addon.Description = r.Description;
        }
        addon.BasePrice = r.BasePrice ?? addon.BasePrice;
        addon.IncludedUnits = includedUnits;
        addon.OverageRate = overageRate;
        addon.CreditCost = creditCost;
        addon.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return addon;
    }

    /// <summary>Soft delete; the feature is free for a new add-on from then on.</summary>
    public static async Task<Result<Addon>> DeleteAsync(string id, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var addon = await CatalogLookup.AddonAsync(db, id, ct, track: true);
        if (addon is null)
        {
            return CatalogErrors.AddonNotFound(id);
        }
        if (await HasActiveActivationsAsync(db, addon, ct))
        {
            return Error.Conflict("addon_has_activations",
                $"Add-on '{addon.Slug}' is active on at least one subscription. Deactivate it there first.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        addon.DeletedAt = now;
        addon.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return addon;
    }

    /// <summary>Whether the add-on is active on any subscription (then it cannot be deleted).</summary>
    public static Task<bool> HasActiveActivationsAsync(CommetDb db, Addon addon, CancellationToken ct) =>
        db.SubscriptionAddons.AnyAsync(a => a.AddonId == addon.Id && a.Status == "active", ct);

    /// <summary>The add-ons active on the customer's live subscription.</summary>
    public static async Task<Result<IReadOnlyList<ActiveAddonDto>>> ListActiveAsync(string? customerId, CommetDb db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(customerId))
        {
            return Error.Validation("customerId", "customerId is required (cus_ ID or your own customer ID).");
        }
        var customer = await CustomerRules.FindAsync(db, customerId, ct);
        if (customer is null)
        {
            return CustomerRules.NotFound(customerId);
        }
        var live = Domain.Billing.SubscriptionStatus.Live;
        var rows = await (from s in db.Subscriptions
                          join sa in db.SubscriptionAddons on s.Id equals sa.SubscriptionId
                          join a in db.Addons on sa.AddonId equals a.Id
                          join f in db.Features on a.FeatureId equals f.Id
                          where s.CustomerId == customer.Id && live.Contains(s.Status) && sa.Status == "active"
                          orderby sa.ActivatedAt
                          select new { a.Slug, a.Name, a.BasePrice, f.Code, FeatureName = f.Name, f.Type, a.ConsumptionModel, sa.ActivatedAt, a.Livemode })
                          .AsNoTracking().ToListAsync(ct);
        return rows.Select(r => new ActiveAddonDto(r.Slug, r.Name, r.BasePrice, r.Code, r.FeatureName, r.Type, r.ConsumptionModel, r.ActivatedAt, r.Livemode)).ToList();
    }

    private static async Task<Error?> FeatureTakenAsync(CommetDb db, Feature feature, CancellationToken ct)
    {
        var existing = await db.Addons.AsNoTracking().Where(a => a.FeatureId == feature.Id && a.DeletedAt == null)
            .Select(a => a.Slug).FirstOrDefaultAsync(ct);
        return existing is null
            ? null
            : Error.Conflict("duplicate", $"Feature '{feature.Code}' already has an add-on ('{existing}'); a feature has at most one.", "featureId");
    }

    private static async Task<IReadOnlySet<string>> SlugsLikeAsync(CommetDb db, string baseSlug, CancellationToken ct)
    {
        var prefix = baseSlug + "-";
        var slugs = await db.Addons.AsNoTracking()
            .Where(a => a.DeletedAt == null && (a.Slug == baseSlug || a.Slug.StartsWith(prefix)))
            .Select(a => a.Slug).ToListAsync(ct);
        return slugs.ToHashSet(StringComparer.Ordinal);
    }

    private static void CheckNumbers(Check check, long? basePrice, long? includedUnits, long? overageRate, long? creditCost) =>
        check.Range("basePrice", basePrice, 0, CatalogRules.MaxPrice)
            .Range("includedUnits", includedUnits, 0, CatalogRules.MaxQuantity)
            .Range("overageRate", overageRate, 0, CatalogRules.MaxUnitPrice)
            .Range("creditCost", creditCost, 0, CatalogRules.MaxQuantity);

    public static void MapAddons(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/addons").WithTags("Add-ons");

        group.MapGet("/", async Task<Results<ApiPage<AddonDto>, ApiInvalid>> (string? limit, string? cursor, CommetDb db, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Answer.Invalid(page.Error);
            }
            var result = await db.Addons.AsNoTracking().Include(a => a.Feature).Where(a => a.DeletedAt == null).ToPageAsync(page.Value, ct);
            return Answer.Page(result.Map(AddonDto.From));
        })
        .WithSummary("List add-ons, newest first, with cursor pagination.");

        group.MapGet("/{id}", async Task<Results<ApiOk<AddonDto>, ApiNotFound>> (string id, CommetDb db, CancellationToken ct) =>
        {
            var addon = await CatalogLookup.AddonAsync(db, id, ct);
            return addon is null ? Answer.NotFound(CatalogErrors.AddonNotFound(id)) : Answer.Ok(AddonDto.From(addon));
        })
        .WithSummary("Get an add-on by adn_ ID or by slug.");

        group.MapPost("/", async (Json<CreateAddonRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await CreateAsync(body.Value, db, caller, clock, ct), a => Answer.Created(AddonDto.From(a))))
        .WithSummary("Create an add-on for a feature (ftr_ ID or code); its slug comes from the name.");

        group.MapPut("/{id}", async (string id, Json<UpdateAddonRequest> body, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await UpdateAsync(id, body.Value, db, clock, ct), a => Answer.Ok(AddonDto.From(a))))
        .WithSummary("Update an add-on's name, description or pricing.");

        group.MapDelete("/{id}", async (string id, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await DeleteAsync(id, db, clock, ct), a => Answer.Ok(new DeletedDto(a.Id, "addon", a.Livemode))))
        .WithSummary("Delete an add-on (soft); refused while it is active on a subscription.");

        api.MapGet("/active-addons", async Task<Results<ApiPage<ActiveAddonDto>, ApiInvalid, ApiNotFound>> (string? customerId, CommetDb db, CancellationToken ct) =>
        {
            var result = await ListActiveAsync(customerId, db, ct);
            if (result.IsSuccess)
            {
                return Answer.List(result.Value);
            }
            // customerId missing (422) or naming no customer (404).
            return result.Error.Status == StatusCodes.Status404NotFound ? Answer.NotFound(result.Error) : Answer.Invalid(result.Error);
        })
        .WithTags("Add-ons")
        .WithSummary("List the add-ons active on a customer's subscription.");
    }
}

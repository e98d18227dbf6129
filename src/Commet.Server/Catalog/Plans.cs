using System.Text.Json;
using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Customers;
using Commet.Server.Http;
using Commet.Server.Organizations;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Catalog;

public sealed class CreatePlanRequest
{
    public string? Name { get; set; }
    public string? Code { get; set; }
    public string? Description { get; set; }
    public string? ConsumptionModel { get; set; }
    public bool? IsPublic { get; set; }
    public bool? IsFree { get; set; }
    public bool? BlockOnExhaustion { get; set; }

    /// <summary>Credits and balance plans: when <c>credits.low</c>/<c>balance.low</c> fire (0–100 %; a server addition).</summary>
    public int? LowBalancePercent { get; set; }
    public string? PlanGroupId { get; set; }

    /// <summary>Position in <see cref="PlanGroupId"/> (after the group's last plan when left out), or in plan lists.</summary>
    public int? SortOrder { get; set; }
    public Dictionary<string, JsonElement>? Metadata { get; set; }
}

/// <summary>Fields left out stay as they are; <c>description</c> and <c>metadata</c> sent as null are cleared.</summary>
public sealed class UpdatePlanRequest
{
    private string? description;
    private Dictionary<string, JsonElement>? metadata;

    public string? Name { get; set; }

    public string? Description
    {
        get => description;
        set { description = value; HasDescription = true; }
    }

    public Dictionary<string, JsonElement>? Metadata
    {
        get => metadata;
        set { metadata = value; HasMetadata = true; }
    }

    public bool? IsPublic { get; set; }

    /// <summary>Balance plans only.</summary>
    public bool? BlockOnExhaustion { get; set; }

    /// <summary>Credits and balance plans: when <c>credits.low</c>/<c>balance.low</c> fire (0–100 %; a server addition).</summary>
    public int? LowBalancePercent { get; set; }

    /// <summary>Position in the plan's group, or in plan lists (a server addition, for configuration as code).</summary>
    public int? SortOrder { get; set; }

    [JsonIgnore] public bool HasDescription { get; private set; }

    [JsonIgnore] public bool HasMetadata { get; private set; }
}

public sealed class SetPlanVisibilityRequest
{
    public bool? IsPublic { get; set; }
}

/// <summary>Plans: what a customer subscribes to. Deleting is soft; subscribers keep a deleted plan.</summary>
public static class Plans
{
    public static async Task<Result<Plan>> CreateAsync(CreatePlanRequest r, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check().Required("name", r.Name);
        if (r.Code is null || !CatalogRules.IsValidPlanCode(r.Code))
        {
            check.Add("code", "code is required: 1 to 100 lowercase letters, digits, underscores or hyphens (for example pro-monthly).");
        }
        check.OneOf("consumptionModel", r.ConsumptionModel, ConsumptionModels.All, required: false)
            .MaxLength("description", r.Description, CatalogRules.MaxDescription)
            .MaxLength("planGroupId", r.PlanGroupId, 100)
            .Range("sortOrder", r.SortOrder, 0, CatalogRules.MaxSortOrder)
            .Range("lowBalancePercent", r.LowBalancePercent, 0, 100)
            .Metadata("metadata", r.Metadata);
        var model = r.ConsumptionModel ?? ConsumptionModels.Metered;
        CheckBlockOnExhaustion(check, model, r.BlockOnExhaustion);
        if (check.Failed)
        {
            return check.ToError();
        }

        if (await db.Plans.AnyAsync(p => p.Code == r.Code && p.DeletedAt == null, ct))
        {
            return Duplicate(r.Code!);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var plan = new Plan
        {
            Id = Ids.New(Ids.Plan, clock),
            OrganizationId = caller.OrganizationId,
            Livemode = caller.Livemode,
            Code = r.Code!,
            Name = r.Name!.Trim(),
            Description = r.Description,
            ConsumptionModel = model,
            IsPublic = r.IsPublic ?? true,
            IsFree = r.IsFree ?? false,
            BlockOnExhaustion = model == ConsumptionModels.Balance ? r.BlockOnExhaustion ?? false : null,
            SortOrder = r.SortOrder ?? 0,
            LowBalancePercent = r.LowBalancePercent,
            MetadataJson = MetadataJson.Write(r.Metadata),
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (r.PlanGroupId is not null)
        {
            var group = await CatalogLookup.PlanGroupAsync(db, r.PlanGroupId, ct);
            if (group is null)
            {
                return CatalogErrors.PlanGroupNotFound(r.PlanGroupId);
            }
            var members = await CatalogLookup.GroupPlansAsync(db, group.Id, ct);
            if (PlanGroupRules.CheckJoin(plan, group.Id, members) is { } refused)
            {
                return refused;
            }
            plan.PlanGroupId = group.Id;
            plan.SortOrder = r.SortOrder ?? PlanGroupRules.NextSortOrder(members);
        }
        db.Plans.Add(plan);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Duplicate(r.Code!);
        }
        return plan;
    }

    public static async Task<Result<Plan>> UpdateAsync(string id, UpdatePlanRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        if (r.Name is not null)
        {
            check.Required("name", r.Name);
        }
        check.MaxLength("description", r.Description, CatalogRules.MaxDescription).Metadata("metadata", r.Metadata)
            .Range("sortOrder", r.SortOrder, 0, CatalogRules.MaxSortOrder)
            .Range("lowBalancePercent", r.LowBalancePercent, 0, 100);
        if (check.Failed)
        {
            return check.ToError();
        }
        var plan = await CatalogLookup.PlanAsync(db, id, ct, track: true, details: true);
        if (plan is null)
        {
            return CatalogErrors.PlanNotFound(id);
        }
        CheckBlockOnExhaustion(check, plan.Model, r.BlockOnExhaustion);
        if (check.Failed)
        {
            return check.ToError();
        }

        plan.Name = r.Name?.Trim() ?? plan.Name;
        if (r.HasDescription)
        {
            plan.Description = r.Description;
        }
        if (r.HasMetadata)
        {
            plan.MetadataJson = MetadataJson.Write(r.Metadata);
        }
        plan.IsPublic = r.IsPublic ?? plan.IsPublic;
        plan.SortOrder = r.SortOrder ?? plan.SortOrder;
        plan.LowBalancePercent = r.LowBalancePercent ?? plan.LowBalancePercent;
        if (r.BlockOnExhaustion is { } block && plan.Model == ConsumptionModels.Balance)
        {
            plan.BlockOnExhaustion = block;
        }
        plan.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return plan;
    }

    public static async Task<Result<Plan>> DeleteAsync(string id, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var plan = await CatalogLookup.PlanAsync(db, id, ct, track: true);
        if (plan is null)
        {
            return CatalogErrors.PlanNotFound(id);
        }
        plan.Delete(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return plan;
    }

    public static async Task<Result<Plan>> SetVisibilityAsync(string id, SetPlanVisibilityRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        if (r.IsPublic is null)
        {
            return Error.Validation("isPublic", "isPublic is required: true or false.");
        }
        var plan = await CatalogLookup.PlanAsync(db, id, ct, track: true);
        if (plan is null)
        {
            return CatalogErrors.PlanNotFound(id);
        }
        if (plan.IsPublic != r.IsPublic.Value)
        {
            plan.IsPublic = r.IsPublic.Value;
            plan.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
        }
        return plan;
    }

    /// <summary>Stopping usage at zero only means something where there is a balance to run out of.</summary>
    private static void CheckBlockOnExhaustion(Check check, string model, bool? block)
    {
        if (block == true && model != ConsumptionModels.Balance)
        {
            check.Add("blockOnExhaustion", $"blockOnExhaustion applies only to balance plans; this plan is {model}.");
        }
    }

    /// <summary>
    /// Counts the live subscriptions a price change would reach at their next renewal: those on the plan, by their interval,
    /// and those scheduled to move to it, by the interval they move to.
    /// </summary>
    public static async Task<PlanDto> WithSubscribersAsync(PlanDto plan, CommetDb db, CancellationToken ct)
    {
        var live = db.Subscriptions.AsNoTracking().Where(s => SubscriptionStatus.Live.Contains(s.Status));
        var on = await live.Where(s => s.PlanId == plan.Id)
            .GroupBy(s => s.BillingInterval).Select(g => new { Interval = g.Key, Count = g.Count() }).ToListAsync(ct);
        var moving = await live.Where(s => s.ScheduledPlanId == plan.Id && s.PlanId != plan.Id)
            .GroupBy(s => s.ScheduledInterval ?? s.BillingInterval).Select(g => new { Interval = g.Key, Count = g.Count() }).ToListAsync(ct);
        var byInterval = on.Concat(moving).GroupBy(x => x.Interval ?? "").ToDictionary(g => g.Key, g => g.Sum(x => x.Count), StringComparer.Ordinal);
        return plan with
        {
            SubscriberCount = byInterval.Values.Sum(),
            Prices = plan.Prices.Select(p => p with { Subscribers = byInterval.GetValueOrDefault(p.BillingInterval) }).ToList(),
        };
    }

    private static Error Duplicate(string code) => Error.Conflict("duplicate", $"A plan with code '{code}' already exists.", "code");

    public static void MapPlans(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/plans").WithTags("Plans");

        group.MapGet("/", async Task<Results<ApiPage<PlanDto>, ApiInvalid>> (string? includePrivate, CommetDb db, CancellationToken ct) =>
        {
            bool withPrivate;
            if (string.IsNullOrEmpty(includePrivate) || includePrivate.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                withPrivate = false;
            }
            else if (includePrivate.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                withPrivate = true;
            }
            else
            {
                return Answer.Invalid(Error.Validation("includePrivate", "includePrivate must be true or false."));
            }
            var query = CatalogLookup.PlansWithDetails(db);
            if (!withPrivate)
            {
                query = query.Where(p => p.IsPublic);
            }
            var plans = await query.OrderBy(p => p.SortOrder).ThenBy(p => p.Id).ToListAsync(ct);
            return Answer.List(plans.Select(PlanDto.From).ToList());
        })
        .WithSummary("List plans with their prices and features: public ones, or all with includePrivate=true.");

        group.MapGet("/{id}", async Task<Results<ApiOk<PlanDto>, ApiNotFound>> (string id, CommetDb db, CancellationToken ct) =>
        {
            var plan = await CatalogLookup.PlanAsync(db, id, ct, details: true);
            return plan is null ? Answer.NotFound(CatalogErrors.PlanNotFound(id)) : Answer.Ok(await WithSubscribersAsync(PlanDto.From(plan), db, ct));
        })
        .WithSummary("Get a plan, public or private, by plan_ ID or by code, with how many live subscriptions each price bills.");

        group.MapPost("/manage", async (Json<CreatePlanRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await CreateAsync(body.Value, db, caller, clock, ct), p => Answer.Created(PlanDto.From(p))))
        .WithSummary("Create a plan; with planGroupId it joins that group.");

        group.MapPut("/{id}/manage", async (string id, Json<UpdatePlanRequest> body, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await UpdateAsync(id, body.Value, db, clock, ct), p => Answer.Ok(PlanDto.From(p))))
        .WithSummary("Update a plan's name, description, metadata, visibility or sortOrder.");

        group.MapDelete("/{id}/manage", async (string id, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await DeleteAsync(id, db, clock, ct), p => Answer.Ok(new DeletedDto(p.Id, "plan", p.Livemode))))
        .WithSummary("Delete a plan (soft): it leaves the catalog and its group; subscribers keep it.");

        group.MapPut("/{id}/visibility", async (string id, Json<SetPlanVisibilityRequest> body, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await SetVisibilityAsync(id, body.Value, db, clock, ct), p => Answer.Ok(new PlanVisibilityDto(p.Id, p.IsPublic, p.Livemode))))
        .WithSummary("Make a plan public or private.");

        group.MapPlanFeatures();
        group.MapPlanPrices();
        group.MapRegionalPrices();
    }
}

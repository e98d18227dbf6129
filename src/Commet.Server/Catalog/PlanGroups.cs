using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Organizations;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Catalog;

public sealed class CreatePlanGroupRequest
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public bool? IsPublic { get; set; }
}

/// <summary>Fields left out stay as they are; <c>description</c> sent as null is cleared.</summary>
public sealed class UpdatePlanGroupRequest
{
    private string? description;

    public string? Name { get; set; }

    public string? Description
    {
        get => description;
        set { description = value; HasDescription = true; }
    }

    public bool? IsPublic { get; set; }

    [JsonIgnore] public bool HasDescription { get; private set; }
}

public sealed class AddPlanToGroupRequest
{
    /// <summary>The plan's <c>plan_</c> ID or its code.</summary>
    public string? PlanId { get; set; }
    public int? SortOrder { get; set; }
}

public sealed class ReorderPlansRequest
{
    /// <summary>Every plan of the group (IDs or codes), first to last.</summary>
    public List<string?>? PlanIds { get; set; }
}

/// <summary>Plan groups: the ordered plans a subscriber may move between. Order, not price, tells an upgrade from a downgrade.</summary>
public static class PlanGroups
{
    public static async Task<Result<PlanGroupDto>> CreateAsync(CreatePlanGroupRequest r, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check().Required("name", r.Name).MaxLength("description", r.Description, CatalogRules.MaxDescription);
        if (check.Failed)
        {
            return check.ToError();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var group = new PlanGroup
        {
            Id = Ids.New(Ids.PlanGroup, clock),
            OrganizationId = caller.OrganizationId,
            Livemode = caller.Livemode,
            Name = r.Name!.Trim(),
            Description = r.Description,
            IsPublic = r.IsPublic ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.PlanGroups.Add(group);
        await db.SaveChangesAsync(ct);
        return PlanGroupDto.From(group, []);
    }

    public static async Task<Result<PlanGroupDto>> UpdateAsync(string id, UpdatePlanGroupRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        if (r.Name is not null)
        {
            check.Required("name", r.Name);
        }
        check.MaxLength("description", r.Description, CatalogRules.MaxDescription);
        if (check.Failed)
        {
            return check.ToError();
        }
        var group = await CatalogLookup.PlanGroupAsync(db, id, ct, track: true);
        if (group is null)
        {
            return CatalogErrors.PlanGroupNotFound(id);
        }
        group.Name = r.Name?.Trim() ?? group.Name;
        if (r.HasDescription)
        {
            group.Description = r.Description;
        }
        group.IsPublic = r.IsPublic ?? group.IsPublic;
        group.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return PlanGroupDto.From(group, await CatalogLookup.GroupPlansAsync(db, group.Id, ct));
    }

    /// <summary>The group goes; its plans stay, outside any group.</summary>
    public static async Task<Result<PlanGroup>> DeleteAsync(string id, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var group = await CatalogLookup.PlanGroupAsync(db, id, ct, track: true);
        if (group is null)
        {
            return CatalogErrors.PlanGroupNotFound(id);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        // Deleted plans too: none may keep pointing at a group that no longer exists.
        foreach (var plan in await db.Plans.Where(p => p.PlanGroupId == group.Id).ToListAsync(ct))
        {
            plan.LeaveGroup(now);
        }
        db.PlanGroups.Remove(group);
        await db.SaveChangesAsync(ct);
        return group;
    }

    public static async Task<Result<PlanGroup>> AddPlanAsync(string id, AddPlanToGroupRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check().Required("planId", r.PlanId, 100).Range("sortOrder", r.SortOrder, 0, CatalogRules.MaxSortOrder);
        if (check.Failed)
        {
            return check.ToError();
        }
        var group = await CatalogLookup.PlanGroupAsync(db, id, ct);
        if (group is null)
        {
            return CatalogErrors.PlanGroupNotFound(id);
        }
        var plan = await CatalogLookup.PlanAsync(db, r.PlanId!, ct, track: true);
        if (plan is null)
        {
            return CatalogErrors.PlanNotFound(r.PlanId!);
        }
        var members = await CatalogLookup.GroupPlansAsync(db, group.Id, ct);
        if (PlanGroupRules.CheckJoin(plan, group.Id, members) is { } refused)
        {
            return refused;
        }
        // Adding a plan that is already in the group only moves it (when a sortOrder is given).
        var alreadyIn = plan.PlanGroupId == group.Id;
        var sortOrder = r.SortOrder ?? (alreadyIn ? plan.SortOrder : PlanGroupRules.NextSortOrder(members));
        if (!alreadyIn || plan.SortOrder != sortOrder)
        {
            plan.PlanGroupId = group.Id;
            plan.SortOrder = sortOrder;
            plan.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
        }
        return group;
    }

    public static async Task<Result<Plan>> RemovePlanAsync(string id, string planId, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var group = await CatalogLookup.PlanGroupAsync(db, id, ct);
        if (group is null)
        {
            return CatalogErrors.PlanGroupNotFound(id);
        }
        var plan = await CatalogLookup.PlanAsync(db, planId, ct, track: true);
        if (plan is null)
        {
            return CatalogErrors.PlanNotFound(planId);
        }
        if (plan.PlanGroupId != group.Id)
        {
            return Error.NotFound("plan", $"Plan '{plan.Code}' is not in plan group '{group.Id}'.");
        }
        plan.LeaveGroup(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return plan;
    }

    public static async Task<Result<PlanGroup>> ReorderAsync(string id, ReorderPlansRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        if (r.PlanIds is null)
        {
            return Error.Validation("planIds", "planIds is required: every plan of the group, first to last.");
        }
        if (r.PlanIds.Any(string.IsNullOrEmpty))
        {
            return Error.Validation("planIds", "planIds must hold plan IDs (or codes), not empty values.");
        }
        var group = await CatalogLookup.PlanGroupAsync(db, id, ct);
        if (group is null)
        {
            return CatalogErrors.PlanGroupNotFound(id);
        }
        var members = await CatalogLookup.GroupPlansAsync(db, group.Id, ct, track: true);
        // Each entry may name a plan by ID or by code.
        var requested = r.PlanIds.Select(x => members.FirstOrDefault(m => m.Id == x || m.Code == x)?.Id ?? x!).ToList();
        if (PlanGroupRules.CheckReorder(members.Select(m => m.Id).ToList(), requested) is { } wrong)
        {
            return Error.Validation([wrong]);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        for (var i = 0; i < requested.Count; i++)
        {
            var plan = members.First(m => m.Id == requested[i]);
            if (plan.SortOrder != i)
            {
                plan.SortOrder = i;
                plan.UpdatedAt = now;
            }
        }
        await db.SaveChangesAsync(ct);
        return group;
    }

    public static void MapPlanGroups(this IEndpointRouteBuilder api)
    {
        var groups = api.MapGroup("/plan-groups").WithTags("Plan groups");

        groups.MapGet("/", async Task<Results<ApiPage<PlanGroupDto>, ApiInvalid>> (string? limit, string? cursor, CommetDb db, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Answer.Invalid(page.Error);
            }
            var result = await db.PlanGroups.AsNoTracking().ToPageAsync(page.Value, ct);
            var ids = result.Items.Select(g => g.Id).ToList();
            var plans = (await db.Plans.AsNoTracking().Where(p => p.PlanGroupId != null && ids.Contains(p.PlanGroupId) && p.DeletedAt == null).ToListAsync(ct))
                .ToLookup(p => p.PlanGroupId!);
            return Answer.Page(result.Map(g => PlanGroupDto.From(g, plans[g.Id])));
        })
        .WithSummary("List plan groups, newest first, with cursor pagination; each with its plans in order.");

        groups.MapGet("/{id}", async Task<Results<ApiOk<PlanGroupDto>, ApiNotFound>> (string id, CommetDb db, CancellationToken ct) =>
        {
            var group = await CatalogLookup.PlanGroupAsync(db, id, ct);
            return group is null
                ? Answer.NotFound(CatalogErrors.PlanGroupNotFound(id))
                : Answer.Ok(PlanGroupDto.From(group, await CatalogLookup.GroupPlansAsync(db, group.Id, ct)));
        })
        .WithSummary("Get a plan group with its plans ordered by sortOrder.");

        groups.MapPost("/", async (Json<CreatePlanGroupRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await CreateAsync(body.Value, db, caller, clock, ct), g => Answer.Created(g)))
        .WithSummary("Create a plan group.");

        groups.MapPut("/{id}", async (string id, Json<UpdatePlanGroupRequest> body, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await UpdateAsync(id, body.Value, db, clock, ct), g => Answer.Ok(g)))
        .WithSummary("Update a plan group's name, description or visibility.");

        groups.MapDelete("/{id}", async (string id, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await DeleteAsync(id, db, clock, ct), g => Answer.Ok(new DeletedDto(g.Id, "plan_group", g.Livemode))))
        .WithSummary("Delete a plan group; its plans are unlinked, not deleted.");

        groups.MapPost("/{id}/plans", async (string id, Json<AddPlanToGroupRequest> body, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await AddPlanAsync(id, body.Value, db, clock, ct), g => Answer.Ok(new AddedPlanToGroupDto(g.Livemode))))
        .WithSummary("Add a plan to the group (after its last plan unless sortOrder is given).");

        groups.MapDelete("/{id}/plans/{planId}", async (string id, string planId, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await RemovePlanAsync(id, planId, db, clock, ct), p => Answer.Ok(new RemovedPlanFromGroupDto(p.Id, p.Livemode))))
        .WithSummary("Take a plan out of the group; the plan itself stays.");

        groups.MapPut("/{id}/plans/reorder", async (string id, Json<ReorderPlansRequest> body, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await ReorderAsync(id, body.Value, db, clock, ct), g => Answer.Ok(new ReorderedPlansDto(g.Livemode))))
        .WithSummary("Set the order of the group's plans; planIds must list each of them exactly once.");
    }
}

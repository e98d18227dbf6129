using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Plan groups: <c>/plan-groups</c>.</summary>
public class PlanGroupsClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected PlanGroupsClient() => pipeline = null!;

    internal PlanGroupsClient(Pipeline pipeline) => this.pipeline = pipeline;

    private static string Group(string id) => "/plan-groups/" + Pipeline.Segment(id);

    /// <summary>Every plan group.</summary>
    /// <param name="options">Page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<PlanGroup> ListAsync(ListOptions? options = null, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/plan-groups", new Query().Add("limit", options?.PageSize), J.PlanGroup, cancellationToken);

    /// <summary>Gets a plan group with its plans in order.</summary>
    /// <param name="id">The group's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PlanGroup> GetAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, Group(id), null, null, J.PlanGroup, cancellationToken);

    /// <summary>Creates a plan group.</summary>
    /// <param name="request">The group.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PlanGroup> CreateAsync(CreatePlanGroupRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/plan-groups", null, Body.Of(request, J.CreatePlanGroupRequest), J.PlanGroup, cancellationToken);

    /// <summary>Changes a plan group.</summary>
    /// <param name="id">The group's ID.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PlanGroup> UpdateAsync(string id, UpdatePlanGroupRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, Group(id), null, Body.Of(request, J.UpdatePlanGroupRequest), J.PlanGroup, cancellationToken);

    /// <summary>Deletes a plan group; its plans stay.</summary>
    /// <param name="id">The group's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<DeletedObject> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, Group(id), null, null, J.DeletedObject, cancellationToken);

    /// <summary>Adds a plan to a group.</summary>
    /// <param name="id">The group's ID.</param>
    /// <param name="planId">The plan's ID.</param>
    /// <param name="sortOrder">Its position.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<AddedPlanToGroup> AddPlanAsync(string id, string planId, int? sortOrder = null, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Group(id) + "/plans", null, Body.Of(new AddPlanToGroupBody { PlanId = planId, SortOrder = sortOrder }, J.AddPlanToGroupBody),
            J.AddedPlanToGroup, cancellationToken);

    /// <summary>Removes a plan from a group.</summary>
    /// <param name="id">The group's ID.</param>
    /// <param name="planId">The plan's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<RemovedPlanFromGroup> RemovePlanAsync(string id, string planId, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, $"{Group(id)}/plans/{Pipeline.Segment(planId)}", null, null, J.RemovedPlanFromGroup, cancellationToken);

    /// <summary>Puts a group's plans in order; every plan of the group must be named.</summary>
    /// <param name="id">The group's ID.</param>
    /// <param name="planIds">The plans in their new order.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<ReorderedPlans> ReorderPlansAsync(string id, IEnumerable<string> planIds, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, Group(id) + "/plans/reorder", null, Body.Of(new ReorderPlansBody { PlanIds = planIds.ToList() }, J.ReorderPlansBody),
            J.ReorderedPlans, cancellationToken);
}

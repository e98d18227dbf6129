using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Plans, their features and prices: <c>/plans</c>.</summary>
public class PlansClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected PlansClient() => pipeline = null!;

    internal PlansClient(Pipeline pipeline) => this.pipeline = pipeline;

    private static string Plan(string id) => "/plans/" + Pipeline.Segment(id);

    /// <summary>Every plan with its prices and features; public ones only unless <paramref name="includePrivate"/>.</summary>
    /// <param name="includePrivate">Also the private plans.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<Plan> ListAsync(bool includePrivate = false, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/plans", new Query().Add("includePrivate", includePrivate ? true : null), J.Plan, cancellationToken);

    /// <summary>Gets a plan by ID or code.</summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Plan> GetAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, Plan(id), null, null, J.Plan, cancellationToken);

    /// <summary>Creates a plan.</summary>
    /// <param name="request">The plan.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Plan> CreateAsync(CreatePlanRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/plans/manage", null, Body.Of(request, J.CreatePlanRequest), J.Plan, cancellationToken);

    /// <summary>Changes a plan.</summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Plan> UpdateAsync(string id, UpdatePlanRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, Plan(id) + "/manage", null, Body.Of(request, J.UpdatePlanRequest), J.Plan, cancellationToken);

    /// <summary>Deletes a plan (soft: subscriptions on it go on).</summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<DeletedObject> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, Plan(id) + "/manage", null, null, J.DeletedObject, cancellationToken);

    /// <summary>Makes a plan public or private.</summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="isPublic">Public or not.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PlanVisibility> SetVisibilityAsync(string id, bool isPublic, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, Plan(id) + "/visibility", null, Body.Of(new VisibilityBody { IsPublic = isPublic }, J.VisibilityBody), J.PlanVisibility, cancellationToken);

    /// <summary>Attaches a feature to a plan.</summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="request">The feature and its limits.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PlanFeature> AddFeatureAsync(string id, AddPlanFeatureRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Plan(id) + "/features", null, Body.Of(request, J.AddPlanFeatureRequest), J.PlanFeature, cancellationToken);

    /// <summary>Changes a plan feature's limits or overage.</summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="featureId">The feature's ID or code.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PlanFeature> UpdateFeatureAsync(string id, string featureId, UpdatePlanFeatureRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, $"{Plan(id)}/features/{Pipeline.Segment(featureId)}", null, Body.Of(request, J.UpdatePlanFeatureRequest), J.PlanFeature, cancellationToken);

    /// <summary>Detaches a feature from a plan.</summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="featureId">The feature's ID or code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<RemovedPlanFeature> RemoveFeatureAsync(string id, string featureId, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, $"{Plan(id)}/features/{Pipeline.Segment(featureId)}", null, null, J.RemovedPlanFeature, cancellationToken);

    /// <summary>Adds a price (one per billing interval).</summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="request">The price.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PlanPrice> AddPriceAsync(string id, AddPlanPriceRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Plan(id) + "/prices", null, Body.Of(request, J.AddPlanPriceRequest), J.PlanPrice, cancellationToken);

    /// <summary>Changes a price.</summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="priceId">The price's ID.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PlanPrice> UpdatePriceAsync(string id, string priceId, UpdatePlanPriceRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, $"{Plan(id)}/prices/{Pipeline.Segment(priceId)}", null, Body.Of(request, J.UpdatePlanPriceRequest), J.PlanPrice, cancellationToken);

    /// <summary>Removes a price.</summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="priceId">The price's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<DeletedObject> DeletePriceAsync(string id, string priceId, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, $"{Plan(id)}/prices/{Pipeline.Segment(priceId)}", null, null, J.DeletedObject, cancellationToken);

    /// <summary>Makes a price the plan's default.</summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="priceId">The price's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<DefaultPlanPrice> SetDefaultPriceAsync(string id, string priceId, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, $"{Plan(id)}/prices/{Pipeline.Segment(priceId)}/default", null, Body.Empty, J.DefaultPlanPrice, cancellationToken);

    /// <summary>Sets a price's amounts in other currencies by hand: the currencies listed are created or replaced, the others stay.</summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="priceId">The price's ID.</param>
    /// <param name="request">The amounts.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PlanRegionalPricing> SetRegionalPricesAsync(string id, string priceId, SetRegionalPricesRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, $"{Plan(id)}/prices/{Pipeline.Segment(priceId)}/regional", null, Body.Of(request, J.SetRegionalPricesRequest), J.PlanRegionalPricing, cancellationToken);

    /// <summary>Removes every amount of a price in other currencies: it is then sold in USD only.</summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="priceId">The price's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<DeletedObject> DeleteRegionalPricesAsync(string id, string priceId, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, $"{Plan(id)}/prices/{Pipeline.Segment(priceId)}/regional", null, null, J.DeletedObject, cancellationToken);

    /// <summary>
    /// Prices a whole plan in one currency from an exchange rate: every price and priced feature gets an amount in it, worked
    /// out from the USD amount (rounded once to the currency's smallest unit) unless set by hand in the request.
    /// </summary>
    /// <param name="id">The plan's ID or code.</param>
    /// <param name="request">The currency, its rate and the amounts set by hand.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PlanRegionalPricingResult> SetRegionalPricingAsync(string id, SetPlanRegionalPricingRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, Plan(id) + "/regional", null, Body.Of(request, J.SetPlanRegionalPricingRequest), J.PlanRegionalPricingResult, cancellationToken);
}

using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Add-ons: <c>/addons</c> and <c>/active-addons</c>.</summary>
public class AddonsClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected AddonsClient() => pipeline = null!;

    internal AddonsClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>Every add-on.</summary>
    /// <param name="options">Page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<Addon> ListAsync(ListOptions? options = null, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/addons", new Query().Add("limit", options?.PageSize), J.Addon, cancellationToken);

    /// <summary>The add-ons switched on for a customer's subscription.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<ActiveAddon> ListActiveAsync(string customerId, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/active-addons", new Query().Add("customerId", customerId), J.ActiveAddon, cancellationToken);

    /// <summary>Gets an add-on by ID or slug.</summary>
    /// <param name="id">The add-on's ID or slug.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Addon> GetAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/addons/" + Pipeline.Segment(id), null, null, J.Addon, cancellationToken);

    /// <summary>Creates an add-on.</summary>
    /// <param name="request">The add-on.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Addon> CreateAsync(CreateAddonRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/addons", null, Body.Of(request, J.CreateAddonRequest), J.Addon, cancellationToken);

    /// <summary>Changes an add-on.</summary>
    /// <param name="id">The add-on's ID.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Addon> UpdateAsync(string id, UpdateAddonRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, "/addons/" + Pipeline.Segment(id), null, Body.Of(request, J.UpdateAddonRequest), J.Addon, cancellationToken);

    /// <summary>Deletes an add-on that no subscription uses.</summary>
    /// <param name="id">The add-on's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<DeletedObject> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, "/addons/" + Pipeline.Segment(id), null, null, J.DeletedObject, cancellationToken);
}

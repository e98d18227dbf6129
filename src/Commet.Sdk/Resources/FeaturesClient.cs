using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>The feature catalog: <c>/features</c>.</summary>
public class FeaturesClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected FeaturesClient() => pipeline = null!;

    internal FeaturesClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>Every feature of the catalog.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<Feature> ListAsync(CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/features", new Query(), J.Feature, cancellationToken);

    /// <summary>Gets a feature by code.</summary>
    /// <param name="code">The feature's code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Feature> GetAsync(string code, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/features/" + Pipeline.Segment(code), null, null, J.Feature, cancellationToken);

    /// <summary>Creates a feature.</summary>
    /// <param name="request">The feature.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Feature> CreateAsync(CreateFeatureRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/features/manage", null, Body.Of(request, J.CreateFeatureRequest), J.Feature, cancellationToken);

    /// <summary>Changes a feature's name, description or unit name.</summary>
    /// <param name="code">The feature's code.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Feature> UpdateAsync(string code, UpdateFeatureRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, $"/features/{Pipeline.Segment(code)}/manage", null, Body.Of(request, J.UpdateFeatureRequest), J.Feature, cancellationToken);

    /// <summary>Deletes a feature that no plan or add-on uses.</summary>
    /// <param name="code">The feature's code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<DeletedObject> DeleteAsync(string code, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, $"/features/{Pipeline.Segment(code)}/manage", null, null, J.DeletedObject, cancellationToken);
}

using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Credit packs: <c>/credit-packs</c>.</summary>
public class CreditPacksClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected CreditPacksClient() => pipeline = null!;

    internal CreditPacksClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>Every active credit pack.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<CreditPack> ListAsync(CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/credit-packs", new Query(), J.CreditPack, cancellationToken);

    /// <summary>Creates a credit pack.</summary>
    /// <param name="request">The pack.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<CreditPack> CreateAsync(CreateCreditPackRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/credit-packs/manage", null, Body.Of(request, J.CreateCreditPackRequest), J.CreditPack, cancellationToken);

    /// <summary>Changes a credit pack.</summary>
    /// <param name="id">The pack's ID.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<CreditPack> UpdateAsync(string id, UpdateCreditPackRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, "/credit-packs/" + Pipeline.Segment(id), null, Body.Of(request, J.UpdateCreditPackRequest), J.CreditPack, cancellationToken);

    /// <summary>Deletes a credit pack (soft).</summary>
    /// <param name="id">The pack's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<DeletedObject> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, "/credit-packs/" + Pipeline.Segment(id), null, null, J.DeletedObject, cancellationToken);
}

using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>API keys: <c>/api-keys</c>.</summary>
public class ApiKeysClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected ApiKeysClient() => pipeline = null!;

    internal ApiKeysClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>Every API key of the key's mode, without secrets.</summary>
    /// <param name="options">Page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<ApiKey> ListAsync(ListOptions? options = null, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/api-keys", new Query().Add("limit", options?.PageSize), J.ApiKey, cancellationToken);

    /// <summary>Creates a key; its secret is in the answer and never again.</summary>
    /// <param name="request">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<CreatedApiKey> CreateAsync(CreateApiKeyRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/api-keys", null, Body.Of(request, J.CreateApiKeyRequest), J.CreatedApiKey, cancellationToken);

    /// <summary>Revokes a key.</summary>
    /// <param name="id">The key's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<DeletedObject> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, "/api-keys/" + Pipeline.Segment(id), null, null, J.DeletedObject, cancellationToken);

    /// <summary>
    /// The organization and mode of this client's key, and the server's version (<c>GET /api/v1/whoami</c>, a Commet for
    /// .NET addition; Commet's hosted service answers 404).
    /// </summary>
    /// <param name="cancellationToken">Stops the call.</param>
    public virtual Task<WhoAmI> WhoAmIAsync(CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/whoami", null, null, J.WhoAmI, cancellationToken);
}

using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Webhook endpoints: <c>/webhooks</c>. To check deliveries, see <see cref="Webhooks.CommetWebhooks"/>.</summary>
public class WebhooksClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected WebhooksClient() => pipeline = null!;

    internal WebhooksClient(Pipeline pipeline) => this.pipeline = pipeline;

    private static string Hook(string id) => "/webhooks/" + Pipeline.Segment(id);

    /// <summary>Every endpoint.</summary>
    /// <param name="options">Page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<WebhookEndpoint> ListAsync(ListOptions? options = null, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/webhooks", new Query().Add("limit", options?.PageSize), J.WebhookEndpoint, cancellationToken);

    /// <summary>Creates an endpoint; its signing secret is in the answer and never again.</summary>
    /// <param name="request">The endpoint.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<WebhookEndpointCreated> CreateAsync(CreateWebhookRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/webhooks", null, Body.Of(request, J.CreateWebhookRequest), J.WebhookEndpointCreated, cancellationToken);

    /// <summary>Gets an endpoint.</summary>
    /// <param name="id">The endpoint's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<WebhookEndpoint> GetAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, Hook(id), null, null, J.WebhookEndpoint, cancellationToken);

    /// <summary>Changes an endpoint.</summary>
    /// <param name="id">The endpoint's ID.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<WebhookEndpoint> UpdateAsync(string id, UpdateWebhookRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, Hook(id), null, Body.Of(request, J.UpdateWebhookRequest), J.WebhookEndpoint, cancellationToken);

    /// <summary>Deletes an endpoint.</summary>
    /// <param name="id">The endpoint's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<DeletedObject> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, Hook(id), null, null, J.DeletedObject, cancellationToken);

    /// <summary>Sends a test event to an endpoint.</summary>
    /// <param name="id">The endpoint's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<WebhookTestResult> TestAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Hook(id) + "/test", null, Body.Empty, J.WebhookTestResult, cancellationToken);
}

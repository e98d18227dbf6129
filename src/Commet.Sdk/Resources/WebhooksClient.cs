using Commet.Internal;
using Commet.Models;
using Commet.Webhooks;

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

    /// <summary>An endpoint's delivery log, newest first (a Commet for .NET addition).</summary>
    /// <param name="id">The endpoint's ID.</param>
    /// <param name="options">A status filter and the page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<WebhookDelivery> ListDeliveriesAsync(string id, ListWebhookDeliveriesOptions? options = null, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync(Hook(id) + "/deliveries", new Query().Add("status", options?.Status).Add("limit", options?.PageSize), J.WebhookDelivery, cancellationToken);

    /// <summary>Sends a past delivery again (same event ID and body) with a fresh retry schedule (a Commet for .NET addition).</summary>
    /// <param name="id">The endpoint's ID.</param>
    /// <param name="deliveryId">The delivery's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<WebhookDelivery> RedeliverAsync(string id, string deliveryId, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Hook(id) + "/deliveries/" + Pipeline.Segment(deliveryId) + "/redeliver", null, Body.Empty, J.WebhookDelivery, cancellationToken);

    /// <summary>
    /// Gives an endpoint a new signing secret, shown in the answer and never again; the previous one keeps signing too
    /// for the overlap, so receivers can switch without missing a delivery (a Commet for .NET addition).
    /// </summary>
    /// <param name="id">The endpoint's ID.</param>
    /// <param name="request">The overlap; null for the server's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<WebhookEndpointCreated> RotateSecretAsync(string id, RotateWebhookSecretRequest? request = null, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Hook(id) + "/rotate-secret", null, Body.Of(request ?? new RotateWebhookSecretRequest(), J.RotateWebhookSecretRequest), J.WebhookEndpointCreated, cancellationToken);

    /// <summary>
    /// Records a sample event of any type, delivered to the endpoints and <c>commet listen</c> like a real one
    /// (sandbox keys only; a Commet for .NET addition).
    /// </summary>
    /// <param name="eventName">The event name, such as <c>subscription.canceled</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<TriggeredEvent> TriggerAsync(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        return pipeline.SendAsync(HttpMethod.Post, "/webhooks/trigger", null, Body.Of(new TriggerEventRequest { Event = eventName }, J.TriggerEventRequest), J.TriggeredEvent, cancellationToken);
    }

    /// <summary>
    /// Opens a stream of the sandbox's events as they are recorded, each as the envelope an endpoint receives — what
    /// <c>commet listen</c> reads (sandbox keys only; a Commet for .NET addition). The task completes once the stream is
    /// open: every event recorded after that comes through. The server sends no signature: the stream is authenticated by
    /// the API key.
    /// </summary>
    /// <param name="cancellationToken">Cancels opening the stream (to stop reading, cancel <see cref="WebhookEventStream.ReadAllAsync"/>).</param>
    public virtual async Task<WebhookEventStream> ListenAsync(CancellationToken cancellationToken = default)
    {
        var (response, body) = await pipeline.OpenStreamAsync("/webhooks/listen", cancellationToken).ConfigureAwait(false);
        return new WebhookEventStream(response, body);
    }
}

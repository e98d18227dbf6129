using System.Text;
using System.Text.Json;
using Commet.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Commet.AspNetCore;

/// <summary>The webhook receiver.</summary>
public static class WebhookEndpoints
{
    /// <summary>The largest body the receiver reads (1 MiB); webhook payloads are a few kilobytes.</summary>
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c> to a webhook receiver: it checks the signature (either scheme; 400 when
    /// it is missing or wrong), drops an event it has handled before (by event ID, through <see cref="ICommetWebhookEventStore"/>,
    /// in memory unless you register one), and runs the handlers: those configured here and every
    /// <see cref="ICommetEventHandler{TData}"/> registered with <c>AddCommetEventHandler</c>. Answers 200 when all succeed;
    /// 500 when one throws, so Commet delivers the event again.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="pattern">The route, such as <c>/webhooks/commet</c>.</param>
    /// <param name="configure">Sets the secret and the handlers.</param>
    public static IEndpointConventionBuilder MapCommetWebhooks(this IEndpointRouteBuilder endpoints, string pattern, Action<CommetWebhookHandlers> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(configure);
        var handlers = new CommetWebhookHandlers();
        configure(handlers);
        if (string.IsNullOrEmpty(handlers.Secret))
        {
            throw new InvalidOperationException("MapCommetWebhooks: set the endpoint's signing secret (hooks.Secret).");
        }
        var fallbackStore = new InMemoryCommetWebhookEventStore();
        return endpoints.MapPost(pattern, (RequestDelegate)(context => ReceiveAsync(context, handlers, fallbackStore)));
    }

    private static async Task ReceiveAsync(HttpContext context, CommetWebhookHandlers handlers, ICommetWebhookEventStore fallbackStore)
    {
        var ct = context.RequestAborted;
        var body = await ReadBodyAsync(context.Request, ct).ConfigureAwait(false);
        if (body is null)
        {
            await JsonAnswers.ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "payload_too_large", "The body is over 1 MiB.").ConfigureAwait(false);
            return;
        }
        var headers = context.Request.Headers;
        var now = context.RequestServices.GetService<TimeProvider>()?.GetUtcNow() ?? DateTimeOffset.UtcNow;
        var standard = headers[CommetWebhooks.StandardSignatureHeader].ToString();
        var signed = standard.Length > 0
            ? CommetWebhooks.VerifyStandard(body, headers[CommetWebhooks.StandardIdHeader].ToString(), headers[CommetWebhooks.StandardTimestampHeader].ToString(),
                standard, handlers.Secret, now, handlers.Tolerance)
            : CommetWebhooks.VerifySignature(body, headers[CommetWebhooks.SignatureHeader].ToString(), handlers.Secret);
        if (!signed)
        {
            await JsonAnswers.ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_signature", "The webhook signature is missing or does not match.")
                .ConfigureAwait(false);
            return;
        }
        WebhookEvent webhookEvent;
        try
        {
            webhookEvent = CommetWebhooks.Parse(body);
        }
        catch (JsonException)
        {
            await JsonAnswers.ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_payload", "The body is not a webhook event.").ConfigureAwait(false);
            return;
        }
        // Commet's envelope carries the event ID; a Standard Webhooks delivery without one is deduped by its message ID.
        var eventId = webhookEvent.Id.Length > 0 ? webhookEvent.Id : headers[CommetWebhooks.StandardIdHeader].ToString();

        var store = context.RequestServices.GetService<ICommetWebhookEventStore>() ?? fallbackStore;
        if (eventId.Length > 0 && !await store.TryBeginAsync(eventId, ct).ConfigureAwait(false))
        {
            await JsonAnswers.ReceivedAsync(context, eventId, duplicate: true).ConfigureAwait(false);
            return;
        }
        try
        {
            foreach (var handler in handlers.All)
            {
                await handler(webhookEvent, context).ConfigureAwait(false);
            }
            foreach (var dispatcher in context.RequestServices.GetServices<ICommetEventDispatcher>())
            {
                await dispatcher.DispatchAsync(webhookEvent, context.RequestServices, ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            if (eventId.Length > 0)
            {
                await store.AbandonAsync(eventId, CancellationToken.None).ConfigureAwait(false);
            }
            context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("Commet.AspNetCore.Webhooks")
                .LogError(ex, "A handler of webhook event {EventId} ({Event}) failed; Commet will deliver it again.", eventId, webhookEvent.Event);
            await JsonAnswers.ErrorAsync(context, StatusCodes.Status500InternalServerError, "handler_failed", "A handler failed; deliver the event again.")
                .ConfigureAwait(false);
            return;
        }
        if (eventId.Length > 0)
        {
            await store.CompleteAsync(eventId, ct).ConfigureAwait(false);
        }
        await JsonAnswers.ReceivedAsync(context, eventId, duplicate: false).ConfigureAwait(false);
    }

    /// <summary>The body as text, exactly as received; null when it is over <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

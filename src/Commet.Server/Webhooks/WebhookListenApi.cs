using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Events;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Webhooks;

public sealed class TriggerEventRequest
{
    public string? Event { get; set; }
}

/// <summary>What <c>POST /webhooks/trigger</c> recorded.</summary>
public sealed record TriggeredEventDto(string Id, string Event, DateTime OccurredAt)
{
    public string Object => "webhook_event";
}

/// <summary>
/// Our addition for <c>commet listen</c> and <c>commet trigger</c>, sandbox only: a server-sent-events stream of the
/// organization's sandbox events as they are recorded (each <c>data</c> the envelope endpoints receive), and a way to
/// record a sample event of any type.
/// </summary>
public static class WebhookListenApi
{
    /// <summary>How often the stream reads the outbox.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>How often an idle stream sends a comment, so proxies and the client know it is alive.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Events are read by their creation time, this far back from now, and remembered by ID: an event whose transaction
    /// commits a little after a later one (or on another node) is still streamed, once.
    /// </summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromSeconds(10);

    public static void MapWebhookListen(this IEndpointRouteBuilder api)
    {
        var sandbox = api.MapGroup("/webhooks").WithTags("Webhooks").AddEndpointFilter(async (ctx, next) =>
            ctx.HttpContext.RequestServices.GetRequiredService<ApiCaller>().Livemode ? Api.Error(ApiErrors.SandboxOnly) : await next(ctx))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ApiErrorEnvelope), ["application/json"]));

        sandbox.MapGet("/listen", async (HttpContext http, CommetDb db, ApiCaller caller, IHostApplicationLifetime lifetime, CancellationToken ct) =>
        {
            // Ends with the client or with the server's shutdown (the CLI reconnects), so a listener never holds a stop up.
            using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
            await StreamAsync(http, db, caller, both.Token);
            return Results.Empty;
        }).WithSummary("Sandbox only: a text/event-stream of the organization's sandbox events from now on, each as its webhook envelope (our addition, for commet listen).");

        sandbox.MapPost("/trigger", async Task<Results<ApiOk<TriggeredEventDto>, ApiProblem>> (Json<TriggerEventRequest> body, CommetDb db, ApiCaller caller,
            BillingClock clock, CancellationToken ct) =>
        {
            var name = body.Value.Event?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                return Answer.Problem(Error.Validation("event", "event is required, such as subscription.canceled."));
            }
            if (!Samples.TryGetValue(name, out var type))
            {
                return Answer.Problem(Error.Validation("event", $"'{(name.Length > 60 ? name[..60] : name)}' is not an event Commet sends."));
            }
            var now = BillingClock.Truncate(clock.RealNow);
            var evt = new BillingEvent
            {
                Id = Ids.New(Ids.Event),
                OrganizationId = caller.OrganizationId,
                Livemode = false,
                Type = name,
                DataJson = JsonSerializer.Serialize(Sample(type, name, now), type, Api.Json),
                OccurredAt = now,
                CreatedAt = DateTime.UtcNow,
            };
            db.Events.Add(evt);
            await db.SaveChangesAsync(ct);
            return Answer.Ok(new TriggeredEventDto(WebhookDispatcher.MessageId(evt.Id), name, now));
        }).WithSummary("Sandbox only: record a sample event of the given type (sample IDs and values), delivered like any other (our addition, for commet trigger).");
    }

    private static async Task StreamAsync(HttpContext http, CommetDb db, ApiCaller caller, CancellationToken ct)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();

        var opened = DateTime.UtcNow;
        var seen = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        await WriteAsync(response, ": connected\n\n", ct);
        var lastWrite = DateTime.UtcNow;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var now = DateTime.UtcNow;
                var from = now - Lookback > opened ? now - Lookback : opened;
                var events = await db.Events.AsNoTracking().Where(e => e.CreatedAt >= from).OrderBy(e => e.Id)
                    .Select(e => new { e.Id, e.Type, e.OccurredAt, e.CreatedAt, e.DataJson }).ToListAsync(ct);
                foreach (var e in events)
                {
                    if (!seen.TryAdd(e.Id, e.CreatedAt))
                    {
                        continue;
                    }
                    var messageId = WebhookDispatcher.MessageId(e.Id);
                    var envelope = WebhookDispatcher.Envelope(messageId, e.Type, e.OccurredAt, caller.OrganizationId, livemode: false, null, e.DataJson);
                    await WriteAsync(response, $"id: {messageId}\nevent: {e.Type}\ndata: {envelope}\n\n", ct);
                    lastWrite = DateTime.UtcNow;
                }
                foreach (var old in seen.Where(s => s.Value < from).Select(s => s.Key).ToList())
                {
                    seen.Remove(old);
                }
                if (DateTime.UtcNow - lastWrite >= Heartbeat)
                {
                    await WriteAsync(response, ": heartbeat\n\n", ct);
                    lastWrite = DateTime.UtcNow;
                }
                await Task.Delay(Poll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: the stream simply ends.
        }
        catch (IOException) when (ct.IsCancellationRequested || http.RequestAborted.IsCancellationRequested)
        {
        }
        catch (InvalidOperationException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken ct)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await response.Body.FlushAsync(ct);
    }

    /// <summary>Every event's data record, by event name.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Samples = typeof(IEventData).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IEventData).IsAssignableFrom(t))
        .Select(t => (Name: (string)t.GetProperty(nameof(IEventData.EventName), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!, Type: t))
        .GroupBy(x => x.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Type, StringComparer.Ordinal);

    /// <summary>
    /// A sample of a data record: every settable property filled (IDs with a <c>_sample</c> suffix, amounts 1000 minor
    /// units, times now), so a handler sees the full shape of the event. Properties are set directly rather than through
    /// a constructor, because some records are built from entities (a customer) rather than from their fields.
    /// </summary>
    public static object Sample(Type type, string eventName, DateTime now, string hint = "", int depth = 0)
    {
        var sample = System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(type);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0))
        {
            property.SetValue(sample, Value(property.PropertyType, property.Name, eventName, now, hint, depth));
        }
        return sample;
    }

    private static object? Value(Type type, string name, string eventName, DateTime now, string hint, int depth)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string))
        {
            return StringSample(name, eventName, hint);
        }
        if (t == typeof(long) || t == typeof(int) || t == typeof(decimal) || t == typeof(double))
        {
            return Convert.ChangeType(name.Contains("percent", StringComparison.OrdinalIgnoreCase) ? 80 : 1000, t, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (t == typeof(bool))
        {
            return false;
        }
        if (t == typeof(DateTime))
        {
            return now;
        }
        if (t == typeof(JsonElement))
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }
        if (t.IsEnum)
        {
            return Enum.GetValues(t).GetValue(0);
        }
        if (t.IsGenericType && typeof(IEnumerable).IsAssignableFrom(t))
        {
            var item = t.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(item))!;
            if (depth < 3)
            {
                list.Add(Value(item, name, eventName, now, name, depth + 1));
            }
            return list;
        }
        return depth < 3 && t.IsClass ? Sample(t, eventName, now, name, depth + 1) : null;
    }

    private static string StringSample(string name, string eventName, string hint)
    {
        var lower = name.ToLowerInvariant();
        if (lower == "id")
        {
            hint = hint.ToLowerInvariant();
            return hint.Contains("plan", StringComparison.Ordinal) ? "plan_sample"
                : hint.Contains("addon", StringComparison.Ordinal) ? "addon_sample"
                : hint.Length == 0 && eventName.StartsWith("customer.", StringComparison.Ordinal) ? "cus_sample"
                : (hint.Length == 0 ? "object" : hint) + "_sample";
        }
        return lower switch
        {
            "status" => eventName switch
            {
                EventNames.SubscriptionCanceled => "canceled",
                EventNames.SubscriptionPastDue => "past_due",
                EventNames.SubscriptionCreated => "pending_payment",
                EventNames.TrialStarted or EventNames.TrialWillEnd or EventNames.TrialCheckoutReady => "trialing",
                _ when eventName.StartsWith("payment_link.", StringComparison.Ordinal) => eventName["payment_link.".Length..],
                _ when eventName.StartsWith("payout.", StringComparison.Ordinal) => eventName["payout.".Length..],
                _ => "active",
            },
            "subscriptionid" => "sub_sample",
            "customerid" => "cus_sample",
            "invoiceid" => "inv_sample",
            "planid" or "previousplanid" or "newplanid" => "plan_sample",
            "email" or "customeremail" => "customer@example.com",
            _ when lower.EndsWith("currency", StringComparison.Ordinal) => "usd",
            _ when lower.EndsWith("url", StringComparison.Ordinal) => "https://example.com/sample",
            _ when lower.EndsWith("id", StringComparison.Ordinal) => lower[..^2] + "_sample",
            _ when lower.EndsWith("number", StringComparison.Ordinal) => "SAMPLE-0001",
            _ => "Sample " + name,
        };
    }
}

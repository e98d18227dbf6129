using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Events;
using Commet.Server.Http;
using Commet.Server.Organizations;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Webhooks;

public sealed class CreateWebhookRequest
{
    public string? Url { get; set; }
    public List<string>? Events { get; set; }
    public string? Description { get; set; }
    public string? ApiVersion { get; set; }
}

public sealed class UpdateWebhookRequest
{
    private string? description;

    public string? Url { get; set; }
    public List<string>? Events { get; set; }
    public bool? IsActive { get; set; }
    public string? ApiVersion { get; set; }

    /// <summary>Null clears it; absent leaves it.</summary>
    public string? Description
    {
        get => description;
        set
        {
            description = value;
            DescriptionGiven = true;
        }
    }

    [JsonIgnore]
    public bool DescriptionGiven { get; private set; }
}

public sealed class RotateWebhookSecretRequest
{
    /// <summary>Hours the previous secret keeps signing (default Commet:Webhooks:RotationOverlapHours, 0 ends it now).</summary>
    public int? OverlapHours { get; set; }
}

/// <summary>A webhook endpoint (<c>WebhookEndpoint</c> of @commet/node, and why the server disabled it, if it did).</summary>
public record WebhookEndpointDto(string Id, bool Livemode, string Url, IReadOnlyList<string> Events, string? Description, bool IsActive,
    string? ApiVersion, string? DisabledReason, DateTime? PreviousSecretExpiresAt, DateTime CreatedAt, DateTime UpdatedAt)
{
    public string Object => "webhook";

    public static WebhookEndpointDto From(WebhookEndpoint w) => new(w.Id, w.Livemode, w.Url, w.Events.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        w.Description, w.IsActive, w.ApiVersion, w.DisabledReason, w.PreviousSecretExpiresAt, w.CreatedAt, w.UpdatedAt);
}

/// <summary>The only answers that show the secret: create and rotate (<c>WebhookEndpointCreated</c>).</summary>
public sealed record WebhookEndpointCreatedDto(string Id, bool Livemode, string Url, IReadOnlyList<string> Events, string? Description, bool IsActive,
    string? ApiVersion, string? DisabledReason, DateTime? PreviousSecretExpiresAt, DateTime CreatedAt, DateTime UpdatedAt, string SecretKey)
{
    public string Object => "webhook";

    public static WebhookEndpointCreatedDto From(WebhookEndpoint w, string secret)
    {
        var d = WebhookEndpointDto.From(w);
        return new(d.Id, d.Livemode, d.Url, d.Events, d.Description, d.IsActive, d.ApiVersion, d.DisabledReason, d.PreviousSecretExpiresAt, d.CreatedAt, d.UpdatedAt, secret);
    }
}

/// <summary><c>WebhookTestResult</c>, and what the endpoint answered.</summary>
public sealed record WebhookTestResultDto(bool Success, string DeliveryId, DateTime DeliveredAt, int? StatusCode, string? Error);

/// <summary>One event's delivery to one endpoint, as of its last attempt.</summary>
public sealed record WebhookDeliveryDto(string Id, string WebhookId, string EventId, string Event, string Status, int Attempts, int? LastStatusCode,
    int? LastDurationMs, string? LastError, DateTime? LastAttemptAt, DateTime? NextAttemptAt, DateTime? DeliveredAt, DateTime CreatedAt)
{
    public string Object => "webhook_delivery";

    public static WebhookDeliveryDto From(WebhookDelivery d) => new(d.Id, d.EndpointId, d.MessageId, d.EventType, d.Status, d.Attempts, d.LastStatusCode,
        d.LastDurationMs, d.LastError, d.LastAttemptAt, d.NextAttemptAt, d.DeliveredAt, d.CreatedAt);
}

/// <summary>
/// <c>/api/v1/webhooks</c>: the endpoints of the caller's organization and mode (list, create, get, update, delete, test),
/// and our additions: the delivery log, redelivery and secret rotation.
/// </summary>
public static class WebhookEndpointsApi
{
    public const string TestEvent = "webhook.test";

    /// <summary>Every event name of @commet/node 7.10.0, and <c>*</c> (all of them).</summary>
    public static readonly IReadOnlySet<string> KnownEvents = typeof(EventNames).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);

    private static Error NotFound(string id) => Error.NotFound("webhook", $"No webhook endpoint with ID '{id}'.");

    public static void MapWebhooks(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/webhooks").WithTags("Webhooks");

        group.MapGet("/", async Task<Results<ApiPage<WebhookEndpointDto>, ApiInvalid>> (string? limit, string? cursor, CommetDb db, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Answer.Invalid(page.Error);
            }
            var result = await db.WebhookEndpoints.AsNoTracking().ToPageAsync(page.Value, ct);
            return Answer.Page(result.Map(WebhookEndpointDto.From));
        }).WithSummary("List webhook endpoints (never their secrets).");

        group.MapPost("/", async Task<Results<ApiCreated<WebhookEndpointCreatedDto>, ApiProblem>> (Json<CreateWebhookRequest> body, CommetDb db, ApiCaller caller,
            WebhookTargets targets, WebhookSecrets secrets, TimeProvider clock, CancellationToken ct) =>
        {
            var r = body.Value;
            var check = new Check().Required("url", r.Url, 2048);
            if (!check.Failed && await targets.CheckUrlAsync(r.Url!.Trim(), caller.Livemode, ct) is { } bad)
            {
                check.Add("url", bad);
            }
            check.MaxLength("description", r.Description, 500);
            CheckEvents(check, r.Events, required: true);
            CheckApiVersion(check, r.ApiVersion);
            if (check.Failed)
            {
                return Answer.Problem(check.ToError());
            }
            var now = BillingClock.Truncate(clock.GetUtcNow().UtcDateTime);
            var secret = WebhookSecrets.New();
            var endpoint = new WebhookEndpoint
            {
                Id = Ids.New(Ids.Webhook),
                OrganizationId = caller.OrganizationId,
                Livemode = caller.Livemode,
                Url = r.Url!.Trim(),
                Events = JoinEvents(r.Events!),
                Description = string.IsNullOrWhiteSpace(r.Description) ? null : r.Description.Trim(),
                ApiVersion = r.ApiVersion,
                SecretProtected = secrets.Protect(secret),
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.WebhookEndpoints.Add(endpoint);
            await db.SaveChangesAsync(ct);
            return Answer.Created(WebhookEndpointCreatedDto.From(endpoint, secret));
        }).WithSummary("Create a webhook endpoint; its signing secret (secretKey) is in this answer only.");

        group.MapGet("/{id}", async Task<Results<ApiOk<WebhookEndpointDto>, ApiNotFound>> (string id, CommetDb db, CancellationToken ct) =>
        {
            var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
            return endpoint is null ? Answer.NotFound(NotFound(id)) : Answer.Ok(WebhookEndpointDto.From(endpoint));
        }).WithSummary("Get a webhook endpoint.");

        group.MapPut("/{id}", async Task<Results<ApiOk<WebhookEndpointDto>, ApiNotFound, ApiProblem>> (string id, Json<UpdateWebhookRequest> body, CommetDb db,
            ApiCaller caller, WebhookTargets targets, TimeProvider clock, CancellationToken ct) =>
        {
            var r = body.Value;
            var check = new Check();
            if (r.Url is not null && !check.Required("url", r.Url, 2048).Failed && await targets.CheckUrlAsync(r.Url.Trim(), caller.Livemode, ct) is { } bad)
            {
                check.Add("url", bad);
            }
            check.MaxLength("description", r.Description, 500);
            CheckEvents(check, r.Events, required: false);
            CheckApiVersion(check, r.ApiVersion);
            if (check.Failed)
            {
                return Answer.Problem(check.ToError());
            }
            var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(w => w.Id == id, ct);
            if (endpoint is null)
            {
                return Answer.NotFound(NotFound(id));
            }
            var now = BillingClock.Truncate(clock.GetUtcNow().UtcDateTime);
            if (r.Url is not null)
            {
                endpoint.Url = r.Url.Trim();
            }
            if (r.Events is not null)
            {
                endpoint.Events = JoinEvents(r.Events);
            }
            if (r.DescriptionGiven)
            {
                endpoint.Description = string.IsNullOrWhiteSpace(r.Description) ? null : r.Description.Trim();
            }
            if (r.ApiVersion is not null)
            {
                endpoint.ApiVersion = r.ApiVersion;
            }
            var disabling = r.IsActive == false && endpoint.IsActive;
            if (r.IsActive == true && !endpoint.IsActive)
            {
                // Re-enabled: a fresh start; deliveries resume with the next event.
                endpoint.IsActive = true;
                endpoint.DisabledReason = null;
                endpoint.FailedEventStreak = 0;
            }
            else if (disabling)
            {
                endpoint.IsActive = false;
                endpoint.DisabledReason = null;
            }
            endpoint.UpdatedAt = now;
            await db.InTransactionAsync(async () =>
            {
                if (disabling)
                {
                    await WebhookDispatcher.CancelPendingAsync(db, endpoint.Id, "The endpoint was disabled.", ct);
                }
                return (Result<int>)1;
            }, ct);
            return Answer.Ok(WebhookEndpointDto.From(endpoint));
        }).WithSummary("Update a webhook endpoint; isActive true re-enables one the server disabled.");

        group.MapDelete("/{id}", async Task<Results<ApiOk<DeletedDto>, ApiNotFound>> (string id, CommetDb db, CancellationToken ct) =>
        {
            var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(w => w.Id == id, ct);
            if (endpoint is null)
            {
                return Answer.NotFound(NotFound(id));
            }
            await db.InTransactionAsync(async () =>
            {
                await db.WebhookDeliveries.Where(d => d.EndpointId == id).ExecuteDeleteAsync(ct);
                db.WebhookEndpoints.Remove(endpoint);
                return (Result<int>)1;
            }, ct);
            return Answer.Ok(new DeletedDto(endpoint.Id, "webhook", endpoint.Livemode));
        }).WithSummary("Delete a webhook endpoint and its delivery log.");

        group.MapPost("/{id}/test", async Task<Results<ApiOk<WebhookTestResultDto>, ApiNotFound>> (string id, CommetDb db, WebhookSender sender, TimeProvider clock,
            CancellationToken ct) =>
        {
            var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
            if (endpoint is null)
            {
                return Answer.NotFound(NotFound(id));
            }
            var now = BillingClock.Truncate(clock.GetUtcNow().UtcDateTime);
            var messageId = Ids.New(Ids.WebhookEvent, clock);
            var data = JsonSerializer.Serialize(new { webhookId = endpoint.Id, message = "A test event from Commet: this endpoint receives signed deliveries." }, Api.Json);
            var body = WebhookDispatcher.Envelope(messageId, TestEvent, now, endpoint.OrganizationId, endpoint.Livemode, endpoint.ApiVersion, data);
            var attempt = await sender.SendAsync(endpoint, messageId, TestEvent, body, ct);
            var delivery = new WebhookDelivery
            {
                Id = Ids.New(Ids.WebhookDelivery, clock),
                OrganizationId = endpoint.OrganizationId,
                Livemode = endpoint.Livemode,
                EndpointId = endpoint.Id,
                MessageId = messageId,
                EventType = TestEvent,
                Body = body,
                Status = attempt.Success ? WebhookDeliveryStatus.Succeeded : WebhookDeliveryStatus.Failed,
                Attempts = 1,
                LastAttemptAt = attempt.At,
                LastStatusCode = attempt.StatusCode,
                LastDurationMs = attempt.DurationMs,
                LastError = attempt.Error,
                DeliveredAt = attempt.Success ? attempt.At : null,
                CreatedAt = now,
            };
            db.WebhookDeliveries.Add(delivery);
            await db.InTransactionAsync(() => Task.FromResult((Result<int>)1), ct);
            return Answer.Ok(new WebhookTestResultDto(attempt.Success, delivery.Id, attempt.At, attempt.StatusCode, attempt.Error));
        }).WithSummary("Send a signed webhook.test event to the endpoint now and answer what it said.");

        group.MapGet("/{id}/deliveries", async Task<Results<ApiPage<WebhookDeliveryDto>, ApiNotFound, ApiInvalid>> (string id, string? limit, string? cursor,
            string? status, CommetDb db, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Answer.Invalid(page.Error);
            }
            if (status is not null && status is not (WebhookDeliveryStatus.Pending or WebhookDeliveryStatus.Succeeded or WebhookDeliveryStatus.Failed or WebhookDeliveryStatus.Canceled))
            {
                return Answer.Invalid(Error.Validation("status", "status must be pending, succeeded, failed or canceled."));
            }
            if (!await db.WebhookEndpoints.AnyAsync(w => w.Id == id, ct))
            {
                return Answer.NotFound(NotFound(id));
            }
            var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == id);
            if (status is not null)
            {
                query = query.Where(d => d.Status == status);
            }
            var result = await query.ToPageAsync(page.Value, ct);
            return Answer.Page(result.Map(WebhookDeliveryDto.From));
        }).WithSummary("The endpoint's delivery log, newest first: event, attempts, last status code, duration, error, next retry.");

        group.MapPost("/{id}/deliveries/{deliveryId}/redeliver", async Task<Results<ApiOk<WebhookDeliveryDto>, ApiNotFound, ApiProblem>> (string id, string deliveryId,
            CommetDb db, TimeProvider clock, CancellationToken ct) =>
        {
            var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
            var delivery = endpoint is null ? null : await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.EndpointId == id, ct);
            if (endpoint is null || delivery is null)
            {
                return Answer.NotFound(endpoint is null ? NotFound(id) : Error.NotFound("webhook_delivery", $"No delivery '{deliveryId}' for webhook endpoint '{id}'."));
            }
            if (!endpoint.IsActive)
            {
                return Answer.Problem(Error.Conflict("webhook_disabled", "The endpoint is disabled; enable it (isActive: true) before redelivering."));
            }
            var now = BillingClock.Truncate(clock.GetUtcNow().UtcDateTime);
            // Sent again as it was (same body and webhook-id), with a fresh retry schedule.
            delivery.Status = WebhookDeliveryStatus.Pending;
            delivery.Attempts = 0;
            delivery.NextAttemptAt = now;
            delivery.LeaseOwner = null;
            delivery.LeaseUntil = null;
            await db.InTransactionAsync(() => Task.FromResult((Result<int>)1), ct);
            return Answer.Ok(WebhookDeliveryDto.From(delivery));
        }).WithSummary("Send a past delivery again (same event ID and body), with a fresh retry schedule.");

        group.MapPost("/{id}/rotate-secret", async Task<Results<ApiOk<WebhookEndpointCreatedDto>, ApiNotFound, ApiProblem>> (string id,
            HttpContext http, CommetDb db, WebhookSecrets secrets, IOptions<WebhookOptions> options, TimeProvider clock, CancellationToken ct) =>
        {
            // The body is optional (a bare POST rotates with the default overlap), so it is read here rather than bound.
            var body = (await Json<RotateWebhookSecretRequest>.BindAsync(http))!;
            var check = new Check().Range("overlapHours", body.Value.OverlapHours, 0, 168);
            if (check.Failed)
            {
                return Answer.Problem(check.ToError());
            }
            var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(w => w.Id == id, ct);
            if (endpoint is null)
            {
                return Answer.NotFound(NotFound(id));
            }
            var now = BillingClock.Truncate(clock.GetUtcNow().UtcDateTime);
            var overlap = TimeSpan.FromHours(body.Value.OverlapHours ?? options.Value.RotationOverlapHours);
            var secret = WebhookSecrets.New();
            endpoint.PreviousSecretProtected = overlap > TimeSpan.Zero ? endpoint.SecretProtected : null;
            endpoint.PreviousSecretExpiresAt = overlap > TimeSpan.Zero ? now + overlap : null;
            endpoint.SecretProtected = secrets.Protect(secret);
            endpoint.UpdatedAt = now;
            await db.InTransactionAsync(() => Task.FromResult((Result<int>)1), ct);
            return Answer.Ok(WebhookEndpointCreatedDto.From(endpoint, secret));
        }).WithSummary("Replace the signing secret; the previous one keeps signing too until previousSecretExpiresAt (24 h unless overlapHours says).");
    }

    private static void CheckEvents(Check check, List<string>? events, bool required)
    {
        if (events is null)
        {
            check.That(!required, "events", "events is required: a list of event names, or [\"*\"] for all.");
            return;
        }
        check.That(events.Count > 0, "events", "events must name at least one event, or \"*\" for all.");
        check.That(events.Count <= 100, "events", "events may name at most 100 events.");
        foreach (var e in events)
        {
            if (e != "*" && !KnownEvents.Contains(e ?? ""))
            {
                check.Add("events", $"'{e}' is not an event name.");
                break;
            }
        }
    }

    private static void CheckApiVersion(Check check, string? apiVersion) =>
        check.That(apiVersion is null || (apiVersion.Length == 10 && DateOnly.TryParseExact(apiVersion, "yyyy-MM-dd", out _)), "apiVersion", "apiVersion must be a date like 2026-07-11.");

    private static string JoinEvents(List<string> events) => events.Contains("*") ? "*" : string.Join(' ', events.Distinct(StringComparer.Ordinal));
}

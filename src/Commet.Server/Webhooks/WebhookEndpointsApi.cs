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

    private static Error NotFound(string id) => WebhookEndpointRules.NotFound(id);

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
            CreateWebhookEndpoint create, CancellationToken ct) =>
            Answer.From(await create.HandleAsync(body.Value, db, caller, ct), d => Answer.Created(d)))
            .WithSummary("Create a webhook endpoint; its signing secret (secretKey) is in this answer only.");

        group.MapGet("/{id}", async Task<Results<ApiOk<WebhookEndpointDto>, ApiNotFound>> (string id, CommetDb db, CancellationToken ct) =>
        {
            var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
            return endpoint is null ? Answer.NotFound(NotFound(id)) : Answer.Ok(WebhookEndpointDto.From(endpoint));
        }).WithSummary("Get a webhook endpoint.");

        group.MapPut("/{id}", async Task<Results<ApiOk<WebhookEndpointDto>, ApiNotFound, ApiProblem>> (string id, Json<UpdateWebhookRequest> body, CommetDb db,
            ApiCaller caller, UpdateWebhookEndpoint update, CancellationToken ct) =>
        {
            var result = await update.HandleAsync(id, body.Value, db, caller, ct);
            if (!result.IsSuccess)
            {
                return Failure<WebhookEndpointDto>(result.Error);
            }
            return Answer.Ok(result.Value);
        }).WithSummary("Update a webhook endpoint; isActive true re-enables one the server disabled.");

        group.MapDelete("/{id}", async Task<Results<ApiOk<DeletedDto>, ApiNotFound>> (string id, CommetDb db, DeleteWebhookEndpoint delete, CancellationToken ct) =>
        {
            var result = await delete.HandleAsync(id, db, ct);
            if (!result.IsSuccess)
            {
                return Answer.NotFound(result.Error);
            }
            return Answer.Ok(new DeletedDto(result.Value.Id, "webhook", result.Value.Livemode));
        }).WithSummary("Delete a webhook endpoint and its delivery log.");

        group.MapPost("/{id}/test", async Task<Results<ApiOk<WebhookTestResultDto>, ApiNotFound>> (string id, CommetDb db, SendTestWebhook test, CancellationToken ct) =>
        {
            var result = await test.HandleAsync(id, db, ct);
            if (!result.IsSuccess)
            {
                return Answer.NotFound(result.Error);
            }
            return Answer.Ok(result.Value);
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
            CommetDb db, RedeliverWebhook redeliver, CancellationToken ct) =>
        {
            var result = await redeliver.HandleAsync(id, deliveryId, db, ct);
            if (!result.IsSuccess)
            {
                return Failure<WebhookDeliveryDto>(result.Error);
            }
            return Answer.Ok(WebhookDeliveryDto.From(result.Value));
        }).WithSummary("Send a past delivery again (same event ID and body), with a fresh retry schedule.");

        group.MapPost("/{id}/rotate-secret", async Task<Results<ApiOk<WebhookEndpointCreatedDto>, ApiNotFound, ApiProblem>> (string id,
            HttpContext http, CommetDb db, RotateWebhookSecret rotate, CancellationToken ct) =>
        {
            // The body is optional (a bare POST rotates with the default overlap), so it is read here rather than bound.
            var body = (await Json<RotateWebhookSecretRequest>.BindAsync(http))!;
            var result = await rotate.HandleAsync(id, body.Value, db, ct);
            if (!result.IsSuccess)
            {
                return Failure<WebhookEndpointCreatedDto>(result.Error);
            }
            return Answer.Ok(result.Value);
        }).WithSummary("Replace the signing secret; the previous one keeps signing too until previousSecretExpiresAt (24 h unless overlapHours says).");
    }

    /// <summary>A use case's error as the route declares it: 404 on its own, anything else in the error envelope.</summary>
    private static Results<ApiOk<T>, ApiNotFound, ApiProblem> Failure<T>(Error error) =>
        error.Status == StatusCodes.Status404NotFound ? Answer.NotFound(error) : Answer.Problem(error);
}

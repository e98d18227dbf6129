using System.Text.Json;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Webhooks;

/// <summary>The checks shared by creating and updating a webhook endpoint.</summary>
public static class WebhookEndpointRules
{
    public static Error NotFound(string id) => Error.NotFound("webhook", $"No webhook endpoint with ID '{id}'.");

    public static void CheckEvents(Check check, List<string>? events, bool required)
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
            if (e != "*" && !WebhookEndpointsApi.KnownEvents.Contains(e ?? ""))
            {
                check.Add("events", $"'{e}' is not an event name.");
                break;
            }
        }
    }

    public static void CheckApiVersion(Check check, string? apiVersion) =>
        check.That(apiVersion is null || (apiVersion.Length == 10 && DateOnly.TryParseExact(apiVersion, "yyyy-MM-dd", out _)), "apiVersion", "apiVersion must be a date like 2026-07-11.");

    public static string JoinEvents(List<string> events) => events.Contains("*") ? "*" : string.Join(' ', events.Distinct(StringComparer.Ordinal));
}

/// <summary>Creates a webhook endpoint of the caller's organization and mode; its signing secret is answered this once (API and dashboard).</summary>
public sealed class CreateWebhookEndpoint(WebhookTargets targets, WebhookSecrets secrets, TimeProvider clock)
{
    public async Task<Result<WebhookEndpointCreatedDto>> HandleAsync(CreateWebhookRequest r, CommetDb db, ApiCaller caller, CancellationToken ct)
    {
        var check = new Check().Required("url", r.Url, 2048);
        if (!check.Failed && await targets.CheckUrlAsync(r.Url!.Trim(), caller.Livemode, ct) is { } bad)
        {
            check.Add("url", bad);
        }
        check.MaxLength("description", r.Description, 500);
        WebhookEndpointRules.CheckEvents(check, r.Events, required: true);
        WebhookEndpointRules.CheckApiVersion(check, r.ApiVersion);
        if (check.Failed)
        {
            return check.ToError();
        }
        var now = BillingClock.Truncate(clock.GetUtcNow().UtcDateTime);
        var secret = WebhookSecrets.New();
        var endpoint = new WebhookEndpoint
        {
            Id = Ids.New(Ids.Webhook),
            OrganizationId = caller.OrganizationId,
            Livemode = caller.Livemode,
            Url = r.Url!.Trim(),
            Events = WebhookEndpointRules.JoinEvents(r.Events!),
            Description = string.IsNullOrWhiteSpace(r.Description) ? null : r.Description.Trim(),
            ApiVersion = r.ApiVersion,
            SecretProtected = secrets.Protect(secret),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(ct);
        return WebhookEndpointCreatedDto.From(endpoint, secret);
    }
}

/// <summary>Changes a webhook endpoint; <c>isActive: true</c> re-enables one the server disabled, <c>false</c> cancels what waits for it.</summary>
public sealed class UpdateWebhookEndpoint(WebhookTargets targets, TimeProvider clock)
{
    public async Task<Result<WebhookEndpointDto>> HandleAsync(string id, UpdateWebhookRequest r, CommetDb db, ApiCaller caller, CancellationToken ct)
    {
        var check = new Check();
        if (r.Url is not null && !check.Required("url", r.Url, 2048).Failed && await targets.CheckUrlAsync(r.Url.Trim(), caller.Livemode, ct) is { } bad)
        {
            check.Add("url", bad);
        }
        check.MaxLength("description", r.Description, 500);
        WebhookEndpointRules.CheckEvents(check, r.Events, required: false);
        WebhookEndpointRules.CheckApiVersion(check, r.ApiVersion);
        if (check.Failed)
        {
            return check.ToError();
        }
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(w => w.Id == id, ct);
        if (endpoint is null)
        {
            return WebhookEndpointRules.NotFound(id);
        }
        var now = BillingClock.Truncate(clock.GetUtcNow().UtcDateTime);
        if (r.Url is not null)
        {
            endpoint.Url = r.Url.Trim();
        }
        if (r.Events is not null)
        {
            endpoint.Events = WebhookEndpointRules.JoinEvents(r.Events);
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
        return WebhookEndpointDto.From(endpoint);
    }
}

/// <summary>Deletes a webhook endpoint and its delivery log.</summary>
public sealed class DeleteWebhookEndpoint(ILogger<DeleteWebhookEndpoint> logger)
{
    public async Task<Result<WebhookEndpoint>> HandleAsync(string id, CommetDb db, CancellationToken ct)
    {
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(w => w.Id == id, ct);
        if (endpoint is null)
        {
            return WebhookEndpointRules.NotFound(id);
        }
        await db.InTransactionAsync(async () =>
        {
            await db.WebhookDeliveries.Where(d => d.EndpointId == id).ExecuteDeleteAsync(ct);
            db.WebhookEndpoints.Remove(endpoint);
            return (Result<int>)1;
        }, ct);
        logger.LogInformation("Webhook endpoint {EndpointId} deleted with its delivery log", endpoint.Id);
        return endpoint;
    }
}

/// <summary>Sends a signed <c>webhook.test</c> event to the endpoint now, logs it as a delivery and answers what the endpoint said.</summary>
public sealed class SendTestWebhook(WebhookSender sender, TimeProvider clock)
{
    public async Task<Result<WebhookTestResultDto>> HandleAsync(string id, CommetDb db, CancellationToken ct)
    {
        var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (endpoint is null)
        {
            return WebhookEndpointRules.NotFound(id);
        }
        var now = BillingClock.Truncate(clock.GetUtcNow().UtcDateTime);
        var messageId = Ids.New(Ids.WebhookEvent, clock);
        var data = JsonSerializer.Serialize(new { webhookId = endpoint.Id, message = "A test event from Commet: this endpoint receives signed deliveries." }, Api.Json);
        var body = WebhookDispatcher.Envelope(messageId, WebhookEndpointsApi.TestEvent, now, endpoint.OrganizationId, endpoint.Livemode, endpoint.ApiVersion, data);
        var attempt = await sender.SendAsync(endpoint, messageId, WebhookEndpointsApi.TestEvent, body, ct);
        var delivery = new WebhookDelivery
        {
            Id = Ids.New(Ids.WebhookDelivery, clock),
            OrganizationId = endpoint.OrganizationId,
            Livemode = endpoint.Livemode,
            EndpointId = endpoint.Id,
            MessageId = messageId,
            EventType = WebhookEndpointsApi.TestEvent,
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
        return new WebhookTestResultDto(attempt.Success, delivery.Id, attempt.At, attempt.StatusCode, attempt.Error);
    }
}

/// <summary>Sends a past delivery again (same body and <c>webhook-id</c>) with a fresh retry schedule; refused while the endpoint is disabled.</summary>
public sealed class RedeliverWebhook(TimeProvider clock)
{
    public async Task<Result<WebhookDelivery>> HandleAsync(string id, string deliveryId, CommetDb db, CancellationToken ct)
    {
        var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        var delivery = endpoint is null ? null : await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.EndpointId == id, ct);
        if (endpoint is null || delivery is null)
        {
            return endpoint is null ? WebhookEndpointRules.NotFound(id) : Error.NotFound("webhook_delivery", $"No delivery '{deliveryId}' for webhook endpoint '{id}'.");
        }
        if (!endpoint.IsActive)
        {
            return Error.Conflict("webhook_disabled", "The endpoint is disabled; enable it (isActive: true) before redelivering.");
        }
        var now = BillingClock.Truncate(clock.GetUtcNow().UtcDateTime);
        delivery.Status = WebhookDeliveryStatus.Pending;
        delivery.Attempts = 0;
        delivery.NextAttemptAt = now;
        delivery.LeaseOwner = null;
        delivery.LeaseUntil = null;
        await db.InTransactionAsync(() => Task.FromResult((Result<int>)1), ct);
        return delivery;
    }
}

/// <summary>Replaces an endpoint's signing secret (answered this once); the previous one keeps signing for the overlap.</summary>
public sealed class RotateWebhookSecret(WebhookSecrets secrets, IOptions<WebhookOptions> options, TimeProvider clock)
{
    public async Task<Result<WebhookEndpointCreatedDto>> HandleAsync(string id, RotateWebhookSecretRequest r, CommetDb db, CancellationToken ct)
    {
        var check = new Check().Range("overlapHours", r.OverlapHours, 0, 168);
        if (check.Failed)
        {
            return check.ToError();
        }
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(w => w.Id == id, ct);
        if (endpoint is null)
        {
            return WebhookEndpointRules.NotFound(id);
        }
        var now = BillingClock.Truncate(clock.GetUtcNow().UtcDateTime);
        var overlap = TimeSpan.FromHours(r.OverlapHours ?? options.Value.RotationOverlapHours);
        var secret = WebhookSecrets.New();
        endpoint.PreviousSecretProtected = overlap > TimeSpan.Zero ? endpoint.SecretProtected : null;
        endpoint.PreviousSecretExpiresAt = overlap > TimeSpan.Zero ? now + overlap : null;
        endpoint.SecretProtected = secrets.Protect(secret);
        endpoint.UpdatedAt = now;
        await db.InTransactionAsync(() => Task.FromResult((Result<int>)1), ct);
        return WebhookEndpointCreatedDto.From(endpoint, secret);
    }
}

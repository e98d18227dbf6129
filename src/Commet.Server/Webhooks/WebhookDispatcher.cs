using System.Text;
using System.Text.Json;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Infrastructure;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Webhooks;

/// <summary>
/// Delivers the outbox. Each round (1) fans new events out into one delivery row per matching active endpoint,
/// marking the events dispatched in the same transaction, and (2) claims due deliveries under a lease and sends them.
/// Several nodes may run this at once: an event is fanned out by the one transaction that marks it, a delivery is
/// sent by the node whose lease claimed it, and the unique (event, endpoint) index forbids a second row.
/// <para>
/// At least once: a node that dies after a request reached the receiver and before it recorded the answer leaves
/// the lease to expire, and another round sends the delivery again with the same <c>webhook-id</c>.
/// </para>
/// </summary>
public sealed class WebhookDispatcher(IDbContextFactory<CommetDb> dbFactory, WebhookSender sender, TimeProvider time, IOptions<WebhookOptions> options,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly string node = $"{Environment.MachineName}:{Environment.ProcessId}";
    private readonly IReadOnlyList<TimeSpan> schedule = options.Value.Schedule();

    private long rounds;

    /// <summary>Rounds finished on this node, with or without work (a test waits for one to pass after it changed something).</summary>
    public long Rounds => Interlocked.Read(ref rounds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Dispatcher)
        {
            return;
        }
        var poll = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var worked = 0;
            try
            {
                worked = await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Webhook round failed; the next one tries again");
            }
            if (worked == 0)
            {
                try
                {
                    // Real time on purpose: a test's fake clock decides when retries are due, not how often we look.
                    await Task.Delay(poll, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One round: fan-out, then delivery. Answers how many events and deliveries it handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var done = await FanOutAsync(ct) + await DeliverDueAsync(ct);
        Interlocked.Increment(ref rounds);
        return done;
    }

    private DateTime Now => BillingClock.Truncate(time.GetUtcNow().UtcDateTime);

    private async Task<int> FanOutAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var events = await db.Events.IgnoreQueryFilters().AsNoTracking()
            .Where(e => e.DispatchedAt == null).OrderBy(e => e.Id).Take(options.Value.BatchSize).ToListAsync(ct);
        if (events.Count == 0)
        {
            return 0;
        }
        var organizations = events.Select(e => e.OrganizationId).Distinct().ToList();
        var endpoints = await db.WebhookEndpoints.IgnoreQueryFilters().AsNoTracking()
            .Where(w => organizations.Contains(w.OrganizationId) && w.IsActive).ToListAsync(ct);
        var now = Now;
        var ids = events.Select(e => e.Id).ToList();
        var result = await db.InTransactionAsync(async () =>
        {
            // Whoever marks the events fans them out; a node that finds some already marked leaves this batch to the next round.
            var claimed = await db.Events.IgnoreQueryFilters().Where(e => ids.Contains(e.Id) && e.DispatchedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.DispatchedAt, now), ct);
            if (claimed != ids.Count)
            {
                return (Result<int>)(Error.Conflict("raced", "Another node dispatched some of these events."));
            }
            var rows = 0;
            foreach (var evt in events)
            {
                foreach (var endpoint in endpoints)
                {
                    if (endpoint.OrganizationId != evt.OrganizationId || endpoint.Livemode != evt.Livemode || !endpoint.Receives(evt.Type))
                    {
                        continue;
                    }
                    var messageId = MessageId(evt.Id);
                    db.WebhookDeliveries.Add(new WebhookDelivery
                    {
                        Id = Ids.New(Ids.WebhookDelivery),
                        OrganizationId = evt.OrganizationId,
                        Livemode = evt.Livemode,
                        EndpointId = endpoint.Id,
                        EventId = evt.Id,
                        MessageId = messageId,
                        EventType = evt.Type,
                        SubscriptionId = evt.SubscriptionId,
                        Body = Envelope(messageId, evt.Type, evt.OccurredAt, evt.OrganizationId, evt.Livemode, endpoint.ApiVersion, evt.DataJson),
                        Status = WebhookDeliveryStatus.Pending,
                        NextAttemptAt = now,
                        CreatedAt = now,
                    });
                    rows++;
                }
            }
            return (Result<int>)(rows);
        }, ct);
        return result.IsSuccess ? events.Count : 0;
    }

    private async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var now = Now;
        var token = node + ":" + Guid.NewGuid().ToString("N")[..12];
        var leaseUntil = now + options.Value.Lease;
        List<WebhookDelivery> claimed;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var due = await db.WebhookDeliveries.IgnoreQueryFilters().AsNoTracking()
                .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LeaseUntil == null || d.LeaseUntil < now))
                .Where(d => db.WebhookEndpoints.IgnoreQueryFilters().Any(w => w.Id == d.EndpointId && w.IsActive))
                .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(options.Value.BatchSize)
                .Select(d => new { d.Id, d.EndpointId, d.SubscriptionId }).ToListAsync(ct);
            if (due.Count == 0)
            {
                return 0;
            }
            // One subscription's events go to an endpoint in order: a delivery waits while an earlier one for the same
            // subscription and endpoint has not been tried yet or is in flight (one waiting for a retry does not hold it up).
            var subscriptions = due.Where(d => d.SubscriptionId != null).Select(d => d.SubscriptionId!).Distinct().ToList();
            var blockers = subscriptions.Count == 0 ? [] : await db.WebhookDeliveries.IgnoreQueryFilters().AsNoTracking()
                .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.SubscriptionId != null && subscriptions.Contains(d.SubscriptionId)
                    && (d.Attempts == 0 || d.LeaseUntil >= now))
                .Select(d => new { d.Id, d.EndpointId, d.SubscriptionId }).ToListAsync(ct);
            var ready = due.Where(c => c.SubscriptionId is null || !blockers.Any(b => b.EndpointId == c.EndpointId && b.SubscriptionId == c.SubscriptionId
                && string.CompareOrdinal(b.Id, c.Id) < 0)).Select(c => c.Id).ToList();
            if (ready.Count == 0)
            {
                return 0;
            }
            await db.InTransactionAsync(async () => (Result<int>)(await db.WebhookDeliveries.IgnoreQueryFilters()
                .Where(d => ready.Contains(d.Id) && d.Status == WebhookDeliveryStatus.Pending && (d.LeaseUntil == null || d.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, token).SetProperty(d => d.LeaseUntil, leaseUntil), ct)), ct);
            claimed = await db.WebhookDeliveries.IgnoreQueryFilters().AsNoTracking().Where(d => d.LeaseOwner == token).OrderBy(d => d.Id).ToListAsync(ct);
        }
        if (claimed.Count == 0)
        {
            return 0;
        }
        Dictionary<string, WebhookEndpoint> endpoints;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var endpointIds = claimed.Select(d => d.EndpointId).Distinct().ToList();
            endpoints = await db.WebhookEndpoints.IgnoreQueryFilters().AsNoTracking().Where(w => endpointIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, ct);
        }
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Concurrency, CancellationToken = ct }, async (delivery, token2) =>
        {
            if (!endpoints.TryGetValue(delivery.EndpointId, out var endpoint))
            {
                return;
            }
            var attempt = await sender.SendAsync(endpoint, delivery.MessageId, delivery.EventType, delivery.Body, token2);
            await RecordAsync(delivery, endpoint, attempt, token, CancellationToken.None);
        });
        return claimed.Count;
    }

    /// <summary>Writes an attempt's outcome: delivered, due again on the schedule, or failed; and what that means for the endpoint.</summary>
    private async Task RecordAsync(WebhookDelivery delivery, WebhookEndpoint endpoint, WebhookAttempt attempt, string leaseToken, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var attempts = delivery.Attempts + 1;
        var now = Now;
        string status;
        DateTime? next = null;
        if (attempt.Success)
        {
            status = WebhookDeliveryStatus.Succeeded;
        }
        else if (attempts <= schedule.Count)
        {
            status = WebhookDeliveryStatus.Pending;
            next = now + schedule[attempts - 1];
        }
        else
        {
            status = WebhookDeliveryStatus.Failed;
        }
        Infrastructure.CommetMetrics.WebhookDelivery(status);
        await db.InTransactionAsync(async () =>
        {
            var written = await db.WebhookDeliveries.IgnoreQueryFilters().Where(d => d.Id == delivery.Id && d.LeaseOwner == leaseToken)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Status, status)
                    .SetProperty(d => d.Attempts, attempts)
                    .SetProperty(d => d.NextAttemptAt, next)
                    .SetProperty(d => d.LastAttemptAt, attempt.At)
                    .SetProperty(d => d.LastStatusCode, attempt.StatusCode)
                    .SetProperty(d => d.LastDurationMs, attempt.DurationMs)
                    .SetProperty(d => d.LastError, attempt.Error)
                    .SetProperty(d => d.DeliveredAt, attempt.Success ? attempt.At : null)
                    .SetProperty(d => d.LeaseOwner, (string?)null)
                    .SetProperty(d => d.LeaseUntil, (DateTime?)null), ct);
            if (written == 0 || delivery.EventId is null)
            {
                // The lease ran out and another node owns the delivery now; it records its own attempt.
                return (Result<int>)(0);
            }
            if (attempt.Success)
            {
                await db.WebhookEndpoints.IgnoreQueryFilters().Where(w => w.Id == endpoint.Id && w.FailedEventStreak != 0)
                    .ExecuteUpdateAsync(s => s.SetProperty(w => w.FailedEventStreak, 0), ct);
            }
            else if (status == WebhookDeliveryStatus.Failed)
            {
                await db.WebhookEndpoints.IgnoreQueryFilters().Where(w => w.Id == endpoint.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(w => w.FailedEventStreak, w => w.FailedEventStreak + 1), ct);
                var limit = options.Value.DisableAfterFailedEvents;
                var reason = $"Disabled after {limit} events in a row failed every delivery attempt (last: {attempt.Error}).";
                if (reason.Length > 500)
                {
                    reason = reason[..499] + "…";
                }
                var disabled = await db.WebhookEndpoints.IgnoreQueryFilters().Where(w => w.Id == endpoint.Id && w.IsActive && w.FailedEventStreak >= limit)
                    .ExecuteUpdateAsync(s => s.SetProperty(w => w.IsActive, false).SetProperty(w => w.DisabledReason, reason).SetProperty(w => w.UpdatedAt, now), ct);
                if (disabled > 0)
                {
                    await CancelPendingAsync(db, endpoint.Id, "The endpoint was disabled.", ct);
                    logger.LogWarning("Webhook endpoint {Endpoint} disabled after {Count} failed events", endpoint.Id, limit);
                }
            }
            return (Result<int>)(1);
        }, ct);
    }

    /// <summary>Marks the endpoint's waiting deliveries canceled (a disabled endpoint gets nothing more; they can be redelivered).</summary>
    public static Task<int> CancelPendingAsync(CommetDb db, string endpointId, string why, CancellationToken ct) =>
        db.WebhookDeliveries.IgnoreQueryFilters().Where(d => d.EndpointId == endpointId && d.Status == WebhookDeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Canceled).SetProperty(d => d.NextAttemptAt, (DateTime?)null)
                .SetProperty(d => d.LastError, why), ct);

    /// <summary>The envelope's ID: the event's, with the <c>whev_</c> prefix (the same for every endpoint and attempt).</summary>
    public static string MessageId(string eventId) => Ids.WebhookEvent + "_" + eventId[(eventId.IndexOf('_') + 1)..];

    public const string DefaultApiVersion = "2026-07-11";

    /// <summary>The body: <c>{id, event, timestamp, organizationId, mode, apiVersion, data}</c>, data as the outbox holds it.</summary>
    public static string Envelope(string messageId, string type, DateTime occurredAt, string organizationId, bool livemode, string? apiVersion, string dataJson)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", messageId);
            w.WriteString("event", type);
            w.WriteString("timestamp", EventRecorder.Iso(occurredAt));
            w.WriteString("organizationId", organizationId);
            w.WriteString("mode", livemode ? "live" : "sandbox");
            w.WriteString("apiVersion", apiVersion ?? DefaultApiVersion);
            w.WritePropertyName("data");
            w.WriteRawValue(dataJson, skipInputValidation: true);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

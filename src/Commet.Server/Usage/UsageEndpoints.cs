using System.Text.Json.Serialization;
using System.Text.Json;
using Commet.Domain;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

public sealed record UsagePropertyDto(string Id, string UsageEventId, string Property, string Value, DateTime CreatedAt);

/// <summary>The SDK's <c>UsageEvent</c>.</summary>
public sealed record UsageEventDto(string Id, bool Livemode, string OrganizationId, string CustomerId, string Feature, decimal Value,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? IdempotencyKey, DateTime Ts, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<UsagePropertyDto>? Properties, DateTime CreatedAt, bool Duplicate)
{
    public string Object => "usage_event";

    public static UsageEventDto From(UsageEvent e, bool duplicate) => new(e.Id, e.Livemode, e.OrganizationId, e.CustomerId, e.FeatureCode, e.Value,
        e.IdempotencyKey, e.Timestamp, PropertiesOf(e), e.CreatedAt, duplicate);

    private static List<UsagePropertyDto>? PropertiesOf(UsageEvent e) => e.PropertiesJson is null ? null
        : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(e.PropertiesJson)!
            .Select((kv, i) => new UsagePropertyDto($"{e.Id}_p{i}", e.Id, kv.Key, kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString()! : kv.Value.GetRawText(), e.CreatedAt))
            .ToList();
}

public sealed record BatchItemDto(int Index, bool Success, UsageEventDto? Event, ApiErrorBody? Error);

public sealed record UsageBatchDto(IReadOnlyList<BatchItemDto> Results, int Succeeded, int Failed, bool Livemode)
{
    public string Object => "list";
}

/// <summary>The SDK's <c>UsageAdjustment</c>.</summary>
public sealed record UsageAdjustmentDto(string Id, string Feature, decimal Value, decimal PreviousValue, decimal Adjustment, string CustomerId,
    string? IdempotencyKey, string? Reason, DateTime Ts, DateTime CreatedAt, bool Livemode)
{
    public string Object => "usage_event";
}

public sealed record SeatEventDto(string Id, string CustomerId, string FeatureCode, long PreviousBalance, long NewBalance, DateTime Ts, DateTime CreatedAt, bool Livemode)
{
    public string Object => "seat";

    public static SeatEventDto From(SeatEvent e) => new(e.Id, e.CustomerId, e.FeatureCode, e.PreviousBalance, e.NewBalance, e.Ts, e.CreatedAt, e.Livemode);
}

/// <summary>One item of <c>PUT /seats/bulk</c>.</summary>
public sealed record SeatBulkItemDto(string Id, string FeatureCode, long PreviousBalance, long NewBalance, DateTime Ts, DateTime CreatedAt, string Object, bool Livemode);

public sealed record SeatBalanceDto([property: JsonIgnore] string FeatureCode, long Current, long Included, DateTime AsOf, bool Livemode)
{
    public string Object => "seat";
}

public sealed record CreditGrantDto(long Credits, string InvoiceId, bool Livemode)
{
    public string Object => "subscription";
}

public sealed record BalanceTopupDto(long Amount, string InvoiceId, bool Livemode)
{
    public string Object => "subscription";
}

public sealed record BalanceAdjustmentDto(long Amount, long NewBalance, string? Reason, bool Livemode)
{
    public string Object => "subscription";
}

public static class UsageEndpoints
{
    /// <summary>Counts the batch's newly recorded events on the Commet meter.</summary>
    private static IReadOnlyList<BatchItemResult> Counted(IReadOnlyList<BatchItemResult> results)
    {
        Infrastructure.CommetMetrics.UsageEventsIngested(results.Count(x => x.Success && x.Tracked is { Duplicate: false }));
        return results;
    }

    public static void MapUsage(this IEndpointRouteBuilder api)
    {
        var usage = api.MapGroup("/usage").WithTags("Usage");

        usage.MapPost("/events", async (Json<TrackRequest> body, BillingCall call, TrackGroupCommit handler) =>
        {
            // The event's group reads the test clock once for all its events (TrackGroupCommit.SettlesClock), not each request.
            var settles = handler.SettlesClock(body.Value);
            return await call.Run(s => handler.HandleAsync(s, body.Value, call.Ct, clockUnread: settles), Results<ApiCreated<UsageEventDto>, ApiOk<UsageEventDto>> (_, t) =>
            {
                Infrastructure.CommetMetrics.UsageEventsIngested(t.Duplicate ? 0 : 1);
                return t.Duplicate ? Answer.Ok(UsageEventDto.From(t.Event, t.Duplicate)) : Answer.Created(UsageEventDto.From(t.Event, t.Duplicate));
            }, readClock: !settles);
        })
            .WithSummary("Record usage of a feature and apply its consumption (credits, balance, metered limits). A repeated idempotencyKey counts once (200).")
            .WithMetadata(new BodyIdempotencyKey());

        usage.MapPost("/events/batch", async (Json<TrackBatchRequest> body, BillingCall call, TrackUsageBatch handler) =>
            // The batch reads the test clock itself, with its idempotency keys (TrackUsageBatch.HandleAsync, clockUnread).
            await call.Run(s => handler.HandleAsync(s, body.Value, call.Ct, clockUnread: true), (s, results) => new UsageBatchAnswer(new UsageBatchDto(
                Counted(results).Select(x => new BatchItemDto(x.Index, x.Success, x.Tracked is null ? null : UsageEventDto.From(x.Tracked.Event, x.Tracked.Duplicate),
                    x.Error is null ? null : Api.ToEnvelope(x.Error).Error)).ToList(),
                results.Count(x => x.Success), results.Count(x => !x.Success), s.Tenant.Livemode)), readClock: false))
            .WithSummary("Up to 100 usage events; each succeeds or fails on its own (our addition).")
            .RequireRateLimiting(Limits.ExpensivePolicy);

        usage.MapPost("/check", async (Json<CheckUsageRequest> body, BillingCall call, CheckUsage handler) =>
            await call.Run(s => handler.HandleAsync(s, body.Value, call.Ct), (_, r) => Answer.Ok(r)))
            .WithSummary("Would this usage be allowed, and what would it cost? Nothing is recorded.");

        api.MapPut("/usage", async (Json<SetUsageRequest> body, BillingCall call, SetUsage handler) =>
            await call.Run(s => handler.HandleAsync(s, body.Value, call.Ct), (s, e) => Answer.Ok(new UsageAdjustmentDto(e.Id, e.FeatureCode,
                (e.PreviousValue ?? 0) + e.Value, e.PreviousValue ?? 0, e.Value, e.CustomerId, e.IdempotencyKey, e.Reason, e.Timestamp, e.CreatedAt, s.Tenant.Livemode))))
            .WithTags("Usage").WithSummary("Set a metered feature's total for the current period (recorded as an adjustment).");

        var seats = api.MapGroup("/seats").WithTags("Seats");
        seats.MapPost("/", async (Json<SeatsRequest> body, BillingCall call, ChangeSeats handler) =>
            await call.Run(s => handler.HandleAsync(s, body.Value, ChangeSeats.SeatVerb.Add, call.Ct), (_, c) => Answer.Ok(SeatEventDto.From(c.Event))))
            .WithSummary("Add seats; charged pro rata for the rest of the period.");
        seats.MapPut("/", async (Json<SeatsRequest> body, BillingCall call, ChangeSeats handler) =>
            await call.Run(s => handler.HandleAsync(s, body.Value, ChangeSeats.SeatVerb.Set, call.Ct), (_, c) => Answer.Ok(SeatEventDto.From(c.Event))))
            .WithSummary("Set seats to an exact count.");
        seats.MapDelete("/", async (HttpRequest request, BillingCall call, ChangeSeats handler) =>
        {
            // The SDK sends the parameters of DELETE /seats as a JSON body.
            var body = await Json<SeatsRequest>.BindAsync(request.HttpContext);
            return await call.Run(s => handler.HandleAsync(s, body!.Value, ChangeSeats.SeatVerb.Remove, call.Ct), (_, c) => Answer.Ok(SeatEventDto.From(c.Event)));
        }).WithSummary("Remove seats; billing drops at the period end, no refund.");
        seats.MapPut("/bulk", async (Json<BulkSeatsRequest> body, BillingCall call, SetAllSeats handler) =>
            await call.Run(s => handler.HandleAsync(s, body.Value, call.Ct), (_, list) => Answer.Ok(list.Select(c => new SeatBulkItemDto(
                c.Event.Id, c.Event.FeatureCode, c.Event.PreviousBalance, c.Event.NewBalance, c.Event.Ts, c.Event.CreatedAt, "seat", c.Event.Livemode)).ToList())))
            .WithSummary("Set every seat type at once.");
        seats.MapGet("/balance", async (string? customerId, string? featureCode, BillingCall call) =>
            await call.Run(async s => await SeatBalancesAsync(s, customerId, featureCode, call.Ct), Results<ApiOk<SeatBalanceDto>, ApiProblem> (_, list) => list.Count == 0
                ? Answer.Problem(Error.Forbidden("feature_not_in_plan", "The customer's plan has no such seat feature."))
                : Answer.Ok(list[0])))
            .WithSummary("Seats in use for one seat type.");
        seats.MapGet("/balances", async (string? customerId, BillingCall call) =>
            await call.Run(async s => await SeatBalancesAsync(s, customerId, null, call.Ct), (s, list) =>
            {
                // The SDK's SeatBalanceListItem: one object keyed by seat type, each with its count.
                var body = new Dictionary<string, object> { ["object"] = "seat", ["livemode"] = s.Tenant.Livemode };
                foreach (var b in list)
                {
                    body[b.FeatureCode] = new { current = b.Current, included = b.Included, asOf = b.AsOf };
                }
                return Answer.Ok(body);
            }))
            .WithSummary("Seats in use for every seat type of the customer's plan, keyed by seat type.");

        var access = api.MapGroup("/feature-access").WithTags("Feature access");
        access.MapGet("/", async Task<Results<ApiOk<IReadOnlyList<FeatureAccessDto>>, ApiProblem>> (string? customerId, BillingCall call, ListFeatureAccess handler) =>
            string.IsNullOrWhiteSpace(customerId) ? Answer.Problem(Error.Validation("customerId", "customerId is required."))
            : await call.Run(s => handler.HandleAsync(s, customerId, call.Ct), (_, list) => Answer.Ok(list)))
            .WithSummary("Every feature of the customer's subscription, with usage and limits.");
        access.MapGet("/{code}", async Task<Results<ApiOk<FeatureAccessDto>, ApiProblem>> (string code, string? customerId, string? action, BillingCall call, GetFeatureAccess handler) =>
            string.IsNullOrWhiteSpace(customerId) ? Answer.Problem(Error.Validation("customerId", "customerId is required."))
            : await call.Run(s => handler.HandleAsync(s, customerId, code, string.Equals(action, "canUse", StringComparison.OrdinalIgnoreCase), call.Ct), (_, a) => Answer.Ok(a)))
            .WithSummary("One feature; action=canUse answers whether one more unit is allowed.");

        var subs = api.MapGroup("/subscriptions").WithTags("Subscriptions");
        subs.MapPost("/{id}/credits", async (string id, Json<PurchaseCreditsRequest> body, BillingCall call, PurchaseCredits handler) =>
            await call.Run(s => handler.HandleAsync(s, id, body.Value.CreditPackId, call.Ct), (s, p) => Answer.Ok(new CreditGrantDto(p.Amount, p.Invoice.Id, s.Tenant.Livemode))))
            .WithSummary("Buy a credit pack: charged now, credits never expire.");
        subs.MapPost("/{id}/balance/topup", async (string id, Json<TopupRequest> body, BillingCall call, TopupBalance handler) =>
            await call.Run(s => handler.HandleAsync(s, id, body.Value.Amount, call.Ct), (s, p) => Answer.Ok(new BalanceTopupDto(p.Amount, p.Invoice.Id, s.Tenant.Livemode))))
            .WithSummary("Top up the balance (minor units): charged now.");
        subs.MapPost("/{id}/balance/adjust", async (string id, Json<AdjustBalanceRequest> body, BillingCall call, AdjustBalance handler) =>
            await call.Run(s => handler.HandleAsync(s, id, body.Value, call.Ct), (s, a) => Answer.Ok(new BalanceAdjustmentDto(a.Amount, a.NewBalance, a.Reason, s.Tenant.Livemode))))
            .WithSummary("Add or take credits or balance without a charge; the reason is kept.");
    }

    private static async Task<Result<IReadOnlyList<SeatBalanceDto>>> SeatBalancesAsync(BillingScope scope, string? customerId, string? featureCode, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(customerId))
        {
            return Error.Validation("customerId", "customerId is required.");
        }
        var found = await Consumption.LiveAsync(scope.Db, customerId, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }
        var s = found.Value.Subscription;
        var counts = await ChangeSeats.CountsAsync(scope.Db, s.Id, ct);
        var allowance = await AddonAllowances.ForWindowAsync(scope, s, scope.Now, ct);
        return found.Value.Plan.Features
            .Where(f => f.Feature?.Type == FeatureTypes.Seats && (featureCode is null || f.Feature.Code == featureCode))
            .Select(f => new SeatBalanceDto(f.Feature!.Code, counts.GetValueOrDefault(f.FeatureId), allowance.IncludedAt(f, s, scope.Now), scope.Now, scope.Tenant.Livemode))
            .ToList();
    }
}

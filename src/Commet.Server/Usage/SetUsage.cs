using Commet.Domain;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

public sealed class SetUsageRequest
{
    public string? CustomerId { get; set; }
    public string? Feature { get; set; }
    public decimal? Value { get; set; }
    public string? IdempotencyKey { get; set; }
    public string? Reason { get; set; }
}

/// <summary>Sets a metered feature's total for the current period.</summary>
public sealed class SetUsage
{
    /// <summary>
    /// Sets a metered feature's total for the current period; the difference is recorded as an adjustment
    /// event, so the event log still explains the counter.
    /// </summary>
    public async Task<Result<UsageEvent>> HandleAsync(BillingScope scope, SetUsageRequest r, CancellationToken ct)
    {
        var check = new Check().Required("customerId", r.CustomerId).Required("feature", r.Feature, 100)
            .MaxLength("idempotencyKey", r.IdempotencyKey, 255).MaxLength("reason", r.Reason, 500);
        if (r.Value is null || r.Value < 0 || r.Value > 1_000_000_000_000m)
        {
            check.Add("value", "value is required and must be zero or more.");
        }
        else if (!InputLimits.HasAtMostDecimals(r.Value.Value, InputLimits.MaxValueDecimals))
        {
            check.Add("value", $"value may have at most {InputLimits.MaxValueDecimals} decimal places.");
        }
        if (check.Failed)
        {
            return check.ToError();
        }
        if (r.IdempotencyKey is not null && await scope.Db.UsageEvents.AsNoTracking().FirstOrDefaultAsync(e => e.IdempotencyKey == r.IdempotencyKey, ct) is { } earlier)
        {
            return earlier;
        }
        var result = await scope.Db.InTransactionAsync<UsageEvent>(async () =>
        {
            var found = await Consumption.LiveAsync(scope.Db, r.CustomerId!, ct);
            if (!found.IsSuccess)
            {
                return found.Error;
            }
            var s = await scope.Db.LockSubscriptionAsync(found.Value.Subscription.Id, ct);
            var plan = found.Value.Plan;
            var pf = plan.Features.FirstOrDefault(f => f.Feature?.Code == r.Feature);
            if (pf?.Feature is null)
            {
                return Error.Forbidden("feature_not_in_plan", $"The customer's plan does not include '{r.Feature}'.");
            }
            if ((plan.ConsumptionModel ?? ConsumptionModels.Metered) != ConsumptionModels.Metered || pf.Feature.Type != FeatureTypes.Usage)
            {
                return Error.Invalid("invalid_feature_type", "Only metered usage features can be set to a total; credits and balance are adjusted with balance/adjust.", "feature");
            }
            if (InputLimits.CheckCost("value", ConsumptionModels.Metered, pf, r.Value!.Value, 0) is { } tooLarge)
            {
                return tooLarge;
            }
            var (windowStart, _) = Consumption.Window(s!, scope.Now);
            var counter = await scope.Db.UsageCounters.FirstOrDefaultAsync(c => c.SubscriptionId == s!.Id && c.FeatureId == pf.FeatureId && c.WindowStart == windowStart, ct);
            if (counter is null)
            {
                counter = new UsageCounter { SubscriptionId = s!.Id, FeatureId = pf.FeatureId, WindowStart = windowStart };
                scope.Db.UsageCounters.Add(counter);
            }
            var previous = counter.Quantity;
            var adjustment = r.Value!.Value - previous;
            counter.Quantity = r.Value.Value;
            counter.UpdatedAt = scope.Now;
            var evt = new UsageEvent
            {
                Id = Ids.New(Ids.Event),
                OrganizationId = scope.Tenant.OrganizationId,
                Livemode = scope.Tenant.Livemode,
                CustomerId = s!.CustomerId,
                SubscriptionId = s.Id,
                FeatureId = pf.FeatureId,
                FeatureCode = pf.Feature.Code,
                Value = adjustment,
                PreviousValue = previous,
                Kind = "adjustment",
                Reason = r.Reason,
                Timestamp = scope.Now,
                IdempotencyKey = r.IdempotencyKey,
                CreatedAt = scope.Now,
            };
            scope.Db.UsageEvents.Add(evt);
            var today = UsageDays.Of(scope.Now, found.Value.Customer);
            var day = await scope.Db.UsageDaily.FirstOrDefaultAsync(d => d.SubscriptionId == s.Id && d.FeatureId == pf.FeatureId && d.Day == today, ct);
            if (day is null)
            {
                day = new UsageDaily { SubscriptionId = s.Id, FeatureId = pf.FeatureId, Day = today };
                scope.Db.UsageDaily.Add(day);
            }
            day.Quantity += adjustment;
            return evt;
        }, ct, onConflict: Error.Conflict("duplicate_event", "An event with this idempotencyKey was recorded at the same time."));
        // Two requests with one idempotencyKey at once: the unique index let one in; the other answers with its event.
        if (!result.IsSuccess && result.Error.Code == "duplicate_event" && r.IdempotencyKey is not null
            && await scope.Db.UsageEvents.AsNoTracking().FirstOrDefaultAsync(e => e.IdempotencyKey == r.IdempotencyKey, ct) is { } winner)
        {
            return winner;
        }
        return result;
    }
}

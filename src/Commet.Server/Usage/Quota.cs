using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Events;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

/// <summary>The body of <c>POST</c>, <c>PUT</c> and <c>DELETE /usage/quota</c> (the SDK's AddQuotaParams, SetQuotaParams, RemoveQuotaParams).</summary>
public sealed class QuotaRequest
{
    public string? CustomerId { get; set; }
    public string? ExternalId { get; set; }
    public string? FeatureCode { get; set; }
    public long? Count { get; set; }
    public string? IdempotencyKey { get; set; }
}

/// <summary>A quota change as recorded (in the seat events, with an ID of its own prefix); <c>Duplicate</c> when an idempotencyKey repeated it.</summary>
public sealed record QuotaChange(SeatEvent Event, bool Duplicate);

/// <summary>
/// Adds to, removes from or sets a quota feature's balance: a durable count per customer that renewals do not reset,
/// billed like seats — the units beyond the included ones in advance at each renewal, and a raise above what the
/// period already paid for as a pro rata <c>true_up</c> line on the next recurring invoice (nothing is charged now).
/// Lowering it refunds nothing. See docs/quota.md.
/// </summary>
public sealed class ChangeQuota
{
    public const long MaxQuota = 1_000_000_000;

    /// <summary>The share of the included quantity at which <c>quota.threshold_reached</c> fires, in percent.</summary>
    public const int ThresholdPercent = 80;

    public enum QuotaVerb
    {
        Add,
        Remove,
        Set,
    }

    public async Task<Result<QuotaChange>> HandleAsync(BillingScope scope, QuotaRequest r, QuotaVerb verb, CancellationToken ct)
    {
        var customer = string.IsNullOrWhiteSpace(r.CustomerId) ? r.ExternalId : r.CustomerId;
        var check = new Check().Required("featureCode", r.FeatureCode, 100).MaxLength("idempotencyKey", r.IdempotencyKey, 255);
        if (string.IsNullOrWhiteSpace(customer))
        {
            check.Add("customerId", "customerId (or externalId) is required.");
        }
        else
        {
            check.MaxLength(string.IsNullOrWhiteSpace(r.CustomerId) ? "externalId" : "customerId", customer, 255);
        }
        // add and remove default to 1 when count is left out; set needs it.
        var count = verb == QuotaVerb.Set ? r.Count : r.Count ?? 1;
        var min = verb == QuotaVerb.Set ? 0 : 1;
        if (count is null || count < min || count > MaxQuota)
        {
            check.Add("count", $"count must be between {min} and {MaxQuota}.");
        }
        if (check.Failed)
        {
            return check.ToError();
        }
        var key = string.IsNullOrEmpty(r.IdempotencyKey) ? null : r.IdempotencyKey;
        return await scope.Db.InTransactionAsync<QuotaChange>(async () =>
        {
            var found = await Consumption.LiveAsync(scope.Db, customer!, ct);
            if (!found.IsSuccess)
            {
                return found.Error;
            }
            var s = await scope.Db.LockSubscriptionAsync(found.Value.Subscription.Id, ct);
            if (key is not null && await scope.Db.SeatEvents.AsNoTracking().FirstOrDefaultAsync(e => e.IdempotencyKey == key, ct) is { } earlier)
            {
                // The same business key again: the change it made, not a second one.
                return earlier.CustomerId == s!.CustomerId && earlier.FeatureCode == r.FeatureCode
                    ? new QuotaChange(earlier, true)
                    : Error.Conflict("idempotency_key_mismatch", "This idempotencyKey was already used for another customer or feature.", "idempotencyKey");
            }
            return await ApplyAsync(scope, s!, found.Value.Plan, r.FeatureCode!, verb, count!.Value, key, ct);
        }, ct, onConflict: Error.Conflict("idempotency_in_progress", "A quota change with this idempotencyKey is being applied. Retry after it finishes.", "idempotencyKey"));
    }

    /// <summary>
    /// Applies the change to the locked subscription <paramref name="s"/>. A raise beyond both the included quantity and
    /// what the period already paid for adds, for the new units, unit price × days left ÷ days in the period (rounded half
    /// away from zero to the minor unit) to the pending true-up; a lower balance keeps what was paid for, so raising it
    /// again within the period costs nothing more.
    /// </summary>
    internal static async Task<Result<QuotaChange>> ApplyAsync(BillingScope scope, Subscription s, Plan plan, string featureCode, QuotaVerb verb, long count, string? key, CancellationToken ct)
    {
        var pf = plan.Features.FirstOrDefault(f => f.Feature?.Code == featureCode);
        if (pf?.Feature is null)
        {
            return Error.Forbidden("feature_not_in_plan", $"The customer's plan does not include '{featureCode}'.");
        }
        if (pf.Feature.Type != FeatureTypes.Quota)
        {
            return Error.Invalid("invalid_feature_type", $"'{featureCode}' is a {pf.Feature.Type} feature, not a quota feature.", "featureCode");
        }
        if (!pf.Enabled)
        {
            return Error.Forbidden("feature_disabled", $"'{featureCode}' is disabled on the customer's plan.");
        }
        var balance = await scope.Db.SeatBalances.FirstOrDefaultAsync(b => b.SubscriptionId == s.Id && b.FeatureId == pf.FeatureId, ct);
        if (balance is null)
        {
            balance = new SeatBalance { SubscriptionId = s.Id, FeatureId = pf.FeatureId, PaidThrough = 0 };
            scope.Db.SeatBalances.Add(balance);
        }
        var previous = balance.Current;
        var next = verb switch
        {
            QuotaVerb.Add => previous + count,
            QuotaVerb.Remove => previous - count,
            _ => count,
        };
        if (next < 0)
        {
            return new Error("insufficient_balance", $"Cannot remove {count}: the quota balance is {previous}.", 400, "invalid_request_error", "count");
        }
        if (next > MaxQuota)
        {
            return Error.Validation("count", $"A quota balance is at most {MaxQuota}.");
        }
        // The plan's included quantity plus that of the add-ons active now; overage as for usage (never on free plans or in a trial).
        var included = (await AddonAllowances.ForWindowAsync(scope, s, scope.Now, ct)).IncludedAt(pf, s, scope.Now);
        var overage = TrackUsage.OverageAllowed(plan, s, pf);
        if (!pf.Unlimited && !overage && next > included && next > previous)
        {
            return Error.Invalid("quota_exceeded", $"The plan includes {included} of '{featureCode}' and allows no more.", "count");
        }

        var covered = Math.Max(balance.PaidThrough, included);
        var chargeable = Math.Max(0, next - covered);
        if (chargeable > 0 && s.Status == SubscriptionStatus.Active && !s.IsFree && !pf.Unlimited && pf.OverageUnitPrice > 0)
        {
            var full = Money.FromRate(pf.BilledOverage(s.Currency), chargeable, Currency.Of(s.Currency));
            var (amount, _, _) = Proration.RestOfPeriod(full, s.CurrentPeriodStart, s.CurrentPeriodEnd, scope.Now);
            balance.PendingTrueUp += amount.MinorUnits;
            balance.PendingTrueUpUnits += chargeable;
        }
        balance.Current = next;
        balance.PaidThrough = Math.Max(balance.PaidThrough, next);
        balance.UpdatedAt = scope.Now;

        var evt = new SeatEvent
        {
            Id = Ids.New("quota"),
            OrganizationId = scope.Tenant.OrganizationId,
            Livemode = scope.Tenant.Livemode,
            CustomerId = s.CustomerId,
            SubscriptionId = s.Id,
            FeatureCode = featureCode,
            PreviousBalance = previous,
            NewBalance = next,
            Ts = scope.Now,
            CreatedAt = scope.Now,
            IdempotencyKey = key,
        };
        scope.Db.SeatEvents.Add(evt);
        RecordCrossings(scope, s, balance, featureCode, previous, next, included, pf.Unlimited, overage);
        return new QuotaChange(evt, false);
    }

    /// <summary>The threshold to reach for <c>quota.threshold_reached</c>: 80 % of the included quantity, rounded up.</summary>
    public static long Threshold(long included) => (included * ThresholdPercent + 99) / 100;

    /// <summary>
    /// <c>quota.threshold_reached</c> when the balance moves from below 80 % of the included quantity to at or above it;
    /// <c>quota.exceeded</c> when it moves past the included quantity (overage on), or up to it (overage off: the limit
    /// is reached and nothing more can be added). Each at most once per feature and billing period.
    /// </summary>
    private static void RecordCrossings(BillingScope scope, Subscription s, SeatBalance balance, string featureCode, long previous, long next,
        long included, bool unlimited, bool overage)
    {
        if (unlimited || next <= previous)
        {
            return;
        }
        var period = s.CurrentPeriodStart;
        var threshold = Threshold(included);
        if (included > 0 && previous < threshold && next >= threshold && balance.ThresholdPeriodStart != period)
        {
            balance.ThresholdPeriodStart = period;
            EventRecorder.Record(scope.Db, scope.Tenant, new QuotaThresholdReachedData(s.Id, s.CustomerId, featureCode, next, included, period),
                scope.Now, s.Id, s.CustomerId);
        }
        var exceeded = overage ? previous <= included && next > included : included > 0 && previous < included && next >= included;
        if (exceeded && balance.ExceededPeriodStart != period)
        {
            balance.ExceededPeriodStart = period;
            EventRecorder.Record(scope.Db, scope.Tenant, new QuotaExceededData(s.Id, s.CustomerId, featureCode, next, included, overage, period),
                scope.Now, s.Id, s.CustomerId);
        }
    }
}

/// <summary>The SDK's <c>UsageQuota</c> for one quota feature of a customer's plan.</summary>
public sealed record QuotaAllowance(string FeatureCode, long Current, long Included, long? Remaining, long BilledQuantity, bool Unlimited,
    bool OverageEnabled, DateTime? AsOf);

/// <summary>
/// Reads the quota balances of a customer's live subscription: one feature (<c>GET /usage/quota</c>) or every quota
/// feature of the plan (<c>GET /usage/quota/all</c>).
/// </summary>
public sealed class ReadQuotas
{
    public async Task<Result<IReadOnlyList<QuotaAllowance>>> HandleAsync(BillingScope scope, string? customerId, string? featureCode, bool one, CancellationToken ct)
    {
        var check = new Check().Required("customerId", customerId);
        if (one)
        {
            check.Required("featureCode", featureCode, 100);
        }
        if (check.Failed)
        {
            return check.ToError();
        }
        var found = await Consumption.LiveAsync(scope.Db, customerId!, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }
        var (_, s, plan) = found.Value;
        if (one)
        {
            var pf = plan.Features.FirstOrDefault(f => f.Feature?.Code == featureCode);
            if (pf?.Feature is null)
            {
                return Error.Forbidden("feature_not_in_plan", $"The customer's plan does not include '{featureCode}'.");
            }
            if (pf.Feature.Type != FeatureTypes.Quota)
            {
                return Error.Invalid("invalid_feature_type", $"'{featureCode}' is a {pf.Feature.Type} feature, not a quota feature.", "featureCode");
            }
        }
        var features = plan.Features.Where(f => f.Feature?.Type == FeatureTypes.Quota && (!one || f.Feature.Code == featureCode))
            .OrderBy(f => f.Feature!.Code, StringComparer.Ordinal).ToList();
        var ids = features.Select(f => f.FeatureId).ToList();
        var balances = await scope.Db.SeatBalances.AsNoTracking().Where(b => b.SubscriptionId == s.Id && ids.Contains(b.FeatureId))
            .ToDictionaryAsync(b => b.FeatureId, ct);
        var allowance = await AddonAllowances.ForWindowAsync(scope, s, scope.Now, ct);
        return features.Select(pf => Of(pf, balances.GetValueOrDefault(pf.FeatureId), allowance.IncludedAt(pf, s, scope.Now)))
            .ToList();
    }

    /// <summary>
    /// A quota as the API and feature access report it: <c>billedQuantity</c> is the units beyond the included ones the
    /// current period is billed for (in advance, or by the true-up of a raise), so lowering the balance does not lower it.
    /// </summary>
    public static QuotaAllowance Of(PlanFeature pf, SeatBalance? balance, long included)
    {
        var current = balance?.Current ?? 0;
        var billed = pf.Unlimited ? 0 : Math.Max(0, Math.Max(balance?.PaidThrough ?? 0, current) - included);
        return new QuotaAllowance(pf.Feature!.Code, current, included, pf.Unlimited ? null : Math.Max(0, included - current), billed, pf.Unlimited,
            pf.OverageEnabled, balance?.UpdatedAt);
    }
}

using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

/// <summary>The SDK's <c>FeatureAccess</c> / <c>FeatureLookup</c>: what a customer may use now.</summary>
public sealed record FeatureAccessDto(
    string Code, string Name, string Type, bool Allowed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Enabled,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Current,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Included,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Remaining,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? OverageQuantity,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? OverageUnitPrice,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Unlimited,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? OverageEnabled,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? BilledQuantity,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? WillBeCharged,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    bool Livemode)
{
    public string Object => "feature";
}

/// <summary>Every feature the customer's live subscription gives, with what is used and left.</summary>
public sealed class ListFeatureAccess
{
    /// <summary>Every feature of the customer's live subscription (plan features and active add-ons).</summary>
    public async Task<Result<IReadOnlyList<FeatureAccessDto>>> HandleAsync(BillingScope scope, string customerId, CancellationToken ct)
    {
        var found = await Consumption.LiveAsync(scope.Db, customerId, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }
        var list = new List<FeatureAccessDto>();
        var allowance = await AddonAllowances.ForWindowAsync(scope, found.Value.Subscription, scope.Now, ct);
        foreach (var pf in found.Value.Plan.Features.Where(f => f.Feature is not null).OrderBy(f => f.Feature!.Code, StringComparer.Ordinal))
        {
            list.Add(await ListFeatureAccess.AccessAsync(scope, found.Value, pf, canUse: false, ct, allowance));
        }
        return list;
    }

    internal static async Task<FeatureAccessDto> AccessAsync(BillingScope scope, LiveSubscription live, PlanFeature pf, bool canUse, CancellationToken ct, Allowance? allowance = null)
    {
        var f = pf.Feature!;
        var (_, s, plan) = live;
        var livemode = scope.Tenant.Livemode;
        var usable = s.Status is SubscriptionStatus.Active or SubscriptionStatus.Trialing or SubscriptionStatus.PastDue;
        if (!pf.Enabled || !usable)
        {
            return new FeatureAccessDto(f.Code, f.Name, f.Type, false, pf.Enabled, null, null, null, null, null, null, null, null,
                canUse ? false : null, !pf.Enabled ? "feature_disabled" : "subscription_not_active", livemode);
        }
        switch (f.Type)
        {
            case FeatureTypes.Boolean:
                return new FeatureAccessDto(f.Code, f.Name, f.Type, true, true, null, null, null, null, null, null, null, null, canUse ? false : null, null, livemode);
            case FeatureTypes.Seats:
            {
                var included = await IncludedAsync();
                var seats = (await ChangeSeats.CountsAsync(scope.Db, s.Id, ct)).GetValueOrDefault(pf.FeatureId);
                var extra = Math.Max(0, seats - included);
                var allowed = pf.Unlimited || pf.OverageEnabled || seats < included;
                return new FeatureAccessDto(f.Code, f.Name, f.Type, allowed, true, seats, included, pf.Unlimited ? null : Math.Max(0, included - seats),
                    extra, pf.OverageEnabled ? pf.BilledOverage(s.Currency) : null, pf.Unlimited, pf.OverageEnabled, extra,
                    canUse ? !pf.Unlimited && seats >= included : null, allowed ? null : "seat_limit_exceeded", livemode);
            }
            case FeatureTypes.Quota:
            {
                var balance = await scope.Db.SeatBalances.AsNoTracking().FirstOrDefaultAsync(b => b.SubscriptionId == s.Id && b.FeatureId == pf.FeatureId, ct);
                var q = ReadQuotas.Of(pf, balance, await IncludedAsync());
                var quotaOverage = TrackUsage.OverageAllowed(plan, s, pf);
                // Allowed while one more unit can be added: below the included quantity, or beyond it with overage.
                var allowed = pf.Unlimited || quotaOverage || q.Current < q.Included;
                return new FeatureAccessDto(f.Code, f.Name, f.Type, allowed, true, q.Current, q.Included, q.Remaining,
                    Math.Max(0, q.Current - q.Included), pf.OverageEnabled ? pf.OverageUnitPrice : null, pf.Unlimited, pf.OverageEnabled, q.BilledQuantity,
                    canUse ? !pf.Unlimited && quotaOverage && q.Current >= q.Included : null, allowed ? null : "quota_exceeded", livemode);
            }
        }
        var model = plan.ConsumptionModel ?? ConsumptionModels.Metered;
        if (model == ConsumptionModels.Credits)
        {
            var account = await CheckUsage.ReadAccountAsync(scope, s, plan, AccountKinds.Credits, ct);
            var cost = TrackUsage.CreditCost(pf, 1);
            var allowed = account.Total >= cost;
            return new FeatureAccessDto(f.Code, f.Name, f.Type, allowed, true, null, account.Allowance, account.Total, null, null, false, false, null,
                canUse ? allowed : null, allowed ? null : "insufficient_credits", livemode);
        }
        if (model == ConsumptionModels.Balance)
        {
            var account = await CheckUsage.ReadAccountAsync(scope, s, plan, AccountKinds.Balance, ct);
            var allowed = plan.BlockOnExhaustion != true || account.Total >= TrackUsage.BalanceCost(pf, 1, s.Currency);
            return new FeatureAccessDto(f.Code, f.Name, f.Type, allowed, true, null, account.Allowance, account.Total, null, pf.BilledOverage(s.Currency), false, false, null,
                canUse ? allowed : null, allowed ? null : "insufficient_balance", livemode);
        }
        var (windowStart, _) = Consumption.Window(s, scope.Now);
        var current = await scope.Db.UsageCounters.AsNoTracking()
            .Where(c => c.SubscriptionId == s.Id && c.FeatureId == pf.FeatureId && c.WindowStart == windowStart)
            .Select(c => c.Quantity).FirstOrDefaultAsync(ct);
        var overageAllowed = TrackUsage.OverageAllowed(plan, s, pf);
        var includedUnits = await IncludedAsync();
        var ok = pf.Unlimited || overageAllowed || current < includedUnits;
        var overage = Math.Max(0, current - includedUnits);
        return new FeatureAccessDto(f.Code, f.Name, f.Type, ok, true, current, includedUnits, pf.Unlimited ? null : Math.Max(0, includedUnits - current),
            overage, pf.OverageEnabled ? pf.BilledOverage(s.Currency) : null, pf.Unlimited, pf.OverageEnabled, pf.OverageEnabled ? overage : 0,
            canUse ? !pf.Unlimited && current >= includedUnits && overageAllowed : null, ok ? null : "included_limit_reached", livemode);

        // The plan's included amount plus the add-ons' units in the current allowance window.
        async Task<long> IncludedAsync() =>
            (allowance ?? await AddonAllowances.ForWindowAsync(scope, s, scope.Now, ct)).IncludedAt(pf, s, scope.Now);
    }
}

using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Http;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

public sealed class AdjustBalanceRequest
{
    public long? Amount { get; set; }
    public string? Reason { get; set; }
    public string? Type { get; set; }
}

/// <summary>Adjusts credits or balance by hand (a grant or a correction), with a reason in the ledger.</summary>
public sealed class AdjustBalance
{
    /// <summary>A signed adjustment of credits (whole credits) or balance (minor units), without a charge; the reason is kept.</summary>
    public async Task<Result<(long Amount, long NewBalance, string? Reason)>> HandleAsync(BillingScope scope, string subscriptionId, AdjustBalanceRequest r, CancellationToken ct)
    {
        var check = new Check().OneOf("type", r.Type, [AccountKinds.Credits, AccountKinds.Balance], required: false).MaxLength("reason", r.Reason, 500);
        // No Math.Abs: it overflows on long.MinValue.
        if (r.Amount is null or 0 or < -PurchaseCharges.MaxAdjustment or > PurchaseCharges.MaxAdjustment)
        {
            check.Add("amount", $"amount must be a non-zero whole number between -{PurchaseCharges.MaxAdjustment} and {PurchaseCharges.MaxAdjustment} (positive adds, negative subtracts).");
        }
        if (check.Failed)
        {
            return check.ToError();
        }
        return await scope.Db.InTransactionAsync<(long, long, string?)>(async () =>
        {
            var s = await scope.Db.LockSubscriptionAsync(subscriptionId, ct);
            if (s is null)
            {
                return SubscriptionErrors.NotFound(subscriptionId);
            }
            if (!SubscriptionStatus.IsLive(s.Status))
            {
                return Error.Invalid("subscription_not_active", "The subscription is not live.");
            }
            var plan = await scope.PlanAsync(s.PlanId, ct);
            var kind = r.Type ?? Consumption.AccountKindOf(plan!) ?? AccountKinds.Credits;
            if (Consumption.AccountKindOf(plan!) != kind)
            {
                return Error.Invalid(kind == AccountKinds.Credits ? "credits_not_available" : "balance_not_available", $"This subscription's plan does not use {kind}.");
            }
            var account = await Consumption.AccountAsync(scope, s, plan!, kind, ct);
            var delta = kind == AccountKinds.Balance ? Consumption.RateOfMinor(r.Amount!.Value, Currency.Of(s.Currency)) : r.Amount!.Value;
            if (delta < 0 && account.Total + delta < 0)
            {
                return kind == AccountKinds.Credits ? TrackUsage.InsufficientCredits(account, -delta) : TrackUsage.InsufficientBalance(account, -delta, s.Currency);
            }
            if (InputLimits.CheckAccountRoom("amount", account, delta) is { } full)
            {
                return full;
            }
            if (delta > 0)
            {
                Consumption.Entry(scope, s, account, Buckets.Purchased, delta, "adjustment", null, r.Reason);
                LowBalanceAlerts.Refilled(account);
            }
            else
            {
                // Taking away: the purchased bucket first (it is what an adjustment gives), then the plan's.
                var fromPurchased = Math.Min(Math.Max(account.PurchasedAmount, 0), -delta);
                if (fromPurchased > 0)
                {
                    Consumption.Entry(scope, s, account, Buckets.Purchased, -fromPurchased, "adjustment", null, r.Reason);
                }
                if (-delta - fromPurchased > 0)
                {
                    Consumption.Entry(scope, s, account, Buckets.Plan, -(-delta - fromPurchased), "adjustment", null, r.Reason);
                }
            }
            var newBalance = kind == AccountKinds.Balance ? Consumption.MinorOfRate(account.Total, Currency.Of(s.Currency)) : account.Total;
            return (r.Amount!.Value, newBalance, r.Reason);
        }, ct);
    }
}

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

public sealed class PurchaseCreditsRequest
{
    public string? CreditPackId { get; set; }
}

public sealed class TopupRequest
{
    public long? Amount { get; set; }
}

public sealed class AdjustBalanceRequest
{
    public long? Amount { get; set; }
    public string? Reason { get; set; }
    public string? Type { get; set; }
}

public sealed record Purchase(Invoice Invoice, long Amount, ConsumptionAccount Account);

/// <summary>What purchases share: who may buy, and the one-line invoice charged now to the default card.</summary>
public sealed class PurchaseCharges(PaymentService payments)
{
    public const long DefaultTopupMinimum = 500;
    public const long DefaultTopupMaximum = 1_000_000;

    /// <summary>Largest balance/adjust amount either way: credits, or minor units.</summary>
    public const long MaxAdjustment = 1_000_000_000_000;

    /// <summary>Purchases are for active, trialing and free subscriptions; a past-due one pays what it owes first.</summary>
    public static Error? CanPurchase(Subscription s) => s.Status switch
    {
        SubscriptionStatus.Active or SubscriptionStatus.Trialing => null,
        SubscriptionStatus.PastDue => Error.Invalid("subscription_past_due", "Purchases are paused while a payment is overdue. Pay the outstanding invoice first."),
        _ => Error.Invalid("subscription_not_active", $"Purchases need an active subscription; this one is {s.Status}."),
    };

    public static async Task<(Subscription? Subscription, Plan? Plan, Error? Error)> PurchasableAsync(BillingScope scope, string subscriptionId, CancellationToken ct)
    {
        var s = await scope.Db.LockSubscriptionAsync(subscriptionId, ct);
        if (s is null)
        {
            return (null, null, SubscriptionErrors.NotFound(subscriptionId));
        }
        var error = CanPurchase(s);
        if (error is not null)
        {
            return (s, null, error);
        }
        var plan = await scope.PlanAsync(s.PlanId, ct);
        return (s, plan, null);
    }

    /// <summary>
    /// One-line invoice charged now to the default card; a decline or a missing card changes nothing. Without an
    /// Idempotency-Key every call is a purchase of its own (a random billing key). With one, the billing key is built
    /// from it: a call with a key that already bought answers that purchase's paid invoice (<c>Repeat</c>) and charges
    /// nothing, and two at once cannot both commit (the invoices' unique billing key).
    /// </summary>
    public async Task<Result<(Invoice Invoice, bool Repeat)>> ChargeAsync(BillingScope scope, Subscription s, Plan plan, string type, long amount, string description, string keyPrefix, CancellationToken ct)
    {
        var billingKey = scope.RequestBillingKey(keyPrefix);
        if (billingKey is not null && await scope.Db.Invoices.FirstOrDefaultAsync(i => i.BillingKey == billingKey, ct) is { } earlier)
        {
            return (earlier, true);
        }
        var method = await PaymentService.DefaultMethodAsync(scope.Db, s.CustomerId, ct);
        if (method is null)
        {
            return Error.Invalid("no_payment_method", "The customer has no payment method on file. Add a card first.");
        }
        var invoice = await InvoiceBuilder.NewAsync(scope, s.CustomerId, s.Id, type, s.Currency, scope.Now, scope.Now,
            billingKey ?? $"{keyPrefix}:{EventRecorder.Iso(scope.Now)}:{Ids.New("k")[2..]}", plan.Name, ct);
        invoice.AddLine(new InvoiceLine { LineType = LineTypes.OneTime, Description = description, Quantity = 1, UnitAmount = amount, Amount = amount });
        InvoiceBuilder.RecordCreated(scope, invoice);
        var outcome = await payments.ChargeInvoiceAsync(scope.Db, scope.Tenant, invoice, $"{invoice.Id}:charge", scope.Now, ct, method);
        return outcome.Succeeded ? (invoice, false) : SubscriptionErrors.PaymentFailed(outcome, null);
    }

    /// <summary>Answer when the commit of a purchase meets the unique billing key: a request with the same Idempotency-Key bought first.</summary>
    public static readonly Error RepeatedKey = Error.Conflict("idempotency_in_progress",
        "A request with this Idempotency-Key is still being processed. Retry after it finishes.");
}

/// <summary>Buys a credit pack.</summary>
public sealed class PurchaseCredits(PurchaseCharges charges)
{
    /// <summary>A credit pack: charged now on a <c>credit_purchase</c> invoice; the credits never expire.</summary>
    public async Task<Result<Purchase>> HandleAsync(BillingScope scope, string subscriptionId, string? creditPackId, CancellationToken ct)
    {
        // Required() also refuses control characters (PostgreSQL cannot compare text holding a NUL).
        if (new Check().Required("creditPackId", creditPackId, 255) is { Failed: true } check)
        {
            return check.ToError();
        }
        return await scope.Db.InTransactionAsync<Purchase>(async () =>
        {
            var (s, plan, error) = await PurchaseCharges.PurchasableAsync(scope, subscriptionId, ct);
            if (error is not null)
            {
                return error;
            }
            if (plan!.ConsumptionModel != ConsumptionModels.Credits)
            {
                return Error.Invalid("credits_not_available", "Credit packs are for plans that use credits.");
            }
            var pack = await scope.Db.CreditPacks.FirstOrDefaultAsync(p => (p.Id == creditPackId) && p.DeletedAt == null && p.IsActive, ct);
            if (pack is null)
            {
                return Error.NotFound("credit_pack", $"No active credit pack with ID '{creditPackId}'.");
            }
            var account = await Consumption.AccountAsync(scope, s!, plan, AccountKinds.Credits, ct);
            if (InputLimits.CheckAccountRoom("creditPackId", account, pack.Credits) is { } full)
            {
                return full;
            }
            var charged = await charges.ChargeAsync(scope, s!, plan, InvoiceTypes.CreditPurchase, pack.Price, $"{pack.Name} ({pack.Credits:N0} credits)", $"credits:{s!.Id}:{pack.Id}", ct);
            if (!charged.IsSuccess)
            {
                return charged.Error;
            }
            var (invoice, repeat) = charged.Value;
            if (!repeat)
            {
                Consumption.Entry(scope, s, account, Buckets.Purchased, pack.Credits, "purchase", invoice.Id);
                EventRecorder.Record(scope.Db, scope.Tenant, new CreditsPurchasedData(s.Id, s.CustomerId, invoice.Id, invoice.Number, pack.Name, pack.Credits),
                    scope.Now, s.Id, s.CustomerId);
            }
            return new Purchase(invoice, pack.Credits, account);
        }, ct, PurchaseCharges.RepeatedKey);
    }
}

/// <summary>Tops up a balance.</summary>
public sealed class TopupBalance(PurchaseCharges charges)
{
    /// <summary>A balance top-up of <paramref name="amount"/> minor units: charged now on a <c>balance_topup</c> invoice.</summary>
    public async Task<Result<Purchase>> HandleAsync(BillingScope scope, string subscriptionId, long? amount, CancellationToken ct, long minimum = PurchaseCharges.DefaultTopupMinimum, long maximum = PurchaseCharges.DefaultTopupMaximum)
    {
        if (amount is null || amount < minimum || amount > maximum)
        {
            return Error.Validation("amount", $"amount must be between {minimum} and {maximum} (minor units of the currency).");
        }
        return await scope.Db.InTransactionAsync<Purchase>(async () =>
        {
            var (s, plan, error) = await PurchaseCharges.PurchasableAsync(scope, subscriptionId, ct);
            if (error is not null)
            {
                return error;
            }
            if (plan!.ConsumptionModel != ConsumptionModels.Balance)
            {
                return Error.Invalid("balance_not_available", "Top-ups are for plans that use a balance.");
            }
            var currency = Currency.Of(s!.Currency);
            var account = await Consumption.AccountAsync(scope, s, plan, AccountKinds.Balance, ct);
            if (InputLimits.CheckAccountRoom("amount", account, Consumption.RateOfMinor(amount.Value, currency)) is { } full)
            {
                return full;
            }
            var charged = await charges.ChargeAsync(scope, s, plan, InvoiceTypes.BalanceTopup, amount.Value, $"Balance top-up {new Money(amount.Value, currency).Format()}",
                $"topup:{s.Id}:{amount.Value}", ct);
            if (!charged.IsSuccess)
            {
                return charged.Error;
            }
            var (invoice, repeat) = charged.Value;
            if (!repeat)
            {
                Consumption.Entry(scope, s, account, Buckets.Purchased, Consumption.RateOfMinor(amount.Value, currency), "topup", invoice.Id);
                EventRecorder.Record(scope.Db, scope.Tenant, new BalanceToppedUpData(s.Id, s.CustomerId, invoice.Id, invoice.Number, Consumption.RateOfMinor(amount.Value, currency), s.Currency),
                    scope.Now, s.Id, s.CustomerId);
            }
            return new Purchase(invoice, amount.Value, account);
        }, ct, PurchaseCharges.RepeatedKey);
    }
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

using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

public sealed record AddonActivation(SubscriptionAddon Activation, Addon Addon, long ProratedCharge, Invoice? Invoice);

/// <summary>
/// An active add-on in an immediate plan change: the period restarts, so its full price is charged for the new period (as the
/// renewal would) and the unused part of the current period, which was paid in advance, is credited.
/// </summary>
public sealed record AddonProration(Addon Addon, Money Charge, Money Credit, int DaysRemaining, int TotalDays)
{
    public Money Net => Charge - Credit;
}

/// <summary>Activates an add-on on a subscription.</summary>
public sealed class ActivateAddon(PaymentService payments)
{
    /// <summary>
    /// The prorated price of an add-on for the rest of the current period. On a free plan the period is the subscription's
    /// monthly cycle (from its anchor), which is also when the add-on renews.
    /// </summary>
    public static (Money Amount, int DaysRemaining, int TotalDays) Proration(Subscription s, Plan? plan, Addon addon, DateTime now) =>
        Domain.Billing.Proration.RestOfPeriod(new Money(PriceOf(s, plan, addon) ?? 0, Currency.Of(s.Currency)), s.CurrentPeriodStart, s.CurrentPeriodEnd, now);

    /// <summary>
    /// The add-on's price per period in the subscription's currency: add-ons are priced in USD and converted at the plan's
    /// rate for the currency (see docs/regional-prices.md); null when the plan has no rate for it.
    /// </summary>
    public static long? PriceOf(Subscription s, Plan? plan, Addon addon) => RegionalPricing.Convert(addon.BasePrice, plan, s.PlanPriceId, s.Currency);

    /// <summary>Whether activating the add-on now charges something: on an active subscription (free or paid plan) with a price.</summary>
    public static bool ChargesNow(Subscription s, Addon addon) => s.Status == SubscriptionStatus.Active && addon.BasePrice > 0;

    /// <summary>The add-ons active on a subscription, oldest first, with their features.</summary>
    public static async Task<List<Addon>> ActiveAsync(BillingScope scope, Subscription s, CancellationToken ct)
    {
        var rows = await (from sa in scope.Db.SubscriptionAddons
                          join a in scope.Db.Addons on sa.AddonId equals a.Id
                          join f in scope.Db.Features on a.FeatureId equals f.Id
                          where sa.SubscriptionId == s.Id && sa.Status == "active"
                          orderby sa.ActivatedAt
                          select new { Addon = a, Feature = f }).AsNoTracking().ToListAsync(ct);
        foreach (var r in rows)
        {
            r.Addon.Feature = r.Feature;
        }
        return rows.Select(r => r.Addon).ToList();
    }

    /// <summary>Whether a free subscription has a paid add-on to renew at its monthly boundary.</summary>
    public static async Task<bool> RenewsPaidAddonsAsync(BillingScope scope, Subscription s, CancellationToken ct) =>
        !scope.NoAddons && scope.Batch?.MayHaveAddons(s.Id) != false
        && await (from sa in scope.Db.SubscriptionAddons
                  join a in scope.Db.Addons on sa.AddonId equals a.Id
                  where sa.SubscriptionId == s.Id && sa.Status == "active" && a.BasePrice > 0
                  select sa.Id).AnyAsync(ct);

    /// <summary>The active add-ons of a subscription in an immediate plan change at <paramref name="now"/> (the period restarts then).</summary>
    public static async Task<IReadOnlyList<AddonProration>> ForPlanChangeAsync(BillingScope scope, Subscription s, DateTime now, CancellationToken ct)
    {
        var addons = await ActiveAsync(scope, s, ct);
        var currency = Currency.Of(s.Currency);
        var plan = await scope.PlanAsync(s.PlanId, ct);
        return addons.Where(a => a.BasePrice > 0).Select(a =>
        {
            var (unused, remaining, total) = Proration(s, plan, a, now);
            return new AddonProration(a, new Money(PriceOf(s, plan, a) ?? 0, currency), unused, remaining, total);
        }).ToList();
    }

    /// <summary>Activates an add-on with a prorated charge now (invoice <c>addon_activation</c>); its full price renews with the plan.</summary>
    public async Task<Result<AddonActivation>> HandleAsync(BillingScope scope, string id, string? addonId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(addonId))
        {
            return Error.Validation("addonId", "addonId is required.");
        }
        return await scope.Db.InTransactionAsync<AddonActivation>(async () =>
        {
            var s = await scope.Db.LockSubscriptionAsync(id, ct);
            if (s is null)
            {
                return SubscriptionErrors.NotFound(id);
            }
            if (s.Status is not (SubscriptionStatus.Active or SubscriptionStatus.Trialing))
            {
                return s.Status == SubscriptionStatus.PastDue
                    ? Error.Invalid("subscription_not_active", "Purchases are paused while a payment is overdue. Pay the outstanding invoice first.")
                    : Error.Invalid("subscription_not_active", "Add-ons can be added to active or trialing subscriptions only.");
            }
            var addon = await PlanGraph.FindAddonAsync(scope.Db, addonId, ct);
            if (addon is null)
            {
                return Error.NotFound("addon", $"No add-on with ID or slug '{addonId}'.");
            }
            var plan = await scope.PlanAsync(s.PlanId, ct);
            if (addon.ConsumptionModel != "boolean" && addon.ConsumptionModel != (plan?.ConsumptionModel ?? "metered"))
            {
                return Error.Invalid("addon_incompatible", $"This add-on is for {addon.ConsumptionModel} plans; the subscription's plan is {plan?.ConsumptionModel}.");
            }
            if (await scope.Db.SubscriptionAddons.AnyAsync(a => a.SubscriptionId == s.Id && a.AddonId == addon.Id && a.Status == "active", ct))
            {
                return Error.Conflict("addon_already_active", "This add-on is already active on the subscription.");
            }
            if (addon.BasePrice > 0 && PriceOf(s, plan, addon) is null)
            {
                return SubscriptionErrors.MissingRegionalPrice(
                    $"This add-on is priced in USD and the plan has no {s.Currency} exchange rate to convert it; set one with PUT /plans/{{id}}/regional.");
            }
            var now = scope.Now;
            Invoice? invoice = null;
            long charged = 0;
            // A paid add-on is charged pro rata on every active plan, free ones included (their period is the monthly
            // cycle); during a trial nothing is charged until the trial ends, when the add-on is on the first invoice.
            if (ChargesNow(s, addon))
            {
                var (amount, remaining, total) = Proration(s, plan, addon, now);
                charged = amount.MinorUnits;
                var method = await PaymentService.DefaultMethodAsync(scope.Db, s.CustomerId, ct);
                if (method is null)
                {
                    return Error.Invalid("no_payment_method", "The customer has no payment method on file. Add one before buying a paid add-on.");
                }
                invoice = await InvoiceBuilder.NewAsync(scope, s.CustomerId, s.Id, InvoiceTypes.AddonActivation, s.Currency, now, s.CurrentPeriodEnd,
                    $"addon:{s.Id}:{addon.Id}:{EventRecorder.Iso(now)}", plan?.Name, ct);
                invoice.AddLine(new InvoiceLine
                {
                    LineType = LineTypes.AddonBase,
                    FeatureName = addon.Feature?.Name,
                    Description = $"{addon.Name} ({remaining} of {total} days)",
                    Quantity = 1,
                    UnitAmount = charged,
                    Amount = charged,
                    ChargeType = "advance",
                });
                // The discount in force this period covers the add-on's share of it too (no period is counted).
                SubscriptionDiscounts.ApplyMidPeriod(s, invoice);
                InvoiceBuilder.RecordCreated(scope, invoice);
                var outcome = await payments.ChargeInvoiceAsync(scope.Db, scope.Tenant, invoice, $"{invoice.Id}:charge", now, ct, method);
                if (!outcome.Succeeded)
                {
                    return SubscriptionErrors.PaymentFailed(outcome, null);
                }
            }
            var activation = new SubscriptionAddon { Id = Ids.New("sad"), SubscriptionId = s.Id, AddonId = addon.Id, ActivatedAt = now };
            scope.Db.SubscriptionAddons.Add(activation);
            EventRecorder.Record(scope.Db, scope.Tenant, await AddonActivatedData.ForAsync(scope.Db, s, addon, charged, ct), now, s.Id, s.CustomerId);
            return new AddonActivation(activation, addon, charged, invoice);
        }, ct);
    }
}

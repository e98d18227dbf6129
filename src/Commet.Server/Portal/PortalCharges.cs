using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Payments;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Portal;

/// <summary>What an intent is and what it costs right now, in words a customer reads before confirming.</summary>
public sealed record ChargePreview(string What, string Detail, long AmountNow, string Currency);

public static class PortalCharges
{
    /// <summary>Null when the intent names something that does not exist (or is not offered to this customer).</summary>
    public static async Task<ChargePreview?> PreviewAsync(PortalContext p, PendingPurchase intent, CancellationToken ct)
    {
        var s = p.Subscription;
        var currency = s?.Currency ?? p.Branding.Currency;
        switch (intent.Action)
        {
            case PendingPurchase.CreditPack:
                var pack = await p.Db.CreditPacks.AsNoTracking().FirstOrDefaultAsync(c => c.Id == intent.Id && c.IsActive && c.DeletedAt == null, ct);
                if (pack is null)
                {
                    return null;
                }
                // Packs are priced in USD and charged in the subscription's currency at its plan's rate (PurchaseCredits).
                var packPrice = s is null ? pack.Price : RegionalPricing.Convert(pack.Price, await p.PlanAsync(ct), s.PlanPriceId, s.Currency);
                return packPrice is null ? null
                    : new ChargePreview($"{pack.Name}", T["Charge.PackDetail", ("count", pack.Credits)], packPrice.Value, s?.Currency ?? pack.Currency);

            case PendingPurchase.Topup when intent.Amount is { } amount:
                return new ChargePreview(T["Charge.Topup"], T["Charge.TopupDetail", ("amount", PortalFormat.Money(amount, currency))], amount, currency);

            case PendingPurchase.Addon when s is not null:
                var addon = await Catalog.PlanGraph.FindAddonAsync(p.Db, intent.Id ?? "", ct);
                if (addon is null || addon.Id != intent.Id)
                {
                    return null;
                }
                // The same rule and numbers as the activation itself (ActivateAddon): a paid add-on is charged pro rata on
                // every active plan; on a free plan its period is the monthly cycle of the subscription.
                var every = PortalFormat.Per(s.IsFree ? "monthly" : s.BillingInterval);
                var addonPlan = await p.PlanAsync(ct);
                var addonPrice = ActivateAddon.PriceOf(s, addonPlan, addon) ?? 0;
                if (ActivateAddon.ChargesNow(s, addon))
                {
                    var (prorated, remaining, total) = ActivateAddon.Proration(s, addonPlan, addon, p.Now);
                    return new ChargePreview(addon.Name,
                        T[s.IsFree ? "Charge.AddonNowFree" : "Charge.AddonNow", ("now", PortalFormat.Money(prorated.MinorUnits, s.Currency)), ("remaining", remaining), ("total", total),
                            ("price", PortalFormat.Money(addonPrice, s.Currency)), ("per", every)],
                        prorated.MinorUnits, s.Currency);
                }
                return new ChargePreview(addon.Name,
                    addon.BasePrice == 0 ? T["Charge.AddonNoCharge"] : T["Charge.AddonTrial", ("price", PortalFormat.Money(addonPrice, s.Currency)), ("per", every)],
                    0, s.Currency);

            case PendingPurchase.Reactivate when s is not null:
                var plan = await p.PlanAsync(ct);
                if (plan is null)
                {
                    return null;
                }
                var price = plan.IsFree ? null : Catalog.PlanGraph.PriceFor(plan, s.BillingInterval)?.In(s.Currency);
                var reactivateOff = price is null ? 0 : await PromoOffAsync(p, intent.PromoCode, s.Currency, plan.Id, price, ct);
                return new ChargePreview(T["Charge.Reactivate", ("plan", plan.Name)],
                    price is null ? T["Charge.ReactivateFree"] : T["Charge.ReactivatePaid", ("price", PortalFormat.Money(price.Price, s.Currency)), ("per", PortalFormat.Per(price.BillingInterval))],
                    (price?.Price ?? 0) - reactivateOff, s.Currency);

            case PendingPurchase.Start:
                var start = await Catalog.PlanGraph.FindAsync(p.Db, intent.Id ?? "", ct);
                if (start is null || !start.IsPublic || start.Id != intent.Id)
                {
                    return null;
                }
                if (start.IsFree)
                {
                    return new ChargePreview(start.Name, T["Charge.StartFree"], 0, currency);
                }
                var startPrice = Catalog.PlanGraph.PriceFor(start, string.IsNullOrEmpty(intent.Interval) ? null : intent.Interval);
                if (startPrice is null)
                {
                    return null;
                }
                // Shown in the currency the checkout will fix (CreateSubscription): the billing country's, when the price is sold in it.
                currency = RegionalPricing.CheckoutCurrency(startPrice, p.Customer.Address?.Country);
                startPrice = startPrice.In(currency)!;
                return startPrice.TrialDays > 0
                    ? new ChargePreview(start.Name, T["Charge.StartTrial", ("days", startPrice.TrialDays), ("price", PortalFormat.Money(startPrice.Price, currency)), ("per", PortalFormat.Per(startPrice.BillingInterval))], 0, currency)
                    : new ChargePreview(start.Name, T["Charge.StartPaid", ("price", PortalFormat.Money(startPrice.Price, currency)), ("per", PortalFormat.Per(startPrice.BillingInterval))],
                        startPrice.Price - await PromoOffAsync(p, intent.PromoCode, currency, start.Id, startPrice, ct), currency);

            default:
                return null;
        }
    }

    /// <summary>
    /// A promo code for a subscription being started or restarted on <paramref name="planId"/> at <paramref name="price"/>:
    /// the checks its redemption makes (nothing is redeemed), and what it takes off the first invoice (the plan's price).
    /// </summary>
    public static async Task<Result<(PromoCode Code, long Off)>> QuotePromoAsync(PortalContext p, string code, string currency, string planId, PlanPrice price, CancellationToken ct)
    {
        // A discount in force ends with a canceled subscription; a new one has none: no discount is in force for either.
        var quoted = await Catalog.PromoCodes.QuoteAsync(p.Scope, p.Customer.Id, currency, null, code, planId, price.BillingInterval, ct);
        if (!quoted.IsSuccess)
        {
            return quoted.Error;
        }
        return (quoted.Value, SubscriptionDiscounts.AmountOff(quoted.Value.DiscountType, quoted.Value.DiscountValue, price.Price, currency));
    }

    /// <summary>What an intent's promo code takes off now (0 without one, or when it no longer applies: the use case then refuses it).</summary>
    private static async Task<long> PromoOffAsync(PortalContext p, string? code, string currency, string planId, PlanPrice price, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(code) ? 0
        : await QuotePromoAsync(p, code, currency, planId, price, ct) is { IsSuccess: true } quoted ? quoted.Value.Off : 0;

    private static Localization.Texts T => Localization.Texts.Shared;
}

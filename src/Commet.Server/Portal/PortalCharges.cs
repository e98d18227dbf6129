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
                return pack is null ? null
                    : new ChargePreview($"{pack.Name}", $"{PortalFormat.Quantity(pack.Credits)} credits, added to your account at once. Purchased credits never expire.", pack.Price, pack.Currency);

            case PendingPurchase.Topup when intent.Amount is { } amount:
                return new ChargePreview("Balance top-up", $"{PortalFormat.Money(amount, currency)} added to your balance at once.", amount, currency);

            case PendingPurchase.Addon when s is not null:
                var addon = await Catalog.PlanGraph.FindAddonAsync(p.Db, intent.Id ?? "", ct);
                if (addon is null || addon.Id != intent.Id)
                {
                    return null;
                }
                // The same rule and numbers as the activation itself (ActivateAddon): a paid add-on is charged pro rata on
                // every active plan; on a free plan its period is the monthly cycle of the subscription.
                var every = s.IsFree ? "month" : PortalFormat.Interval(s.BillingInterval);
                if (ActivateAddon.ChargesNow(s, addon))
                {
                    var (prorated, remaining, total) = ActivateAddon.Proration(s, addon, p.Now);
                    return new ChargePreview(addon.Name,
                        $"{PortalFormat.Money(prorated.MinorUnits, s.Currency)} now for the rest of this billing {(s.IsFree ? "month" : "period")} ({remaining} of {total} days), then {PortalFormat.Money(addon.BasePrice, s.Currency)} per {every}{(s.IsFree ? "" : " with your plan")}.",
                        prorated.MinorUnits, s.Currency);
                }
                return new ChargePreview(addon.Name,
                    addon.BasePrice == 0 ? "No charge." : $"Nothing to pay during your trial; then {PortalFormat.Money(addon.BasePrice, s.Currency)} per {every} with your plan.",
                    0, s.Currency);

            case PendingPurchase.Reactivate when s is not null:
                var plan = await p.PlanAsync(ct);
                if (plan is null)
                {
                    return null;
                }
                var price = plan.IsFree ? null : Catalog.PlanGraph.PriceFor(plan, s.BillingInterval);
                return new ChargePreview($"Reactivate {plan.Name}",
                    price is null ? "Your free plan starts again today." : $"A new billing period starts today; then {PortalFormat.Money(price.Price, s.Currency)} every {PortalFormat.Interval(price.BillingInterval)}.",
                    price?.Price ?? 0, s.Currency);

            case PendingPurchase.Start:
                var start = await Catalog.PlanGraph.FindAsync(p.Db, intent.Id ?? "", ct);
                if (start is null || !start.IsPublic || start.Id != intent.Id)
                {
                    return null;
                }
                if (start.IsFree)
                {
                    return new ChargePreview(start.Name, "Free. Nothing is charged.", 0, currency);
                }
                var startPrice = Catalog.PlanGraph.PriceFor(start, string.IsNullOrEmpty(intent.Interval) ? null : intent.Interval);
                if (startPrice is null)
                {
                    return null;
                }
                return startPrice.TrialDays > 0
                    ? new ChargePreview(start.Name, $"{startPrice.TrialDays}-day free trial, then {PortalFormat.Money(startPrice.Price, currency)} per {PortalFormat.Interval(startPrice.BillingInterval)}. Nothing is charged today.", 0, currency)
                    : new ChargePreview(start.Name, $"{PortalFormat.Money(startPrice.Price, currency)} per {PortalFormat.Interval(startPrice.BillingInterval)}, starting today.", startPrice.Price, currency);

            default:
                return null;
        }
    }
}

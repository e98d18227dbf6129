using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Catalog;
using Commet.Server.Payments;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Portal;

/// <summary>
/// Reactivate a canceled subscription: a new period starting today at today's price, after a confirmation. A promo code
/// can be applied to a paid plan: the discount is shown before paying (the same checks as at creation, nothing redeemed
/// until the reactivation) and comes off the reactivation invoice.
/// </summary>
public sealed class ReactivateModel(PortalActions actions) : PortalPageModel
{
    public override PortalSection Section => PortalSection.Overview;

    public Plan? Plan { get; private set; }

    public PlanPrice? Price { get; private set; }

    /// <summary>The promo code the customer entered and that applies; null: none.</summary>
    public string? Promo { get; private set; }

    /// <summary>Why the code entered does not apply (shown under the field).</summary>
    public string? PromoProblem { get; private set; }

    /// <summary>What the code takes off the reactivation invoice (minor units), or null without a code.</summary>
    public long? Discount { get; private set; }

    /// <summary>What is charged today: the price, less the discount.</summary>
    public long AmountNow => (Price?.Price ?? 0) - (Discount ?? 0);

    public async Task<IActionResult> OnGetAsync(string? promo)
    {
        if (await LoadAsync(promo) is { } stop)
        {
            return stop;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? subscriptionId, string? promo)
    {
        if (!Portal.OwnsSubscription(subscriptionId))
        {
            return NotFound();
        }
        return await ChargeOnceAsync(() => LoadAsync(promo, confirming: true), async () =>
        {
            // A card is asked for whenever the plan costs something, even when a code takes the invoice to zero.
            var outcome = await actions.PurchaseAsync(Portal, new PendingPurchase(PendingPurchase.Reactivate, PromoCode: Promo), Price?.Price ?? 0, Ct);
            if (outcome.CardStep is { } step)
            {
                return PortalFormOutcome.To($"/portal/card/{step}");
            }
            return outcome.Error is { } error
                ? PortalFormOutcome.Failed(PortalMessages.For(error))
                : PortalFormOutcome.To(DonePath("/portal", outcome.Notice!));
        });
    }

    private async Task<IActionResult?> LoadAsync(string? promo, bool confirming = false)
    {
        var s = Portal.Subscription;
        if (s is null || s.Status != SubscriptionStatus.Canceled)
        {
            return Redirect("/portal");
        }
        Promo = string.IsNullOrWhiteSpace(promo) ? null : promo.Trim();
        Plan = await Portal.PlanAsync(Ct);
        if (Plan is null || Plan.DeletedAt is not null)
        {
            Problem = PortalMessages.For("plan_unavailable");
            Promo = null;
            return null;
        }
        // In the subscription's currency (fixed at its checkout); a detached copy, never saved.
        Price = Plan.IsFree ? null : Catalog.PlanGraph.PriceFor(Plan, s.BillingInterval)?.In(s.Currency);
        if (Promo is null)
        {
            return null;
        }
        if (Price is null)
        {
            Promo = null;
            return null;
        }
        // The checks ReactivateSubscription makes when it redeems the code, without redeeming it. The old discount ended
        // with the cancellation, so none is in force for the restart.
        var quoted = await PortalCharges.QuotePromoAsync(Portal, Promo, s.Currency, Plan.Id, Price, Ct);
        if (!quoted.IsSuccess)
        {
            PromoProblem = PortalMessages.For(quoted.Error);
            Promo = null;
            if (confirming)
            {
                // The code shown no longer applies (used up, expired meanwhile): charge nothing the customer did not see.
                Problem = PromoProblem;
            }
            return null;
        }
        Promo = quoted.Value.Code.Code;
        Discount = quoted.Value.Off;
        return null;
    }
}

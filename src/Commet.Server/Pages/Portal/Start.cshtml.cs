using Commet.Server.Catalog;
using Commet.Server.Payments;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Portal;

/// <summary>
/// Start a subscription when there is no live one: the plan, what it costs, then confirmation (a card first if one is
/// needed). A promo code can be applied to a paid plan: the discount is shown before paying (the same checks as the API's
/// <c>promoCode</c> at creation, nothing redeemed until the subscription is made) and the subscription is created with it.
/// </summary>
public sealed class StartModel(PortalActions actions) : PortalPageModel
{
    public override PortalSection Section => PortalSection.Overview;

    public ChargePreview? Preview { get; private set; }

    public string Plan { get; private set; } = "";

    public string? Interval { get; private set; }

    /// <summary>Whether a promo code can be applied (a paid plan).</summary>
    public bool PromoOffered { get; private set; }

    /// <summary>The promo code the customer entered and that applies; null: none.</summary>
    public string? Promo { get; private set; }

    /// <summary>Why the code entered does not apply (shown under the field).</summary>
    public string? PromoProblem { get; private set; }

    /// <summary>What the code takes off the first invoice (minor units), or null without a code.</summary>
    public long? Discount { get; private set; }

    /// <summary>The first invoice before the discount (minor units).</summary>
    public long FullAmount { get; private set; }

    /// <summary>Whether the plan starts with a trial (the discount then starts with the first paid invoice).</summary>
    public bool Trial { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? plan, string? interval, string? promo) => await LoadAsync(plan, interval, promo) ?? Page();

    public async Task<IActionResult> OnPostAsync(string? plan, string? interval, string? promo) =>
        await ChargeOnceAsync(() => LoadAsync(plan, interval, promo, confirming: true), async () =>
        {
            // A card is asked for whenever the plan costs something, even when a code takes the first invoice to zero.
            var outcome = await actions.PurchaseAsync(Portal, Intent, FullAmount, Ct);
            if (outcome.CardStep is { } step)
            {
                return PortalFormOutcome.To($"/portal/card/{step}");
            }
            return outcome.Error is { } error
                ? PortalFormOutcome.Failed(PortalMessages.For(error))
                : PortalFormOutcome.To(DonePath("/portal", outcome.Notice!));
        });

    private PendingPurchase Intent => new(PendingPurchase.Start, Plan, null, Interval, null, Promo);

    private async Task<IActionResult?> LoadAsync(string? plan, string? interval, string? promo, bool confirming = false)
    {
        if (Portal.HasLiveSubscription)
        {
            return Redirect("/portal");
        }
        Plan = plan ?? "";
        Interval = string.IsNullOrEmpty(interval) ? null : interval;
        Promo = string.IsNullOrWhiteSpace(promo) ? null : promo.Trim();
        // Only the public plans offered on the overview can be started here.
        var offered = (await PlanChoices.PublicPlansAsync(Portal, Ct)).SelectMany(section => section.Plans);
        if (!offered.Any(c => c.Plan.Id == Plan && (c.IsFree || c.Plan.Prices.Any(pr => pr.BillingInterval == (Interval ?? c.Interval)))))
        {
            return NotFound();
        }
        // The price before any code; the code's discount is worked out below (and by PortalCharges for the card step).
        Preview = await PortalCharges.PreviewAsync(Portal, Intent with { PromoCode = null }, Ct);
        if (Preview is null)
        {
            return NotFound();
        }
        FullAmount = Preview.AmountNow;
        var target = await PlanGraph.FindAsync(Portal.Db, Plan, Ct);
        var price = target is null || target.IsFree ? null : PlanGraph.PriceFor(target, Interval);
        PromoOffered = price is not null;
        Trial = price is { TrialDays: > 0 };
        if (Promo is null)
        {
            return null;
        }
        if (price is null)
        {
            Promo = null;
            return null;
        }
        // The checks CreateSubscription makes when it redeems the code, without redeeming it.
        var quoted = await PortalCharges.QuotePromoAsync(Portal, Promo, Preview.Currency, target!.Id, price, Ct);
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
        if (!Trial)
        {
            // The first invoice is the plan's price for the first period; the discount comes off it (never below zero).
            Discount = quoted.Value.Off;
            Preview = Preview with { AmountNow = FullAmount - Discount.Value };
        }
        return null;
    }
}

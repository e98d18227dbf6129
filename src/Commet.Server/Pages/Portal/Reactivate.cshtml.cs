using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Payments;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Portal;

/// <summary>Reactivate a canceled subscription: a new period starting today at today's price, after a confirmation.</summary>
public sealed class ReactivateModel(PortalActions actions) : PortalPageModel
{
    public override PortalSection Section => PortalSection.Overview;

    public Plan? Plan { get; private set; }

    public PlanPrice? Price { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await LoadAsync() is { } stop)
        {
            return stop;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? subscriptionId)
    {
        if (!Portal.OwnsSubscription(subscriptionId))
        {
            return NotFound();
        }
        return await ChargeOnceAsync(LoadAsync, async () =>
        {
            var outcome = await actions.PurchaseAsync(Portal, new PendingPurchase(PendingPurchase.Reactivate), Price?.Price ?? 0, Ct);
            if (outcome.CardStep is { } step)
            {
                return PortalFormOutcome.To($"/portal/card/{step}");
            }
            return outcome.Error is { } error
                ? PortalFormOutcome.Failed(PortalMessages.For(error))
                : PortalFormOutcome.To(DonePath("/portal", outcome.Notice!));
        });
    }

    private async Task<IActionResult?> LoadAsync()
    {
        var s = Portal.Subscription;
        if (s is null || s.Status != SubscriptionStatus.Canceled)
        {
            return Redirect("/portal");
        }
        Plan = await Portal.PlanAsync(Ct);
        if (Plan is null || Plan.DeletedAt is not null)
        {
            Problem = PortalMessages.For("plan_unavailable");
            return null;
        }
        // In the subscription's currency (fixed at its checkout); a detached copy, never saved.
        Price = Plan.IsFree ? null : Catalog.PlanGraph.PriceFor(Plan, s.BillingInterval)?.In(s.Currency);
        return null;
    }
}

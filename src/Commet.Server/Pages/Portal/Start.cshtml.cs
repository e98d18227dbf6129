using Commet.Server.Payments;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Portal;

/// <summary>Start a subscription when there is no live one: the plan, what it costs, then confirmation (a card first if one is needed).</summary>
public sealed class StartModel(PortalActions actions) : PortalPageModel
{
    public override PortalSection Section => PortalSection.Overview;

    public ChargePreview? Preview { get; private set; }

    public string Plan { get; private set; } = "";

    public string? Interval { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? plan, string? interval) => await LoadAsync(plan, interval) ?? Page();

    public async Task<IActionResult> OnPostAsync(string? plan, string? interval) =>
        await ChargeOnceAsync(() => LoadAsync(plan, interval), async () =>
        {
            var outcome = await actions.PurchaseAsync(Portal, Intent, Preview!.AmountNow, Ct);
            if (outcome.CardStep is { } step)
            {
                return PortalFormOutcome.To($"/portal/card/{step}");
            }
            return outcome.Error is { } error
                ? PortalFormOutcome.Failed(PortalMessages.For(error))
                : PortalFormOutcome.To(DonePath("/portal", outcome.Notice!));
        });

    private PendingPurchase Intent => new(PendingPurchase.Start, Plan, null, Interval);

    private async Task<IActionResult?> LoadAsync(string? plan, string? interval)
    {
        if (Portal.HasLiveSubscription)
        {
            return Redirect("/portal");
        }
        Plan = plan ?? "";
        Interval = string.IsNullOrEmpty(interval) ? null : interval;
        // Only the public plans offered on the overview can be started here.
        var offered = (await PlanChoices.PublicPlansAsync(Portal, Ct)).SelectMany(section => section.Plans);
        if (!offered.Any(c => c.Plan.Id == Plan && (c.IsFree || c.Plan.Prices.Any(pr => pr.BillingInterval == (Interval ?? c.Interval)))))
        {
            return NotFound();
        }
        Preview = await PortalCharges.PreviewAsync(Portal, Intent, Ct);
        return Preview is null ? NotFound() : null;
    }
}

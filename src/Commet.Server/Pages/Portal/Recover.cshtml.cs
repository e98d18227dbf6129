using Commet.Domain.Billing;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Portal;

/// <summary>Pay an overdue invoice of a past_due subscription with the card on file or a new one (3 attempts a day).</summary>
public sealed class RecoverModel(PortalActions actions) : PortalPageModel
{
    public override PortalSection Section => PortalSection.Overview;

    public Invoice? Overdue { get; private set; }

    public PaymentMethod? Card { get; private set; }

    public int AttemptsLeft { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ?? Page();

    public async Task<IActionResult> OnPostAsync(string? subscriptionId)
    {
        if (!Portal.OwnsSubscription(subscriptionId))
        {
            return NotFound();
        }
        return await ChargeOnceAsync(LoadAsync, async () =>
        {
            var outcome = await actions.RetryOverdueAsync(Portal, Ct);
            return outcome.Error is { } error
                ? PortalFormOutcome.Failed(PortalMessages.For(error))
                : PortalFormOutcome.To(DonePath("/portal", "recovered"));
        }, async _ => AttemptsLeft = await PortalActions.RecoveryAttemptsLeftAsync(Portal, Ct));
    }

    private async Task<IActionResult?> LoadAsync()
    {
        var s = Portal.Subscription;
        if (s is null || s.Status != SubscriptionStatus.PastDue)
        {
            return Redirect("/portal");
        }
        Overdue = s.OutstandingInvoiceId is null ? null
            : await Portal.Db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == s.OutstandingInvoiceId, Ct);
        Card = await Portal.CardAsync(Ct);
        AttemptsLeft = await PortalActions.RecoveryAttemptsLeftAsync(Portal, Ct);
        return null;
    }
}

using System.Globalization;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Payments;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Commet.Server.Usage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Portal;

/// <summary>
/// Confirmation before any charge: what is bought and what it costs now (the prorated price for an add-on); then the
/// purchase with the same operation as the API, or a card first when none is on file. Also removing an add-on.
/// </summary>
public sealed class PurchaseConfirmModel(PortalActions actions, DeactivateAddon deactivate) : PortalPageModel
{
    public override PortalSection Section => PortalSection.Purchases;

    public string Kind { get; private set; } = "";

    public string? Id { get; private set; }

    public long? Amount { get; private set; }

    public string AmountText { get; private set; } = "";

    public string? AmountError { get; private set; }

    public ChargePreview? Preview { get; private set; }

    public Addon? Removing { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? kind, string? id, string? amount) => await LoadAsync(kind, id, amount) ?? Page();

    public async Task<IActionResult> OnPostAsync(string? subscriptionId, string? kind, string? id, string? amount, long? expected)
    {
        if (!Portal.OwnsSubscription(subscriptionId))
        {
            return NotFound();
        }
        if (kind == "remove")
        {
            // Removing charges nothing (and a repeat finds it removed): no one-time token needed.
            if (await LoadAsync(kind, id, amount) is { } stop)
            {
                return stop;
            }
            var removed = await deactivate.HandleAsync(Portal.Scope, subscriptionId!, Removing!.Id, Ct);
            if (!removed.IsSuccess)
            {
                Problem = PortalMessages.For(removed.Error);
                return Page();
            }
            return Done("/portal/purchases", "addon_off");
        }
        return await ChargeOnceAsync(
            async () => await LoadAsync(kind, id, amount) ?? (AmountError is not null ? Page() : null),
            async () =>
            {
                if (Preview!.AmountNow != expected)
                {
                    return PortalFormOutcome.Failed(Localization.Texts.Shared["Confirm.PriceChanged"]);
                }
                var outcome = await actions.PurchaseAsync(Portal, Intent, Preview.AmountNow, Ct);
                if (outcome.CardStep is { } step)
                {
                    return PortalFormOutcome.To($"/portal/card/{step}");
                }
                if (outcome.Error is { } error)
                {
                    return PortalFormOutcome.Failed(PortalMessages.For(error));
                }
                return PortalFormOutcome.To(DonePath("/portal/purchases", outcome.Notice!) + await PurchaseNotices.DetailAsync(Portal, Intent, Ct));
            });
    }

    private PendingPurchase Intent => new(Kind, Id, Amount);

    private async Task<IActionResult?> LoadAsync(string? kind, string? id, string? amount)
    {
        var s = Portal.Subscription;
        if (s is null || !Portal.HasLiveSubscription || s.Status == SubscriptionStatus.PendingPayment)
        {
            return Redirect("/portal");
        }
        if (s.Status == SubscriptionStatus.PastDue)
        {
            return Redirect("/portal/purchases");
        }
        Kind = kind ?? "";
        Id = id;
        switch (Kind)
        {
            case "remove":
                Removing = await Catalog.PlanGraph.FindAddonAsync(Portal.Db, id ?? "", Ct);
                return Removing is null || Removing.Id != id ? NotFound() : null;
            case PendingPurchase.Topup:
                var b = Portal.Branding;
                AmountText = amount ?? "";
                Amount = ParseAmount(amount, s.Currency);
                if (Amount is null)
                {
                    AmountError = Localization.Texts.Shared["Confirm.AmountEmpty"];
                }
                else if (Amount < b.TopupMinimum || Amount > b.TopupMaximum)
                {
                    AmountError = Localization.Texts.Shared["Confirm.AmountRange", ("min", Portal.Money(b.TopupMinimum)), ("max", Portal.Money(b.TopupMaximum))];
                }
                if (AmountError is not null)
                {
                    return null;
                }
                break;
            case PendingPurchase.CreditPack:
            case PendingPurchase.Addon:
                break;
            default:
                return NotFound();
        }
        Preview = await PortalCharges.PreviewAsync(Portal, Intent, Ct);
        return Preview is null ? NotFound() : null;
    }

    /// <summary>"25", "25.5", "25.50" (or "1,000.00") in major units → minor units; null when it is not a plain amount.</summary>
    public static long? ParseAmount(string? text, string currency)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 20)
        {
            return null;
        }
        var cleaned = text.Trim().Replace(",", "", StringComparison.Ordinal);
        if (!decimal.TryParse(cleaned, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var major) || major <= 0)
        {
            return null;
        }
        var digits = Currency.IsKnown(currency) ? Currency.Of(currency).Digits : 2;
        var minor = major * (decimal)Math.Pow(10, digits);
        return minor == decimal.Truncate(minor) && minor <= long.MaxValue ? (long)minor : null;
    }
}

using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Portal;

/// <summary>Credit packs (credits plans), balance top-ups (balance plans) and add-ons; purchases are paused while past_due.</summary>
public sealed class PurchasesModel : PortalPageModel
{
    public override PortalSection Section => PortalSection.Purchases;

    public Plan? Plan { get; private set; }

    public IReadOnlyList<CreditPack> Packs { get; private set; } = [];

    public IReadOnlyList<Addon> Available { get; private set; } = [];

    public IReadOnlyList<Addon> Active { get; private set; } = [];

    public string? Blocked { get; private set; }

    public bool Credits => Plan?.ConsumptionModel == ConsumptionModels.Credits;

    public bool Balance => Plan?.ConsumptionModel == ConsumptionModels.Balance;

    /// <summary>The balance as it stands, shown above the top-up form.</summary>
    public PortalBalance? BalanceNow { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var s = Portal.Subscription;
        if (s is null || !Portal.HasLiveSubscription)
        {
            return Redirect("/portal");
        }
        if (s.Status == SubscriptionStatus.PastDue)
        {
            Blocked = Localization.Texts.Shared["Purchases.Blocked.PastDue"];
            return Page();
        }
        if (s.Status == SubscriptionStatus.PendingPayment)
        {
            Blocked = Localization.Texts.Shared["Purchases.Blocked.Pending"];
            return Page();
        }
        Plan = await Portal.PlanAsync(Ct);
        var db = Portal.Db;
        if (Credits)
        {
            Packs = await db.CreditPacks.AsNoTracking().Where(c => c.IsActive && c.DeletedAt == null).OrderBy(c => c.Price).ThenBy(c => c.Id).ToListAsync(Ct);
        }
        if (Balance)
        {
            BalanceNow = await PortalBalance.ReadAsync(Portal, Plan, Ct);
        }
        var model = Plan?.ConsumptionModel ?? ConsumptionModels.Metered;
        var addons = await db.Addons.AsNoTracking().Include(a => a.Feature)
            .Where(a => a.DeletedAt == null && (a.ConsumptionModel == "boolean" || a.ConsumptionModel == model))
            .OrderBy(a => a.Name).ToListAsync(Ct);
        var activeIds = await db.SubscriptionAddons.AsNoTracking().Where(a => a.SubscriptionId == s.Id && a.Status == "active").Select(a => a.AddonId).ToListAsync(Ct);
        // Packs and add-ons are priced in USD and charged in the subscription's currency at its plan's rate: shown as charged.
        // (Read without tracking: these copies are for display and are never saved.)
        foreach (var pack in Packs)
        {
            if (RegionalPricing.Convert(pack.Price, Plan, s.PlanPriceId, s.Currency) is { } local)
            {
                (pack.Price, pack.Currency) = (local, s.Currency);
            }
        }
        foreach (var addon in addons)
        {
            addon.BasePrice = RegionalPricing.Convert(addon.BasePrice, Plan, s.PlanPriceId, s.Currency) ?? addon.BasePrice;
        }
        Active = addons.Where(a => activeIds.Contains(a.Id)).ToList();
        Available = addons.Where(a => !activeIds.Contains(a.Id)).ToList();
        return Page();
    }
}

using Commet.Domain;
using Commet.Domain.Usage;
using Commet.Server.Payments;
using Commet.Server.Usage;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Portal;

/// <summary>
/// The numbers a purchase's notice says ("500 credits added — 1,700 left", "$25.50 added — $30.50 left"), read after
/// the purchase committed, as the query-string tail of the redirect to the purchases page. The same for a purchase made
/// on the confirm page and one carried out by a card step.
/// </summary>
public static class PurchaseNotices
{
    /// <summary>"&amp;n=…&amp;left=…" for a credit pack or a top-up; empty for anything else or when the numbers cannot be read.</summary>
    public static async Task<string> DetailAsync(PortalContext portal, PendingPurchase? purchase, CancellationToken ct) => purchase?.Action switch
    {
        PendingPurchase.CreditPack when purchase.Id is { } pack => await CreditsAddedAsync(portal, pack, ct),
        PendingPurchase.Topup when purchase.Amount is { } amount => await ToppedUpAsync(portal, amount, ct),
        _ => "",
    };

    /// <summary>The pack's credits and the credits left now (plan and purchased, as the usage page counts them).</summary>
    private static async Task<string> CreditsAddedAsync(PortalContext portal, string packId, CancellationToken ct)
    {
        var credits = await portal.Db.CreditPacks.AsNoTracking().Where(c => c.Id == packId).Select(c => (long?)c.Credits).FirstOrDefaultAsync(ct);
        var plan = await portal.PlanAsync(ct);
        if (credits is null || plan is null || portal.Subscription is not { } s)
        {
            return "";
        }
        var account = await CheckUsage.ReadAccountAsync(portal.Scope, s, plan, AccountKinds.Credits, ct);
        return FormattableString.Invariant($"&n={credits}&left={account.Total}");
    }

    /// <summary>The amount paid and the balance now, in minor units (rounded as the overview rounds it); empty when the balance is still overdrawn.</summary>
    private static async Task<string> ToppedUpAsync(PortalContext portal, long added, CancellationToken ct)
    {
        var balance = await PortalBalance.ReadAsync(portal, await portal.PlanAsync(ct), ct);
        if (balance is null || balance.IsOverdrawn || !Currency.IsKnown(balance.Currency))
        {
            return "";
        }
        var left = Consumption.MinorOfRate(balance.Remaining, Currency.Of(balance.Currency));
        return FormattableString.Invariant($"&n={added}&left={left}");
    }
}

using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Commet.Server.Subscriptions;

namespace Commet.Server.Usage;

/// <summary>Runs the purchase once the card is on file, with the same operations the API uses.</summary>
public sealed class HostedPurchases(PurchaseCredits purchaseCredits, ActivateAddon activateAddon) : IHostedPurchaseCompleter
{
    /// <summary>Messages are in the page's language (the request's culture).</summary>
    private static Localization.Texts T => Localization.Texts.Shared;

    public async Task<Result<string>?> CompleteAsync(BillingScope scope, string sessionId, PendingPurchase purchase, CancellationToken ct)
    {
        if (purchase.SubscriptionId is not { } subscriptionId)
        {
            return null;
        }
        scope.Db.ChangeTracker.Clear();
        switch (purchase.Action)
        {
            case PendingPurchase.CreditPack:
                var credits = await purchaseCredits.HandleAsync(scope, subscriptionId, purchase.Id, ct);
                return credits.IsSuccess ? T["Hosted.CreditsAdded", ("count", credits.Value.Amount)] : credits.Error;
            case PendingPurchase.Addon:
                var addon = await activateAddon.HandleAsync(scope, subscriptionId, purchase.Id, ct);
                return addon.IsSuccess ? T["Hosted.AddonActive", ("addon", addon.Value.Addon.Name)] : addon.Error;
            default:
                return null;
        }
    }
}

using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Commet.Server.Subscriptions;

namespace Commet.Server.Usage;

/// <summary>Runs the purchase once the card is on file, with the same operations the API uses.</summary>
public sealed class HostedPurchases(PurchaseCredits purchaseCredits, ActivateAddon activateAddon) : IHostedPurchaseCompleter
{
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
                return credits.IsSuccess ? $"Your card was saved and {credits.Value.Amount:N0} credits were added." : credits.Error;
            case PendingPurchase.Addon:
                var addon = await activateAddon.HandleAsync(scope, subscriptionId, purchase.Id, ct);
                return addon.IsSuccess ? $"Your card was saved and {addon.Value.Addon.Name} is now active." : addon.Error;
            default:
                return null;
        }
    }
}

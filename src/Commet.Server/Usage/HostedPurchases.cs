using System.Text.Json;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

/// <summary>What a customer asked to buy before they had a card, kept on the hosted session until they add one.</summary>
public sealed record PendingPurchase(string Kind, string SubscriptionId, string? CreditPackId, long? Amount, string? AddonId)
{
    public const string Credits = "credits";
    public const string Topup = "topup";
    public const string Addon = "addon";

    public string ToJson() => JsonSerializer.Serialize(this, Api.Json);

    public static PendingPurchase? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<PendingPurchase>(json, Api.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Runs the purchase once the card is on file, with the same operations the API uses.</summary>
public sealed class HostedPurchases(PurchaseCredits purchaseCredits, TopupBalance topupBalance, ActivateAddon activateAddon) : IHostedPurchaseCompleter
{
    public async Task<Result<string>?> CompleteAsync(BillingScope scope, string sessionId, string purchaseJson, CancellationToken ct)
    {
        var purchase = PendingPurchase.FromJson(purchaseJson);
        if (purchase is null)
        {
            return null;
        }
        scope.Db.ChangeTracker.Clear();
        switch (purchase.Kind)
        {
            case PendingPurchase.Credits:
                var credits = await purchaseCredits.HandleAsync(scope, purchase.SubscriptionId, purchase.CreditPackId, ct);
                return credits.IsSuccess ? $"Your card was saved and {credits.Value.Amount:N0} credits were added." : credits.Error;
            case PendingPurchase.Topup:
                var topup = await topupBalance.HandleAsync(scope, purchase.SubscriptionId, purchase.Amount, ct);
                if (!topup.IsSuccess)
                {
                    return topup.Error;
                }
                var s = await scope.Db.Subscriptions.AsNoTracking().FirstAsync(x => x.Id == purchase.SubscriptionId, ct);
                return $"Your card was saved and your balance was topped up by {new Money(topup.Value.Amount, Currency.Of(s.Currency)).Format()}.";
            case PendingPurchase.Addon:
                var addon = await activateAddon.HandleAsync(scope, purchase.SubscriptionId, purchase.AddonId, ct);
                return addon.IsSuccess ? $"Your card was saved and {addon.Value.Addon.Name} is now active." : addon.Error;
            default:
                return null;
        }
    }
}

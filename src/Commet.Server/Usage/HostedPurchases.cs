using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

/// <summary>
/// Runs the purchase once the card is on file, with the same operations the API uses. It runs wherever the card step
/// completes — the portal's card form, the return from Stripe Checkout, or Stripe's <c>checkout.session.completed</c>
/// webhook — so a purchase paid on Checkout is carried out even if the customer never comes back.
/// </summary>
public sealed class HostedPurchases(PurchaseCredits purchaseCredits, ActivateAddon activateAddon, TopupBalance topupBalance, ReactivateSubscription reactivate,
    CreateSubscription create, PayPaymentLink payLink) : IHostedPurchaseCompleter
{
    /// <summary>Messages are in the page's language (the request's culture).</summary>
    private static Localization.Texts T => Localization.Texts.Shared;

    public async Task<Result<string>?> CompleteAsync(BillingScope scope, string sessionId, PendingPurchase purchase, CancellationToken ct)
    {
        scope.Db.ChangeTracker.Clear();
        if (purchase.Action == PendingPurchase.PaymentLink)
        {
            return purchase.Id is null ? null : (Result<string>?)await payLink.HandleAsync(scope, sessionId, purchase.Id, ct);
        }
        if (purchase.Action == PendingPurchase.Start)
        {
            var session = await scope.Db.HostedSessions.AsNoTracking().FirstOrDefaultAsync(h => h.Id == sessionId, ct);
            if (session is null)
            {
                return null;
            }
            var created = await create.HandleAsync(scope, new CreateSubscriptionRequest
            {
                CustomerId = session.CustomerId,
                PlanId = purchase.Id,
                BillingInterval = purchase.Interval,
                PromoCode = purchase.PromoCode,
            }, ct);
            if (!created.IsSuccess)
            {
                return created.Error;
            }
            // A declined first charge leaves the subscription waiting for payment; say so plainly.
            return created.Value.Status == SubscriptionStatus.PendingPayment
                ? (Result<string>)Error.Invalid("payment_failed", "The first payment failed.")
                : T["Hosted.Started"];
        }
        if (purchase.SubscriptionId is not { } subscriptionId)
        {
            return null;
        }
        switch (purchase.Action)
        {
            case PendingPurchase.CreditPack:
                var credits = await purchaseCredits.HandleAsync(scope, subscriptionId, purchase.Id, ct);
                return credits.IsSuccess ? T["Hosted.CreditsAdded", ("count", credits.Value.Amount)] : credits.Error;
            case PendingPurchase.Addon:
                var addon = await activateAddon.HandleAsync(scope, subscriptionId, purchase.Id, ct);
                return addon.IsSuccess ? T["Hosted.AddonActive", ("addon", addon.Value.Addon.Name)] : addon.Error;
            case PendingPurchase.Topup:
                // The amount was checked against the portal's minimum and maximum when the purchase was asked for.
                var topup = await topupBalance.HandleAsync(scope, subscriptionId, purchase.Amount, ct, minimum: 1, maximum: long.MaxValue);
                return topup.IsSuccess ? T["Hosted.ToppedUp"] : topup.Error;
            case PendingPurchase.Reactivate:
                var reactivated = await reactivate.HandleAsync(scope, subscriptionId, ct, purchase.PromoCode);
                if (!reactivated.IsSuccess)
                {
                    return reactivated.Error;
                }
                return reactivated.Value.Failure is { } failure
                    ? (Result<string>)SubscriptionErrors.PaymentFailed(failure, null)
                    : T["Hosted.Reactivated"];
            default:
                return null;
        }
    }
}

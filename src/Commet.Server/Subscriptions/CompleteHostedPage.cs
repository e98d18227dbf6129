using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Customers;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

/// <summary>What a hosted page did, for the page to tell the customer.</summary>
public sealed record HostedOutcome(string Message, string? ReturnUrl);

/// <summary>Finishes a hosted payment page: saves the card, then pays, changes plan or recovers as the page was for.</summary>
public sealed class CompleteHostedPage(PaymentService payments, PlanChanges changes, SubscriptionLifecycle lifecycle,
    IHostedPurchaseCompleter purchases)
{
    /// <summary>Messages are in the page's language (the request's culture).</summary>
    private static Localization.Texts T => Localization.Texts.Shared;

    /// <summary>
    /// The customer typed a card on a hosted page. The card is saved as the default; then, depending on the
    /// page: the first invoice of a pending subscription is paid, a plan change waiting for a card is made,
    /// an overdue invoice is paid, or (card update) nothing more unless the subscription is past due, in which
    /// case the outstanding invoice is retried at once with the new card.
    /// </summary>
    /// <remarks><paramref name="collected"/> is a card (and maybe a payment) a provider collected on its own page (Stripe Checkout).</remarks>
    public async Task<Result<HostedOutcome>> HandleAsync(BillingScope scope, string sessionId, CardInput? card, CancellationToken ct,
        CollectedCard? collected = null)
    {
        var paymentId = collected?.Payment?.ProviderChargeId;
        if (collected?.Payment is { Succeeded: true } && paymentId is not null)
        {
            // A payment Checkout took (mode=payment): whatever this page carries out charges it instead of the card. The
            // caller refunds it if nothing took it (StripeCheckout.SettleAsync).
            var session = await scope.Db.HostedSessions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == sessionId, ct);
            // A payment already recorded (refunded as unused by an earlier attempt) is not offered again.
            if (session is not null && !await scope.Db.Transactions.AsNoTracking().AnyAsync(t => t.ProviderReference == paymentId, ct))
            {
                PaymentService.Offer(scope.Db, new PrepaidPayment(session.CustomerId, collected.AmountPaid, collected.Currency, collected.Payment));
            }
        }
        try
        {
            return await CompleteAsync(scope, sessionId, card, paymentId, collected, ct);
        }
        finally
        {
            PaymentService.Withdraw(scope.Db);
        }
    }

    private async Task<Result<HostedOutcome>> CompleteAsync(BillingScope scope, string sessionId, CardInput? card, string? paymentId, CollectedCard? collected,
        CancellationToken ct)
    {
        PendingPurchase? purchase = null;
        var done = await scope.Db.InTransactionAsync<HostedOutcome>(async () =>
        {
            var db = scope.Db;
            // Claim the session first: of two simultaneous submits, one claims it (the other waits for the row and
            // then finds it taken), so a card is never attached twice. The payment it completes with (if any) is kept, so
            // a second payment for the same session is recognised as one too many.
            var claimed = await db.HostedSessions.Where(x => x.Id == sessionId && x.CompletedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.CompletedAt, scope.Now).SetProperty(x => x.CheckoutPaymentId, paymentId), ct);
            var session = claimed == 1 ? await db.HostedSessions.FirstOrDefaultAsync(x => x.Id == sessionId, ct) : null;
            if (session is null)
            {
                return Error.Conflict("hosted_session_completed", "This payment link was already used.");
            }
            purchase = PendingPurchase.FromJson(session.PurchaseJson);
            var customer = await CustomerRules.FindAsync(db, session.CustomerId, ct);
            if (customer is null)
            {
                return CustomerRules.NotFound(session.CustomerId);
            }
            Domain.Billing.PaymentMethod? method;
            if (collected is not null)
            {
                method = await PaymentService.SaveCardAsync(db, scope.Tenant, customer, collected.Card, collected.Provider, scope.Now, session.SubscriptionId, ct);
            }
            else if (card is not null)
            {
                var attached = await payments.AttachCardAsync(db, scope.Tenant, customer, card, scope.Now, session.SubscriptionId, ct);
                if (!attached.IsSuccess)
                {
                    return attached.Error;
                }
                method = attached.Value;
            }
            else
            {
                method = await PaymentService.DefaultMethodAsync(db, customer.Id, ct);
                if (method is null)
                {
                    return Error.Invalid("no_payment_method", "Add a card to continue.");
                }
            }
            var s = session.SubscriptionId is null ? null : await scope.Db.LockSubscriptionAsync(session.SubscriptionId, ct);
            var message = T["Hosted.CardSaved"];

            if (s is not null && session.Kind == HostedKinds.Checkout && session.TargetPlanId is not null)
            {
                var planned = await changes.PlanAsync(scope, s, session.TargetPlanId, session.TargetInterval, ct);
                if (!planned.IsSuccess)
                {
                    return planned.Error;
                }
                var applied = await changes.ApplyNowAsync(scope, s, planned.Value, method, ct);
                if (!applied.IsSuccess)
                {
                    return applied.Error;
                }
                message = T["Hosted.NowOn", ("plan", planned.Value.Target.Name)];
            }
            else if (s is not null && session.Kind == HostedKinds.Checkout && s.Status == SubscriptionStatus.PendingPayment)
            {
                var invoice = await db.Invoices.FirstAsync(i => i.Id == s.OutstandingInvoiceId, ct);
                var outcome = await payments.ChargeInvoiceAsync(db, scope.Tenant, invoice, $"{invoice.Id}:checkout:{session.Id}", scope.Now, ct, method);
                if (!outcome.Succeeded)
                {
                    return SubscriptionErrors.PaymentFailed(outcome, null);
                }
                await lifecycle.ActivateAfterFirstPaymentAsync(scope, s, invoice, ct);
                message = T["Hosted.Active"];
            }
            else if (s is not null && s.Status == SubscriptionStatus.PastDue
                && session.Kind is HostedKinds.Recovery or HostedKinds.PaymentMethod)
            {
                var outcome = await lifecycle.RetryOutstandingAsync(scope, s, $"hosted:{session.Id}", method, ct);
                if (!outcome.Succeeded)
                {
                    if (session.Kind == HostedKinds.Recovery)
                    {
                        return SubscriptionErrors.PaymentFailed(outcome, null);
                    }
                    message = T["Hosted.OverdueFailed"];
                }
                else
                {
                    message = T["Hosted.ActiveAgain"];
                }
            }
            return new HostedOutcome(message, session.ReturnUrl);
        }, ct);
        if (!done.IsSuccess || purchase is not { CompletedByCardStep: true })
        {
            return done;
        }
        // A purchase that waited for a card: the card is saved (committed above, kept for next time); now buy.
        var bought = await purchases.CompleteAsync(scope, sessionId, purchase, ct);
        return bought is null ? done : bought.Value.IsSuccess ? new HostedOutcome(bought.Value.Value, done.Value.ReturnUrl) : bought.Value.Error;
    }
}

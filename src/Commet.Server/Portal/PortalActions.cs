using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Payments;
using Commet.Server.Subscriptions;
using Commet.Server.Usage;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Portal;

/// <summary>How a portal action ended: a notice to show, an error to explain, or a card to ask for first.</summary>
public sealed record PortalOutcome(string? Notice, Error? Error, string? CardStep)
{
    public static PortalOutcome Ok(string notice) => new(notice, null, null);

    public static PortalOutcome Failed(Error error) => new(null, error, null);

    public static PortalOutcome NeedsCard(string hostedSessionId) => new(null, null, hostedSessionId);

    public bool Succeeded => Error is null && CardStep is null;
}

/// <summary>
/// The portal's verbs. Each one calls the same subscription (and consumption) operation as the
/// API, on the portal session's billing scope, so it writes the same invoices, ledger entries and events.
/// </summary>
public sealed class PortalActions(ActivateAddon activateAddon, ReactivateSubscription reactivate, CreateSubscription create, CompleteHostedPage complete, PurchaseCredits purchaseCredits, TopupBalance topupBalance, HostedLinks links)
{
    /// <summary>Hosted-session kind of a portal intent waiting for a card (never handed out as a /pay link).</summary>
    public const string IntentKind = "portal_intent";

    public static readonly Error PurchasesBlocked = Error.Invalid("purchases_blocked", "Purchases are paused while a payment is overdue.");

    public static readonly Error TooManyAttempts = new("too_many_attempts", "Too many payment attempts today.", 429, "rate_limit_error");

    /// <summary>
    /// Carries out an intent now when nothing is due or a card is on file; otherwise parks it and asks for a card.
    /// </summary>
    public async Task<PortalOutcome> PurchaseAsync(PortalContext p, PendingPurchase intent, long amountDue, CancellationToken ct)
    {
        if (amountDue > 0 && await p.CardAsync(ct) is null)
        {
            var session = links.Create(p.Db, p.Scope.Tenant, IntentKind, p.Customer.Id, IntentSubscription(p, intent), null, null, p.Now);
            session.PurchaseJson = (intent with { SubscriptionId = session.SubscriptionId }).ToJson();
            await p.Db.SaveChangesAsync(ct);
            return PortalOutcome.NeedsCard(session.Id);
        }
        return await RunAsync(p, intent, ct);
    }

    /// <summary>Does what an intent asks, with the card on file.</summary>
    public async Task<PortalOutcome> RunAsync(PortalContext p, PendingPurchase intent, CancellationToken ct)
    {
        var s = p.Subscription;
        switch (intent.Action)
        {
            case PendingPurchase.Addon when s is not null:
                var addon = await activateAddon.HandleAsync(p.Scope, s.Id, intent.Id, ct);
                return addon.IsSuccess ? PortalOutcome.Ok("addon_on") : PortalOutcome.Failed(addon.Error);

            case PendingPurchase.Reactivate when s is not null:
                var reactivated = await reactivate.HandleAsync(p.Scope, s.Id, ct, intent.PromoCode);
                if (!reactivated.IsSuccess)
                {
                    return PortalOutcome.Failed(reactivated.Error);
                }
                return reactivated.Value.Failure is { } failure
                    ? PortalOutcome.Failed(SubscriptionErrors.PaymentFailed(failure, null))
                    : PortalOutcome.Ok(reactivated.Value.RetryInitiated ? "recovered" : "reactivated");

            case PendingPurchase.Start:
                var created = await create.HandleAsync(p.Scope, new CreateSubscriptionRequest
                {
                    CustomerId = p.Customer.Id,
                    PlanId = intent.Id,
                    BillingInterval = intent.Interval,
                    PromoCode = intent.PromoCode,
                }, ct);
                if (!created.IsSuccess)
                {
                    return PortalOutcome.Failed(created.Error);
                }
                // A declined first charge leaves the subscription waiting for payment; say so plainly.
                return created.Value.Status == SubscriptionStatus.PendingPayment
                    ? PortalOutcome.Failed(Error.Invalid("payment_failed", "The first payment failed."))
                    : PortalOutcome.Ok("started");

            case PendingPurchase.CreditPack when s is not null:
                var credits = await purchaseCredits.HandleAsync(p.Scope, s.Id, intent.Id, ct);
                return credits.IsSuccess ? PortalOutcome.Ok("credits_bought") : PortalOutcome.Failed(credits.Error);

            case PendingPurchase.Topup when s is not null:
                var topup = await topupBalance.HandleAsync(p.Scope, s.Id, intent.Amount, ct, p.Branding.TopupMinimum, p.Branding.TopupMaximum);
                return topup.IsSuccess ? PortalOutcome.Ok("topped_up") : PortalOutcome.Failed(topup.Error);

            default:
                return PortalOutcome.Failed(Error.Invalid("subscription_not_active", "Nothing to do."));
        }
    }

    /// <summary>
    /// The customer typed a card on a portal card page for the given hosted session. The card is saved exactly as
    /// on a hosted payment page (same operation), then whatever was waiting for it is done.
    /// </summary>
    public async Task<PortalOutcome> CompleteCardAsync(PortalContext p, HostedSession session, CardInput? card, CancellationToken ct,
        CollectedCard? collected = null)
    {
        var retriesOverdue = session.Kind == HostedKinds.Recovery
            || (session.Kind == HostedKinds.PaymentMethod && p.Subscription?.Status == SubscriptionStatus.PastDue);
        if (retriesOverdue)
        {
            var allowed = await CountRecoveryAttemptAsync(p, ct);
            if (!allowed)
            {
                return PortalOutcome.Failed(TooManyAttempts);
            }
        }
        var wasPastDue = p.Subscription?.Status == SubscriptionStatus.PastDue;
        var completed = await complete.HandleAsync(p.Scope, session.Id, card, ct, collected);
        if (!completed.IsSuccess)
        {
            return PortalOutcome.Failed(completed.Error);
        }
        await p.RefreshAsync(ct);
        if (session.Kind == IntentKind && PendingPurchase.FromJson(session.PurchaseJson) is { } intent)
        {
            // The purchase was carried out by the card step itself (as on a hosted page, or by Stripe's webhook).
            return intent.CompletedByCardStep
                ? PortalOutcome.Ok(intent.Action == PendingPurchase.Reactivate && wasPastDue ? "recovered" : NoticeFor(intent))
                : await RunAsync(p, intent, ct);
        }
        return session.Kind switch
        {
            HostedKinds.Checkout when session.TargetPlanId is not null => PortalOutcome.Ok("upgraded"),
            HostedKinds.Checkout when p.Subscription?.Status == SubscriptionStatus.Active && p.Subscription.Id == session.SubscriptionId => PortalOutcome.Ok("paid"),
            HostedKinds.Recovery => PortalOutcome.Ok("recovered"),
            HostedKinds.PaymentMethod when retriesOverdue && p.Subscription?.Status == SubscriptionStatus.PastDue => PortalOutcome.Ok("card_saved_retry_failed"),
            HostedKinds.PaymentMethod when retriesOverdue => PortalOutcome.Ok("recovered"),
            _ => PortalOutcome.Ok("card_saved"),
        };
    }

    /// <summary>The portal's notice for a purchase that was carried out.</summary>
    public static string NoticeFor(PendingPurchase intent) => intent.Action switch
    {
        PendingPurchase.CreditPack => "credits_bought",
        PendingPurchase.Addon => "addon_on",
        PendingPurchase.Topup => "topped_up",
        PendingPurchase.Reactivate => "reactivated",
        PendingPurchase.Start => "started",
        _ => "card_saved",
    };

    /// <summary>Retries an overdue payment with the card on file (the API's reactivate on a past_due subscription).</summary>
    public async Task<PortalOutcome> RetryOverdueAsync(PortalContext p, CancellationToken ct)
    {
        var s = p.Subscription;
        if (s is null || s.Status != SubscriptionStatus.PastDue)
        {
            return PortalOutcome.Failed(Error.Invalid("no_outstanding_invoice", "Nothing is overdue."));
        }
        if (!await CountRecoveryAttemptAsync(p, ct))
        {
            return PortalOutcome.Failed(TooManyAttempts);
        }
        return await RunAsync(p, new PendingPurchase(PendingPurchase.Reactivate), ct);
    }

    /// <summary>Attempts to pay an overdue invoice left today (in any 24 hours of billing time).</summary>
    public static async Task<int> RecoveryAttemptsLeftAsync(PortalContext p, CancellationToken ct)
    {
        var since = p.Now.AddDays(-1);
        var used = await p.Db.PortalAttempts.CountAsync(a => a.CustomerId == p.Customer.Id && a.Kind == PortalAttemptKinds.Recovery && a.AttemptedAt > since, ct);
        return Math.Max(0, PortalAttemptKinds.RecoveryPerDay - used);
    }

    /// <summary>
    /// Counts an attempt before it is made, in its own transaction, so a declined attempt (which rolls back
    /// everything else) still counts. False when the day's attempts are used up.
    /// </summary>
    private static async Task<bool> CountRecoveryAttemptAsync(PortalContext p, CancellationToken ct)
    {
        if (await RecoveryAttemptsLeftAsync(p, ct) <= 0)
        {
            return false;
        }
        p.Db.PortalAttempts.Add(new PortalAttempt
        {
            Id = Ids.New("pta"),
            OrganizationId = p.Scope.Tenant.OrganizationId,
            Livemode = p.Scope.Tenant.Livemode,
            CustomerId = p.Customer.Id,
            Kind = PortalAttemptKinds.Recovery,
            AttemptedAt = p.Now,
        });
        await p.Db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>A new hosted session for a card page opened from the portal (replace the card, or pay an overdue invoice with a new one).</summary>
    public async Task<HostedSession> NewCardSessionAsync(PortalContext p, string kind, CancellationToken ct)
    {
        var s = p.Subscription is { } sub && SubscriptionStatus.IsLive(sub.Status) ? sub : null;
        var session = links.Create(p.Db, p.Scope.Tenant, kind, p.Customer.Id, s?.Id, kind == HostedKinds.Recovery ? s?.OutstandingInvoiceId : null, null, p.Now);
        await p.Db.SaveChangesAsync(ct);
        return session;
    }

    /// <summary>An open hosted session of this customer, or null (someone else's, finished, expired or unknown).</summary>
    public static Task<HostedSession?> OpenSessionAsync(PortalContext p, string id, CancellationToken ct) =>
        p.Db.HostedSessions.AsNoTracking()
            .FirstOrDefaultAsync(h => h.Id == id && h.CustomerId == p.Customer.Id && h.CompletedAt == null && h.ExpiresAt > p.Now, ct);

    private static string? IntentSubscription(PortalContext p, PendingPurchase intent) =>
        intent.Action == PendingPurchase.Start ? null : p.Subscription?.Id;
}

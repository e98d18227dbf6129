using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Events;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Payments;

/// <summary>A card a provider collected on its own page, with the payment it took there (if any): its amount and currency.</summary>
public sealed record CollectedCard(AttachedCard Card, string Provider, ChargeOutcome? Payment, long AmountPaid = 0, string Currency = "");

/// <summary>What a plan change or purchase waiting for a card costs now, worked out by the page that opens Checkout.</summary>
public sealed record AmountDue(long Amount, string Currency, string Description);

/// <summary>
/// Hosted pages and the portal's card form on Stripe: opens a Stripe Checkout Session for one of our hosted sessions
/// and reads back what it collected. Completing our session with it is the caller's (the pay page, the portal, the
/// <c>checkout.session.completed</c> webhook); whichever comes first claims the session, so it completes once.
/// </summary>
public sealed class StripeCheckout(PaymentProviders providers, ILogger<StripeCheckout> logger)
{
    /// <summary>Placeholder Stripe replaces with the Checkout Session's ID in the success URL.</summary>
    public const string SessionIdPlaceholder = "{CHECKOUT_SESSION_ID}";

    /// <summary>Whether the tenant's cards are collected on Stripe Checkout.</summary>
    public async Task<bool> UsesStripeAsync(CommetDb db, string organizationId, bool livemode, CancellationToken ct) =>
        await providers.StripeForAsync(db, organizationId, livemode, ct) is not null;

    /// <summary>
    /// The Checkout URL for a hosted session: <c>mode=payment</c> (saving the card for off-session use) when something is
    /// due now — the first invoice of a pending subscription, an overdue invoice, or <paramref name="due"/> (what the caller
    /// worked out for a plan change or purchase waiting for a card); <c>mode=setup</c> when nothing is (a card update, a
    /// trial card, a purchase that costs nothing now).
    /// </summary>
    public async Task<Result<string>> StartAsync(CommetDb db, HostedSession session, string successUrl, string cancelUrl, CancellationToken ct,
        AmountDue? due = null)
    {
        var connection = await providers.StripeForAsync(db, session.OrganizationId, session.Livemode, ct);
        if (connection is null)
        {
            return PaymentProviders.NotConfigured(session.Livemode);
        }
        db.ScopeTo(session.OrganizationId, session.Livemode);
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == session.CustomerId, ct);
        if (customer is null)
        {
            return Error.NotFound("customer", "The customer no longer exists.");
        }
        var subscription = session.SubscriptionId is null ? null
            : await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == session.SubscriptionId, ct);
        string? invoiceId = null;
        if (session.Kind == HostedKinds.Checkout && session.TargetPlanId is null && session.PurchaseJson is null
            && subscription?.Status == SubscriptionStatus.PendingPayment)
        {
            invoiceId = session.InvoiceId ?? subscription.OutstandingInvoiceId;
        }
        else if (session.Kind == HostedKinds.Recovery && subscription?.Status == SubscriptionStatus.PastDue)
        {
            invoiceId = session.InvoiceId ?? subscription.OutstandingInvoiceId;
        }
        var invoice = invoiceId is null ? null
            : await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == invoiceId && i.Status == InvoiceStatus.Outstanding, ct);
        var organization = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == session.OrganizationId, ct);
        var currency = invoice?.Currency ?? due?.Currency ?? subscription?.Currency ?? organization.Currency;
        var amount = invoice is { Total: > 0 } ? invoice.Total : invoice is null && due is { Amount: > 0 } ? due.Amount : (long?)null;
        var description = invoice is not null ? $"Invoice {invoice.Number}" : due?.Description;
        try
        {
            if (customer.StripeCustomerId is null)
            {
                customer.StripeCustomerId = await connection.Provider.CreateCustomerAsync(customer, ct);
                await db.SaveChangesAsync(ct);
            }
            var checkout = await connection.Provider.CreateCheckoutAsync(new CheckoutRequest(session.Id, customer.StripeCustomerId, currency,
                amount, description, successUrl, cancelUrl), ct);
            return checkout.Url;
        }
        catch (Exception ex) when (ex is Stripe.StripeException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Opening Stripe Checkout for hosted session {SessionId} failed: {Kind} {Code}", session.Id, ex.GetType().Name,
                (ex as Stripe.StripeException)?.StripeError?.Code);
            return new Error("payment_provider_unavailable", "The payment page could not be opened. Try again in a moment.", 503, "api_error");
        }
    }

    /// <summary>
    /// What a completed Checkout Session collected, checked to belong to <paramref name="hostedSessionId"/> when one is given
    /// (a return URL names its session; the webhook takes it from the Checkout Session). Null while it is not complete.
    /// </summary>
    public async Task<Result<(string HostedSessionId, CollectedCard Card)?>> CollectAsync(CommetDb db, string organizationId, bool livemode,
        string checkoutSessionId, string? hostedSessionId, CancellationToken ct)
    {
        var connection = await providers.StripeForAsync(db, organizationId, livemode, ct);
        if (connection is null)
        {
            return PaymentProviders.NotConfigured(livemode);
        }
        CheckoutResult? result;
        try
        {
            result = await connection.Provider.RetrieveCompletedAsync(checkoutSessionId, ct);
        }
        catch (Stripe.StripeException ex) when (ex.HttpStatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return Error.NotFound("checkout_session", "This payment session does not exist.");
        }
        catch (Exception ex) when (ex is Stripe.StripeException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Reading Stripe Checkout Session {CheckoutId} failed: {Kind}", checkoutSessionId, ex.GetType().Name);
            return new Error("payment_provider_unavailable", "The payment could not be confirmed yet. Try again in a moment.", 503, "api_error");
        }
        if (result is null)
        {
            return ((string, CollectedCard)?)null;
        }
        if (result.HostedSessionId is null || (hostedSessionId is not null && result.HostedSessionId != hostedSessionId))
        {
            return Error.NotFound("checkout_session", "This payment session does not belong to this link.");
        }
        return (result.HostedSessionId, new CollectedCard(result.Card, PaymentProviders.Stripe, result.Payment, result.AmountPaid, result.Currency));
    }

    /// <summary>
    /// After a completion (by the return to our page or by the webhook) of a Checkout Session that took a payment: when no
    /// transaction took that payment — the session was completed by another payment, what it was for was paid another way
    /// or refused, or the amount no longer matched — it is refunded through Stripe and recorded as a refunded transaction
    /// (<c>payment.refunded</c>), once. <paramref name="claimed"/> is false when this completion found the session already
    /// completed: if that was with this very payment, the completion that claimed it settles it.
    /// </summary>
    public async Task SettleAsync(BillingScope scope, string hostedSessionId, CollectedCard collected, bool claimed, CancellationToken ct)
    {
        if (collected.Payment is not { Succeeded: true, ProviderChargeId: { } paymentId })
        {
            return;
        }
        var db = scope.Db;
        db.ChangeTracker.Clear();
        if (await db.Transactions.AsNoTracking().AnyAsync(t => t.ProviderReference == paymentId && t.Provider == PaymentProviders.Stripe, ct))
        {
            return;
        }
        var hosted = await db.HostedSessions.AsNoTracking().FirstOrDefaultAsync(h => h.Id == hostedSessionId, ct);
        if (hosted is null || (!claimed && hosted.CompletedAt is not null && hosted.CheckoutPaymentId == paymentId))
        {
            return;
        }
        var connection = await providers.StripeForAsync(db, scope.Tenant.OrganizationId, scope.Tenant.Livemode, ct)
            ?? throw new InvalidOperationException("Stripe is no longer connected; the unused payment cannot be refunded.");
        // Throws when Stripe cannot be reached: the webhook then answers 500 and Stripe sends it again.
        await connection.Provider.RefundUnusedAsync(paymentId, ct);
        var now = scope.Now;
        await db.InTransactionAsync<bool>(async () =>
        {
            var transaction = new PaymentTransaction
            {
                Id = Ids.New(Ids.Transaction),
                OrganizationId = scope.Tenant.OrganizationId,
                Livemode = scope.Tenant.Livemode,
                CustomerId = hosted.CustomerId,
                Amount = collected.AmountPaid,
                Currency = collected.Currency,
                Provider = PaymentProviders.Stripe,
                ProviderReference = paymentId,
                Status = TransactionStatus.Refunded,
                AttemptKey = $"{paymentId}:unused",
                PaidAt = now,
                RefundedAt = now,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Transactions.Add(transaction);
            EventRecorder.Record(db, scope.Tenant, new PaymentRefundedData(transaction.Id, transaction.Provider, null, null, null, hosted.CustomerId,
                hosted.SubscriptionId, transaction.Amount, transaction.Currency), now, hosted.SubscriptionId, hosted.CustomerId);
            await Task.CompletedTask;
            return true;
        }, ct, Error.Conflict("duplicate", "Recorded by another delivery."));
        logger.LogInformation("Refunded Checkout payment {PaymentId} of hosted session {SessionId}: nothing was left for it to pay", paymentId, hostedSessionId);
    }
}

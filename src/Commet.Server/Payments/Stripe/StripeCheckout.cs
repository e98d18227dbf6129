using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Payments;

/// <summary>A card a provider collected on its own page, with the payment it took there (if any).</summary>
public sealed record CollectedCard(AttachedCard Card, string Provider, ChargeOutcome? Payment);

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
    /// The Checkout URL for a hosted session: <c>mode=payment</c> (saving the card for off-session use) for the first
    /// invoice of a pending subscription and for an overdue invoice; <c>mode=setup</c> otherwise (a card update, a trial
    /// card, a plan change or purchase that is charged off-session once the card is saved).
    /// </summary>
    public async Task<Result<string>> StartAsync(CommetDb db, HostedSession session, string successUrl, string cancelUrl, CancellationToken ct)
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
        var currency = invoice?.Currency ?? subscription?.Currency ?? organization.Currency;
        try
        {
            if (customer.StripeCustomerId is null)
            {
                customer.StripeCustomerId = await connection.Provider.CreateCustomerAsync(customer, ct);
                await db.SaveChangesAsync(ct);
            }
            var checkout = await connection.Provider.CreateCheckoutAsync(new CheckoutRequest(session.Id, customer.StripeCustomerId, currency,
                invoice is { Total: > 0 } ? invoice.Total : null, invoice is null ? null : $"Invoice {invoice.Number}", successUrl, cancelUrl), ct);
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
        return (result.HostedSessionId, new CollectedCard(result.Card, PaymentProviders.Stripe, result.Payment));
    }
}

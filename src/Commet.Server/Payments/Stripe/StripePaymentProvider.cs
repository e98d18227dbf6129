using Commet.Domain;
using Commet.Domain.Billing;
using Stripe;
using Stripe.Checkout;
using Customer = Commet.Domain.Customer;
using PaymentMethod = Commet.Domain.Billing.PaymentMethod;

namespace Commet.Server.Payments;

/// <summary>What to open a Stripe Checkout Session for: a first payment of a known amount, or only saving a card.</summary>
public sealed record CheckoutRequest(string HostedSessionId, string StripeCustomerId, string Currency, long? Amount, string? Description,
    string SuccessUrl, string CancelUrl);

/// <summary>A completed Checkout Session: the card Stripe saved and, for <c>mode=payment</c>, the payment it took.</summary>
public sealed record CheckoutResult(string? HostedSessionId, AttachedCard Card, ChargeOutcome? Payment, long AmountPaid, string Currency);

/// <summary>
/// The merchant's own Stripe account as the payment provider, through Stripe.net. Card numbers never reach this server:
/// cards are collected on Stripe Checkout, and a saved card is a Stripe customer and PaymentMethod pair
/// (<c>cus_…/pm_…</c> in <see cref="PaymentMethod.ProviderReference"/>). Every call that creates something carries an
/// idempotency key derived from ours (the charge attempt key for a charge), so Stripe.net's retries and ours never
/// charge twice.
/// </summary>
public sealed class StripePaymentProvider(IStripeClient client) : IPaymentProvider
{
    public string Name => PaymentProviders.Stripe;

    /// <summary>Stripe collects cards on its own page; a typed card number never reaches this provider.</summary>
    public Result<AttachedCard> Attach(CardInput card, bool livemode, DateTime now) =>
        Error.Invalid("card_collected_by_stripe", "Cards are added on Stripe's payment page for this account.");

    public async Task<ChargeOutcome> ChargeAsync(PaymentMethod method, Money amount, string idempotencyKey, bool livemode, DateTime now, CancellationToken ct)
    {
        var (customer, paymentMethod) = SplitReference(method.ProviderReference);
        try
        {
            var intent = await new PaymentIntentService(client).CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = amount.MinorUnits,
                Currency = amount.Currency.Code.ToLowerInvariant(),
                Customer = customer,
                PaymentMethod = paymentMethod,
                Confirm = true,
                OffSession = true,
                Metadata = new Dictionary<string, string> { ["commet_attempt"] = idempotencyKey },
            }, new RequestOptions { IdempotencyKey = idempotencyKey }, ct);
            return intent.Status switch
            {
                "succeeded" or "processing" => new ChargeOutcome(true, null, null, intent.Id),
                "requires_action" => Failed("authentication_required", "The bank asks the customer to authenticate this payment.", intent.Id),
                _ => Failed("card_declined", "The card was declined.", intent.Id),
            };
        }
        catch (StripeException ex) when (ex.StripeError?.Type == "card_error")
        {
            var e = ex.StripeError;
            var code = e.Code == "authentication_required" || e.DeclineCode == "authentication_required" ? "authentication_required"
                : e.DeclineCode is "insufficient_funds" ? "insufficient_funds"
                : e.Code is "expired_card" || e.DeclineCode is "expired_card" ? "expired_card"
                : "card_declined";
            return Failed(code, e.Message ?? "The card was declined.", e.PaymentIntent?.Id);
        }
        catch (Exception ex) when (ex is StripeException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // Stripe.net already retried with the same idempotency key; what is left is an outage. Nothing was charged
            // as far as we know, and a later attempt (a dunning retry) has its own key.
            return ChargeOutcome.Failure("processing_error", "The payment provider could not be reached. The payment will be retried.");
        }
    }

    public async Task<bool> RefundAsync(PaymentTransaction transaction, CancellationToken ct)
    {
        if (transaction.ProviderReference is null)
        {
            return false;
        }
        try
        {
            var refund = await new RefundService(client).CreateAsync(new RefundCreateOptions { PaymentIntent = transaction.ProviderReference },
                new RequestOptions { IdempotencyKey = $"{transaction.Id}:refund" }, ct);
            return refund.Status is "succeeded" or "pending";
        }
        catch (Exception ex) when (ex is StripeException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Refunds in full a Checkout payment that nothing took (see <c>StripeCheckout.SettleAsync</c>). Throws when Stripe cannot
    /// be reached; the key makes a repeat return the same refund.
    /// </summary>
    public async Task RefundUnusedAsync(string paymentIntentId, CancellationToken ct) =>
        await new RefundService(client).CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntentId },
            new RequestOptions { IdempotencyKey = $"{paymentIntentId}:unused" }, ct);

    /// <summary>Creates the Stripe customer for one of ours (the key makes a retry return the same one).</summary>
    public async Task<string> CreateCustomerAsync(Customer customer, CancellationToken ct)
    {
        var created = await new CustomerService(client).CreateAsync(new CustomerCreateOptions
        {
            Email = customer.Email,
            Name = customer.FullName,
            Metadata = new Dictionary<string, string> { ["commet_customer_id"] = customer.Id },
        }, new RequestOptions { IdempotencyKey = $"{customer.Id}:stripe-customer" }, ct);
        return created.Id;
    }

    /// <summary>
    /// A Checkout Session: <c>mode=payment</c> saving the card for later off-session charges when an amount is due now,
    /// otherwise <c>mode=setup</c>. Our hosted session's ID travels as <c>client_reference_id</c>, so the return and the
    /// webhook both find what to complete.
    /// </summary>
    public async Task<Session> CreateCheckoutAsync(CheckoutRequest r, CancellationToken ct)
    {
        var currency = r.Currency.ToLowerInvariant();
        var metadata = new Dictionary<string, string> { ["commet_hosted_session"] = r.HostedSessionId };
        var options = new SessionCreateOptions
        {
            Customer = r.StripeCustomerId,
            ClientReferenceId = r.HostedSessionId,
            SuccessUrl = r.SuccessUrl,
            CancelUrl = r.CancelUrl,
            Metadata = metadata,
        };
        if (r.Amount is { } amount)
        {
            options.Mode = "payment";
            options.LineItems =
            [
                new SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = currency,
                        UnitAmount = amount,
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = r.Description ?? "Payment" },
                    },
                },
            ];
            options.PaymentIntentData = new SessionPaymentIntentDataOptions { SetupFutureUsage = "off_session", Metadata = metadata };
        }
        else
        {
            options.Mode = "setup";
            options.Currency = currency;
        }
        // Same hosted session, same amount: the same Checkout Session (Stripe keeps idempotency keys for 24 hours).
        return await new SessionService(client).CreateAsync(options,
            new RequestOptions { IdempotencyKey = $"{r.HostedSessionId}:checkout:{r.Amount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "setup"}" }, ct);
    }

    /// <summary>The card and payment of a Checkout Session, or null while it is not complete.</summary>
    public async Task<CheckoutResult?> RetrieveCompletedAsync(string checkoutSessionId, CancellationToken ct)
    {
        var session = await new SessionService(client).GetAsync(checkoutSessionId, null, null, ct);
        if (session.Status != "complete")
        {
            return null;
        }
        string? paymentMethodId;
        ChargeOutcome? payment = null;
        long paid = 0;
        if (session.Mode == "payment")
        {
            var intent = await new PaymentIntentService(client).GetAsync(session.PaymentIntentId, null, null, ct);
            if (intent.Status != "succeeded")
            {
                return null;
            }
            paymentMethodId = intent.PaymentMethodId;
            payment = new ChargeOutcome(true, null, null, intent.Id);
            paid = intent.AmountReceived;
        }
        else
        {
            var setup = await new SetupIntentService(client).GetAsync(session.SetupIntentId, null, null, ct);
            if (setup.Status != "succeeded")
            {
                return null;
            }
            paymentMethodId = setup.PaymentMethodId;
        }
        var pm = await new PaymentMethodService(client).GetAsync(paymentMethodId, null, null, ct);
        var card = pm.Card;
        var attached = new AttachedCard($"{session.CustomerId}/{pm.Id}", card?.Brand ?? "card", card?.Last4 ?? "0000", (int)(card?.ExpMonth ?? 1),
            (int)(card?.ExpYear ?? 2000), card?.Fingerprint ?? pm.Id);
        return new CheckoutResult(session.ClientReferenceId, attached, payment, paid, (session.Currency ?? "").ToUpperInvariant());
    }

    private static ChargeOutcome Failed(string code, string message, string? intentId) => new(false, code, message, intentId);

    private static (string? Customer, string PaymentMethod) SplitReference(string reference)
    {
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (null, reference) : (reference[..slash], reference[(slash + 1)..]);
    }
}

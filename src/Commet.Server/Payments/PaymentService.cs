using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Payments;

/// <summary>
/// A payment a provider already took on its own page (Stripe Checkout in <c>mode=payment</c>), offered to the next charge
/// of that customer for exactly that amount and currency in the same unit of work, so a purchase or plan change carried
/// out after Checkout records it instead of charging the card again.
/// </summary>
public sealed class PrepaidPayment(string customerId, long amount, string currency, ChargeOutcome payment)
{
    public string CustomerId { get; } = customerId;
    public long Amount { get; } = amount;
    public string Currency { get; } = currency;
    public ChargeOutcome Payment { get; } = payment;
    public bool Taken { get; set; }
}

/// <summary>Cards on file and charges for invoices, in the caller's unit of work.</summary>
public sealed class PaymentService(PaymentProviders providers)
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CommetDb, PrepaidPayment> Offers = new();

    /// <summary>
    /// Offers <paramref name="payment"/> to the next matching charge made on <paramref name="db"/> (see <see cref="PrepaidPayment"/>)
    /// until <see cref="Withdraw"/>. Whether it was used is read back from the transactions afterwards, not from memory, so a
    /// charge that rolled back does not count.
    /// </summary>
    public static void Offer(CommetDb db, PrepaidPayment payment) => Offers.AddOrUpdate(db, payment);

    public static void Withdraw(CommetDb db) => Offers.Remove(db);

    private static ChargeOutcome? TakeOffer(CommetDb db, Invoice invoice)
    {
        if (!Offers.TryGetValue(db, out var offer) || offer.Taken || offer.CustomerId != invoice.CustomerId || offer.Amount != invoice.Total
            || !string.Equals(offer.Currency, invoice.Currency, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        offer.Taken = true;
        return offer.Payment;
    }

    /// <summary>The provider that took the invoice's payment in this unit of work (the sandbox provider's name when none did).</summary>
    public static string ProviderOf(CommetDb db, Invoice invoice) =>
        db.ChangeTracker.Entries<PaymentTransaction>().Select(e => e.Entity)
            .FirstOrDefault(t => t.InvoiceId == invoice.Id && t.Status == TransactionStatus.Succeeded)?.Provider ?? "commet";

    /// <summary>Attaches a typed card as the customer's default payment method (the previous default stays on file).</summary>
    public async Task<Result<PaymentMethod>> AttachCardAsync(CommetDb db, Tenant tenant, Customer customer, CardInput card, DateTime now,
        string? subscriptionId, CancellationToken ct)
    {
        var provider = await providers.ForTenantAsync(db, tenant, ct);
        if (provider is null)
        {
            return PaymentProviders.NotConfigured(tenant.Livemode);
        }
        var attached = provider.Attach(card, tenant.Livemode, now);
        if (!attached.IsSuccess)
        {
            return attached.Error;
        }
        return await SaveCardAsync(db, tenant, customer, attached.Value, provider.Name, now, subscriptionId, ct);
    }

    /// <summary>Keeps a card a provider saved (on its own page) as the customer's default payment method.</summary>
    public static async Task<PaymentMethod> SaveCardAsync(CommetDb db, Tenant tenant, Customer customer, AttachedCard a, string providerName, DateTime now,
        string? subscriptionId, CancellationToken ct)
    {
        var previous = await db.PaymentMethods.Where(m => m.CustomerId == customer.Id && m.IsDefault).ToListAsync(ct);
        foreach (var old in previous)
        {
            old.IsDefault = false;
        }
        var method = new PaymentMethod
        {
            Id = Ids.New(Ids.PaymentMethod),
            OrganizationId = tenant.OrganizationId,
            Livemode = tenant.Livemode,
            CustomerId = customer.Id,
            Provider = providerName,
            ProviderReference = a.Reference,
            Brand = a.Brand,
            Last4 = a.Last4,
            ExpMonth = a.ExpMonth,
            ExpYear = a.ExpYear,
            Fingerprint = a.Fingerprint,
            IsDefault = true,
            CreatedAt = now,
        };
        db.PaymentMethods.Add(method);
        var cardInfo = new WebhookCardInfo(a.Brand, a.Last4, a.ExpMonth, a.ExpYear);
        // A first card is attached to the subscription it was saved for, or else to the customer's live one; a card that
        // replaces another, or one saved with no subscription to attach it to, updates the customer (docs/decisions.md).
        var attachedTo = subscriptionId ?? await db.Subscriptions.Where(s => s.CustomerId == customer.Id && SubscriptionStatus.Live.Contains(s.Status))
            .OrderByDescending(s => s.CreatedAt).Select(s => s.Id).FirstOrDefaultAsync(ct);
        if (previous.Count == 0 && attachedTo is not null)
        {
            EventRecorder.Record(db, tenant, new PaymentMethodAttachedData(attachedTo, customer.Id, cardInfo), now, attachedTo, customer);
        }
        else
        {
            EventRecorder.Record(db, tenant, new PaymentMethodUpdatedData(customer.Id, cardInfo), now, attachedTo, customer);
        }
        return method;
    }

    public static Task<PaymentMethod?> DefaultMethodAsync(CommetDb db, string customerId, CancellationToken ct) =>
        db.PaymentMethods.Where(m => m.CustomerId == customerId && m.IsDefault && m.DetachedAt == null).FirstOrDefaultAsync(ct);

    /// <summary>
    /// Charges an invoice's total to the customer's default card. <paramref name="attemptKey"/> names the attempt
    /// (e.g. <c>inv_…:retry:2</c>): an attempt already made is not made again, and a unique index on it backs
    /// that up. On success the invoice is paid. Zero totals are paid without a charge. <paramref name="prepaid"/> is a
    /// payment the provider already took on its own page (Stripe Checkout): it is recorded instead of charging again.
    /// </summary>
    public async Task<ChargeOutcome> ChargeInvoiceAsync(CommetDb db, Tenant tenant, Invoice invoice, string attemptKey, DateTime now,
        CancellationToken ct, PaymentMethod? method = null, ChargeOutcome? prepaid = null)
    {
        // An invoice made in this unit of work has never been charged (its ID is new), so there is no earlier attempt to look for.
        var previous = db.Entry(invoice).State == EntityState.Added
            ? null
            : await db.Transactions.AsNoTracking().FirstOrDefaultAsync(t => t.AttemptKey == attemptKey, ct);
        if (previous is not null)
        {
            return previous.Status == TransactionStatus.Succeeded
                ? ChargeOutcome.Success(previous.Id)
                : ChargeOutcome.Failure(previous.FailureCode ?? "card_declined", previous.FailureMessage ?? "The charge failed.");
        }
        if (invoice.Total <= 0)
        {
            invoice.MarkPaid(now);
            return ChargeOutcome.Success("free");
        }
        prepaid ??= TakeOffer(db, invoice);
        method ??= await DefaultMethodAsync(db, invoice.CustomerId, ct);
        var transaction = new PaymentTransaction
        {
            Id = Ids.New(Ids.Transaction),
            OrganizationId = tenant.OrganizationId,
            Livemode = tenant.Livemode,
            CustomerId = invoice.CustomerId,
            InvoiceId = invoice.Id,
            PaymentMethodId = method?.Id,
            Amount = invoice.Total,
            TaxAmount = invoice.TaxAmount,
            Currency = invoice.Currency,
            Provider = method?.Provider ?? (tenant.Livemode ? PaymentProviders.Stripe : "commet"),
            AttemptKey = attemptKey,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Transactions.Add(transaction);

        ChargeOutcome outcome;
        if (prepaid is not null)
        {
            outcome = prepaid;
        }
        else if (method is null)
        {
            outcome = ChargeOutcome.Failure("no_payment_method", "The customer has no payment method on file.");
        }
        else if (await providers.ForMethodAsync(db, tenant, method, ct) is { } provider)
        {
            outcome = await provider.ChargeAsync(method, new Money(invoice.Total, Currency.Of(invoice.Currency)), attemptKey, tenant.Livemode, now, ct);
        }
        else
        {
            var error = PaymentProviders.NotConfigured(tenant.Livemode);
            outcome = ChargeOutcome.Failure(error.Code, error.Message);
        }

        transaction.UpdatedAt = now;
        transaction.ProviderReference = outcome.ProviderChargeId;
        Infrastructure.CommetMetrics.Charge(outcome.Succeeded);
        if (outcome.Succeeded)
        {
            transaction.Status = TransactionStatus.Succeeded;
            transaction.PaidAt = now;
            invoice.MarkPaid(now);
            EventRecorder.Record(db, tenant, PaymentReceivedData.Paid(invoice, transaction.Id, transaction.Provider, now), now, invoice.SubscriptionId, invoice.CustomerId);
        }
        else
        {
            transaction.Status = TransactionStatus.Failed;
            transaction.FailureCode = outcome.FailureCode;
            transaction.FailureMessage = outcome.FailureMessage;
        }
        return outcome;
    }
}

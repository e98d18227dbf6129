using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Http;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Usage;

public sealed record Purchase(Invoice Invoice, long Amount, ConsumptionAccount Account);

/// <summary>What purchases share: who may buy, and the one-line invoice charged now to the default card.</summary>
public sealed class PurchaseCharges(PaymentService payments)
{
    public const long DefaultTopupMinimum = 500;
    public const long DefaultTopupMaximum = 1_000_000;

    /// <summary>Largest balance/adjust amount either way: credits, or minor units.</summary>
    public const long MaxAdjustment = 1_000_000_000_000;

    /// <summary>Purchases are for active, trialing and free subscriptions; a past-due one pays what it owes first.</summary>
    public static Error? CanPurchase(Subscription s) => s.Status switch
    {
        SubscriptionStatus.Active or SubscriptionStatus.Trialing => null,
        SubscriptionStatus.PastDue => Error.Invalid("subscription_past_due", "Purchases are paused while a payment is overdue. Pay the outstanding invoice first."),
        _ => Error.Invalid("subscription_not_active", $"Purchases need an active subscription; this one is {s.Status}."),
    };

    public static async Task<(Subscription? Subscription, Plan? Plan, Error? Error)> PurchasableAsync(BillingScope scope, string subscriptionId, CancellationToken ct)
    {
        var s = await scope.Db.LockSubscriptionAsync(subscriptionId, ct);
        if (s is null)
        {
            return (null, null, SubscriptionErrors.NotFound(subscriptionId));
        }
        var error = CanPurchase(s);
        if (error is not null)
        {
            return (s, null, error);
        }
        var plan = await scope.PlanAsync(s.PlanId, ct);
        return (s, plan, null);
    }

    /// <summary>
    /// One-line invoice charged now to the default card; a decline or a missing card changes nothing. Without an
    /// Idempotency-Key every call is a purchase of its own (a random billing key). With one, the billing key is built
    /// from it: a call with a key that already bought answers that purchase's paid invoice (<c>Repeat</c>) and charges
    /// nothing, and two at once cannot both commit (the invoices' unique billing key).
    /// </summary>
    public async Task<Result<(Invoice Invoice, bool Repeat)>> ChargeAsync(BillingScope scope, Subscription s, Plan plan, string type, long amount, string description, string keyPrefix, CancellationToken ct)
    {
        var billingKey = scope.RequestBillingKey(keyPrefix);
        if (billingKey is not null && await scope.Db.Invoices.FirstOrDefaultAsync(i => i.BillingKey == billingKey, ct) is { } earlier)
        {
            return (earlier, true);
        }
        var method = await PaymentService.DefaultMethodAsync(scope.Db, s.CustomerId, ct);
        if (method is null)
        {
            return Error.Invalid("no_payment_method", "The customer has no payment method on file. Add a card first.");
        }
        var invoice = await InvoiceBuilder.NewAsync(scope, s.CustomerId, s.Id, type, s.Currency, scope.Now, scope.Now,
            billingKey ?? $"{keyPrefix}:{EventRecorder.Iso(scope.Now)}:{Ids.New("k")[2..]}", plan.Name, ct);
        invoice.AddLine(new InvoiceLine { LineType = LineTypes.OneTime, Description = description, Quantity = 1, UnitAmount = amount, Amount = amount });
        InvoiceBuilder.RecordCreated(scope, invoice);
        var outcome = await payments.ChargeInvoiceAsync(scope.Db, scope.Tenant, invoice, $"{invoice.Id}:charge", scope.Now, ct, method);
        return outcome.Succeeded ? (invoice, false) : SubscriptionErrors.PaymentFailed(outcome, null);
    }

    /// <summary>Answer when the commit of a purchase meets the unique billing key: a request with the same Idempotency-Key bought first.</summary>
    public static readonly Error RepeatedKey = Error.Conflict("idempotency_in_progress",
        "A request with this Idempotency-Key is still being processed. Retry after it finishes.");
}

using System.Text.Json;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Customers;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Payments;

/// <summary>Body of <c>POST /payments</c> (a payment link) and <c>POST /payments/charge</c> (successUrl is ignored there).</summary>
public sealed class PaymentRequest
{
    public long? Amount { get; set; }
    public string? Currency { get; set; }
    public string? CustomerId { get; set; }
    public string? Description { get; set; }
    public string? SuccessUrl { get; set; }
    public Dictionary<string, JsonElement>? Metadata { get; set; }
}

/// <summary>The <c>payment</c> object of the API. <c>url</c> is the hosted page while the link can still be paid, else null.</summary>
public sealed record PaymentDto(
    string Id,
    string? CustomerId,
    string Kind,
    string Status,
    string Provider,
    long AmountSubtotal,
    long TaxAmount,
    long AmountTotal,
    string Currency,
    string Description,
    JsonElement? Metadata,
    string? Url,
    DateTime? ExpiresAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    bool Livemode)
{
    public string Object => "payment";

    public static PaymentDto From(OneOffPayment p, Customer? customer, string? url) => new(
        p.Id, customer is null ? p.CustomerId : customer.ExternalId ?? customer.Id, p.Kind, p.Status, p.Provider, p.AmountSubtotal, p.TaxAmount, p.AmountTotal,
        p.Currency, p.Description, MetadataJson.Read(p.MetadataJson), url, p.ExpiresAt, p.CreatedAt, p.UpdatedAt, p.Livemode);
}

/// <summary>Shared by the payment use cases: input checks, the one-time invoice, the link's page address.</summary>
public static class OneOffPaymentRules
{
    /// <summary>Largest amount of one payment, in minor units (100 million dollars in cents).</summary>
    public const long MaxAmount = 10_000_000_000;

    public static Error NotFound(string id) => Error.NotFound("payment", $"No payment with ID '{(id.Length > 60 ? id[..60] : id)}'.");

    public static Check Validate(PaymentRequest r, bool link)
    {
        var check = new Check()
            .Required("customerId", r.CustomerId)
            .Required("description", r.Description, 500)
            .Required("currency", r.Currency, 3)
            .Metadata("metadata", r.Metadata);
        if (r.Amount is null)
        {
            check.Add("amount", "amount is required (minor units of the currency, e.g. cents).");
        }
        else
        {
            check.Range("amount", r.Amount, 1, MaxAmount);
        }
        if (!string.IsNullOrEmpty(r.Currency) && !Currency.IsKnown(r.Currency.Trim().ToUpperInvariant()))
        {
            check.Add("currency", "currency must be an ISO 4217 code this server knows, e.g. USD.");
        }
        if (link && r.SuccessUrl is not null && !Portal.ReturnUrls.IsSafe(r.SuccessUrl))
        {
            check.Add("successUrl", "successUrl must be an absolute http or https URL.");
        }
        return check;
    }

    /// <summary>
    /// The paid payment's <c>one_time_payment</c> invoice: one <c>one_time</c> line of the whole amount, charged at once with
    /// <paramref name="attemptKey"/> (a repeat of the key charges nothing). The caller decides what a decline does.
    /// </summary>
    public static async Task<(Invoice Invoice, ChargeOutcome Outcome)> InvoiceAndChargeAsync(BillingScope scope, PaymentService payments, OneOffPayment p,
        PaymentMethod? method, string attemptKey, CancellationToken ct)
    {
        var invoice = await InvoiceBuilder.NewAsync(scope, p.CustomerId, null, InvoiceTypes.OneTimePayment, p.Currency, scope.Now, scope.Now,
            $"payment:{p.Id}:{attemptKey}", null, ct);
        invoice.MetadataJson = p.MetadataJson;
        invoice.AddLine(new InvoiceLine
        {
            LineType = LineTypes.OneTime,
            Description = p.Description,
            Quantity = 1,
            UnitAmount = p.AmountSubtotal,
            Amount = p.AmountSubtotal,
        });
        var outcome = await payments.ChargeInvoiceAsync(scope.Db, scope.Tenant, invoice, $"{p.Id}:{attemptKey}", scope.Now, ct, method);
        return (invoice, outcome);
    }

    public static PaymentTransaction? SettledTransaction(CommetDb db, Invoice invoice) =>
        db.ChangeTracker.Entries<PaymentTransaction>().Select(e => e.Entity)
            .FirstOrDefault(t => t.InvoiceId == invoice.Id && t.Status == TransactionStatus.Succeeded);

    /// <summary>The page address of an open link, else null.</summary>
    public static async Task<string?> UrlAsync(CommetDb db, HostedLinks links, OneOffPayment p, string baseUrl, CancellationToken ct)
    {
        if (p.Kind != PaymentKinds.Link || p.HostedSessionId is null || !OneOffPaymentStatus.Open.Contains(p.Status))
        {
            return null;
        }
        var session = await db.HostedSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == p.HostedSessionId, ct);
        return session is null ? null : links.Url(session, baseUrl);
    }
}

/// <summary>Creates a payment link: a hosted page where the customer pays the amount with any card.</summary>
public sealed class CreatePaymentLink(HostedLinks links)
{
    public async Task<Result<(OneOffPayment Payment, Customer Customer, string Url)>> HandleAsync(BillingScope scope, PaymentRequest r, CancellationToken ct)
    {
        var check = OneOffPaymentRules.Validate(r, link: true);
        if (check.Failed)
        {
            return check.ToError();
        }
        return await scope.Db.InTransactionAsync<(OneOffPayment, Customer, string)>(async () =>
        {
            var db = scope.Db;
            var customer = await CustomerRules.FindAsync(db, r.CustomerId!, ct);
            if (customer is null)
            {
                return CustomerRules.NotFound(r.CustomerId!);
            }
            var id = Ids.New(Ids.Payment);
            var session = links.Create(db, scope.Tenant, HostedKinds.Checkout, customer.Id, null, null, r.SuccessUrl, scope.Now);
            session.PurchaseJson = new PendingPurchase(PendingPurchase.PaymentLink, id).ToJson();
            var provider = await db.PaymentProviderAccounts.AnyAsync(ct) ? PaymentProviders.Stripe : "commet";
            var p = new OneOffPayment
            {
                Id = id,
                OrganizationId = scope.Tenant.OrganizationId,
                Livemode = scope.Tenant.Livemode,
                Kind = PaymentKinds.Link,
                Status = OneOffPaymentStatus.Pending,
                CustomerId = customer.Id,
                Provider = provider,
                AmountSubtotal = r.Amount!.Value,
                TaxAmount = 0,
                AmountTotal = r.Amount.Value,
                Currency = r.Currency!.Trim().ToUpperInvariant(),
                Description = r.Description!.Trim(),
                MetadataJson = MetadataJson.Write(r.Metadata),
                SuccessUrl = r.SuccessUrl,
                HostedSessionId = session.Id,
                ExpiresAt = session.ExpiresAt,
                CreatedAt = scope.Now,
                UpdatedAt = scope.Now,
            };
            db.OneOffPayments.Add(p);
            EventRecorder.Record(db, scope.Tenant, PaymentLinkCreatedData.Of(p), scope.Now, null, customer);
            return (p, customer, links.Url(session, scope.BaseUrl));
        }, ct);
    }
}

/// <summary>Charges the customer's saved card now, off-session, for a one-off amount.</summary>
public sealed class ChargeOneOffPayment(PaymentService payments)
{
    /// <summary>
    /// Needs a subscription that is active, trialing or past due (as the SDK documents) and a card on file. The charge
    /// is recorded whatever its outcome (a decline answers <c>charge_failed</c> and keeps the failed payment for the
    /// record). With an Idempotency-Key, a repeat answers the first charge and charges nothing more.
    /// </summary>
    public async Task<Result<(OneOffPayment Payment, Customer Customer)>> HandleAsync(BillingScope scope, PaymentRequest r, CancellationToken ct)
    {
        var check = OneOffPaymentRules.Validate(r, link: false);
        if (check.Failed)
        {
            return check.ToError();
        }
        return await scope.Db.InTransactionAsync<(OneOffPayment, Customer)>(async () =>
        {
            var db = scope.Db;
            var customer = await CustomerRules.FindAsync(db, r.CustomerId!, ct);
            if (customer is null)
            {
                return CustomerRules.NotFound(r.CustomerId!);
            }
            var amount = r.Amount!.Value;
            var currency = r.Currency!.Trim().ToUpperInvariant();
            var chargeKey = scope.RequestBillingKey($"payment:{customer.Id}:{amount}:{currency}");
            if (chargeKey is not null && await db.OneOffPayments.FirstOrDefaultAsync(x => x.ChargeKey == chargeKey, ct) is { } earlier)
            {
                return (earlier, customer);
            }
            var live = await db.Subscriptions.AnyAsync(s => s.CustomerId == customer.Id
                && (s.Status == SubscriptionStatus.Active || s.Status == SubscriptionStatus.Trialing || s.Status == SubscriptionStatus.PastDue), ct);
            if (!live)
            {
                return Error.Invalid("subscription_required", "Charging a saved card needs an active, trialing or past-due subscription. Send a payment link instead.");
            }
            var method = await PaymentService.DefaultMethodAsync(db, customer.Id, ct);
            if (method is null)
            {
                return Error.Invalid("no_payment_method", "The customer has no payment method on file. Send a payment link instead.");
            }
            var p = new OneOffPayment
            {
                Id = Ids.New(Ids.Payment),
                OrganizationId = scope.Tenant.OrganizationId,
                Livemode = scope.Tenant.Livemode,
                Kind = PaymentKinds.Charge,
                Status = OneOffPaymentStatus.Processing,
                CustomerId = customer.Id,
                Provider = method.Provider,
                AmountSubtotal = amount,
                TaxAmount = 0,
                AmountTotal = amount,
                Currency = currency,
                Description = r.Description!.Trim(),
                MetadataJson = MetadataJson.Write(r.Metadata),
                ChargeKey = chargeKey ?? $"payment:{Ids.New("k")[2..]}",
                CreatedAt = scope.Now,
                UpdatedAt = scope.Now,
            };
            db.OneOffPayments.Add(p);
            var (invoice, outcome) = await OneOffPaymentRules.InvoiceAndChargeAsync(scope, payments, p, method, "charge", ct);
            if (!outcome.Succeeded)
            {
                // A decline changes nothing (no invoice number is taken), as a declined top-up.
                return new Error("charge_failed", outcome.FailureMessage ?? "The charge failed.", 402, "card_error", outcome.FailureCode);
            }
            InvoiceBuilder.RecordCreated(scope, invoice);
            p.Status = OneOffPaymentStatus.Succeeded;
            p.InvoiceId = invoice.Id;
            p.TransactionId = OneOffPaymentRules.SettledTransaction(db, invoice)?.Id;
            p.PaidAt = scope.Now;
            return (p, customer);
        }, ct, Error.Conflict("idempotency_in_progress", "A request with this Idempotency-Key is still being processed. Retry after it finishes."));
    }
}

/// <summary>Cancels an open payment link; its page refuses it from then on. Canceling a canceled link changes nothing.</summary>
public sealed class CancelPaymentLink
{
    public async Task<Result<(OneOffPayment Payment, Customer? Customer)>> HandleAsync(BillingScope scope, string id, CancellationToken ct)
    {
        return await scope.Db.InTransactionAsync<(OneOffPayment, Customer?)>(async () =>
        {
            var db = scope.Db;
            // Claim the link in one statement, so a payment completing at the same moment and this cancel cannot both win.
            var claimed = await db.OneOffPayments
                .Where(x => x.Id == id && x.Kind == PaymentKinds.Link && (x.Status == OneOffPaymentStatus.Pending || x.Status == OneOffPaymentStatus.Failed))
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, OneOffPaymentStatus.Canceled)
                    .SetProperty(x => x.CanceledAt, scope.Now).SetProperty(x => x.UpdatedAt, scope.Now), ct);
            var p = await db.OneOffPayments.FirstOrDefaultAsync(x => x.Id == id, ct);
            if (p is null)
            {
                return OneOffPaymentRules.NotFound(id);
            }
            var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == p.CustomerId, ct);
            if (claimed == 1)
            {
                // The page refuses an expired session; the link's session ends now (real time, not a test clock's).
                if (p.HostedSessionId is not null)
                {
                    await db.HostedSessions.Where(s => s.Id == p.HostedSessionId)
                        .ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiresAt, DateTime.UnixEpoch), ct);
                }
                EventRecorder.Record(db, scope.Tenant, PaymentLinkCanceledData.Of(p), scope.Now, null, p.CustomerId);
                return (p, customer);
            }
            return p.Status == OneOffPaymentStatus.Canceled
                ? (p, customer)
                : Error.Invalid("payment_not_cancelable", p.Kind == PaymentKinds.Charge
                    ? "A charge cannot be canceled; refund its transaction instead."
                    : $"Only an unpaid link can be canceled; this one is {p.Status}.");
        }, ct);
    }
}

/// <summary>
/// Pays a payment link once its hosted page has the customer's card (our card form, Stripe Checkout's return or its
/// webhook; the page has saved the card by then). A decline is recorded (<c>payment_link.failed</c>) and leaves the
/// link open for another card.
/// </summary>
public sealed class PayPaymentLink(PaymentService payments)
{
    private static Localization.Texts T => Localization.Texts.Shared;

    public async Task<Result<string>> HandleAsync(BillingScope scope, string sessionId, string paymentId, CancellationToken ct)
    {
        ChargeOutcome? declined = null;
        var paid = await scope.Db.InTransactionAsync<string>(async () =>
        {
            var db = scope.Db;
            // Claim the link: of a payment and a cancel at once (or two payments), one wins; the others find it taken.
            var claimed = await db.OneOffPayments
                .Where(x => x.Id == paymentId && x.HostedSessionId == sessionId
                    && (x.Status == OneOffPaymentStatus.Pending || x.Status == OneOffPaymentStatus.Failed))
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, OneOffPaymentStatus.Processing).SetProperty(x => x.UpdatedAt, scope.Now), ct);
            var p = await db.OneOffPayments.FirstOrDefaultAsync(x => x.Id == paymentId, ct);
            if (p is null || claimed == 0)
            {
                return p?.Status == OneOffPaymentStatus.Canceled
                    ? Error.Invalid("payment_link_canceled", "This payment link was canceled.")
                    : Error.Conflict("hosted_session_completed", "This payment link was already used.");
            }
            var method = await PaymentService.DefaultMethodAsync(db, p.CustomerId, ct);
            // Each attempt has a key of its own (the provider's idempotency key): a second card after a decline is a new charge.
            var (invoice, outcome) = await OneOffPaymentRules.InvoiceAndChargeAsync(scope, payments, p, method, $"link:{Ids.New("k")[2..]}", ct);
            if (!outcome.Succeeded)
            {
                // Rolled back: no invoice (and no invoice number) for a declined attempt.
                declined = outcome;
                return Error.Invalid(outcome.FailureCode ?? "card_declined", outcome.FailureMessage ?? "The charge failed.");
            }
            InvoiceBuilder.RecordCreated(scope, invoice);
            var settled = OneOffPaymentRules.SettledTransaction(db, invoice);
            p.Status = OneOffPaymentStatus.Succeeded;
            p.Provider = settled?.Provider ?? p.Provider;
            p.InvoiceId = invoice.Id;
            p.TransactionId = settled?.Id;
            p.PaidAt = scope.Now;
            p.UpdatedAt = scope.Now;
            EventRecorder.Record(db, scope.Tenant, PaymentLinkCompletedData.Of(p, invoice), scope.Now, null, p.CustomerId);
            return T["Hosted.Received"];
        }, ct);
        if (paid.IsSuccess || declined is not { } d)
        {
            return paid;
        }
        // The decline is kept: the link is marked failed (still payable), its page opens again, and the merchant hears of it.
        await scope.Db.InTransactionAsync<bool>(async () =>
        {
            var db = scope.Db;
            var p = await db.OneOffPayments.FirstOrDefaultAsync(x => x.Id == paymentId && OneOffPaymentStatus.Open.Contains(x.Status), ct);
            if (p is null)
            {
                return false;
            }
            p.Status = OneOffPaymentStatus.Failed;
            p.UpdatedAt = scope.Now;
            await db.HostedSessions.Where(s => s.Id == sessionId)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.CompletedAt, (DateTime?)null).SetProperty(s => s.CheckoutPaymentId, (string?)null), ct);
            EventRecorder.Record(db, scope.Tenant, PaymentLinkFailedData.Of(p, d.FailureCode ?? "card_declined", d.FailureMessage ?? "The charge failed."),
                scope.Now, null, p.CustomerId);
            return true;
        }, ct);
        return paid;
    }
}

using System.Globalization;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.HostedPages;

/// <summary>What a hosted page is for, which decides its wording and what it shows.</summary>
public enum PayPurpose
{
    /// <summary>The first invoice of a pending_payment subscription.</summary>
    PayInvoice,

    /// <summary>A plan change (free → paid) waiting for a card.</summary>
    ChangePlan,

    /// <summary>A trial that needs a card on file; nothing is charged now.</summary>
    TrialCard,

    /// <summary>The outstanding invoice of a past_due subscription.</summary>
    Recovery,

    /// <summary>Replace the default card.</summary>
    UpdateCard,

    /// <summary>Any other checkout: a card is added and the merchant's purpose completes.</summary>
    AddCard,
}

public sealed record PayLine(string Description, string Amount);

/// <summary>Everything a hosted page shows about what is being paid. Built from the session; never holds card data.</summary>
public sealed class PayView
{
    public required string Merchant { get; init; }
    public required bool Sandbox { get; init; }
    public required PayPurpose Purpose { get; init; }
    public required string Heading { get; init; }
    public string? Intro { get; init; }

    /// <summary>"Invoice INV-000123", when an invoice is being paid.</summary>
    public string? Reference { get; init; }
    public IReadOnlyList<PayLine> Lines { get; init; } = [];
    public string? TotalLabel { get; init; }
    public string? Total { get; init; }

    /// <summary>The card on file ("Visa •••• 4242, expires 12/29"), shown on the card-update page.</summary>
    public string? CurrentCard { get; init; }

    /// <summary>For recovery: the saved card the customer may pay with ("Visa •••• 4242").</summary>
    public string? SavedCard { get; init; }
    public required string SubmitLabel { get; init; }
    public string? ReturnUrl { get; init; }

    /// <summary>Set when the link is valid but there is nothing left to do (already paid, plan gone, …).</summary>
    public string? NothingDue { get; init; }
}

public static class PayViews
{
    /// <summary>
    /// Reads what the session's page shows. Scopes <paramref name="db"/> to the session's organization and
    /// mode first, so every read below stays inside that tenant.
    /// </summary>
    public static async Task<PayView> LoadAsync(CommetDb db, HostedSession session, CancellationToken ct)
    {
        db.ScopeTo(session.OrganizationId, session.Livemode);
        var merchant = await MerchantNameAsync(db, session.OrganizationId, ct);
        var returnUrl = ReturnUrls.IsSafe(session.ReturnUrl) ? session.ReturnUrl : null;
        var subscription = session.SubscriptionId is null ? null
            : await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == session.SubscriptionId, ct);
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == session.CustomerId, ct);
        var card = await db.PaymentMethods.AsNoTracking()
            .Where(m => m.CustomerId == session.CustomerId && m.IsDefault && m.DetachedAt == null)
            .FirstOrDefaultAsync(ct);
        var sandbox = !session.Livemode;

        if (session.Kind == HostedKinds.PaymentMethod)
        {
            var overdue = subscription?.Status == SubscriptionStatus.PastDue ? await OutstandingAsync(db, subscription.OutstandingInvoiceId, ct) : null;
            return new PayView
            {
                Merchant = merchant,
                Sandbox = sandbox,
                Purpose = PayPurpose.UpdateCard,
                Heading = "Update your payment method",
                Intro = overdue is null
                    ? $"The new card replaces the one on file for future payments to {merchant}."
                    : $"The new card replaces the one on file, and the overdue invoice {overdue.Number} ({Amount(overdue.Total, overdue.Currency)}) is charged to it right away.",
                CurrentCard = card is null ? null : $"{CardText(card)}, expires {card.ExpMonth:D2}/{card.ExpYear % 100:D2}",
                SubmitLabel = overdue is null ? "Save card" : $"Save card and pay {Amount(overdue.Total, overdue.Currency)}",
                ReturnUrl = returnUrl,
            };
        }

        if (session.Kind == HostedKinds.Recovery)
        {
            var invoice = await InvoiceWithLinesAsync(db, session.InvoiceId ?? subscription?.OutstandingInvoiceId, ct);
            if (invoice is null || invoice.Status != InvoiceStatus.Outstanding || subscription?.Status != SubscriptionStatus.PastDue)
            {
                return Nothing(merchant, sandbox, PayPurpose.Recovery, returnUrl,
                    "Nothing is due on this link any more: the invoice has been paid or closed.");
            }
            return FromInvoice(invoice, merchant, sandbox, PayPurpose.Recovery, "Pay your overdue invoice",
                $"Your last payment to {merchant} did not go through. Pay now to keep your subscription active.", returnUrl,
                card is null ? null : CardText(card));
        }

        // Checkout: a plan change waiting for a card, a pending first invoice, a trial that needs a card, or a purchase.
        if (session.TargetPlanId is not null)
        {
            var plan = await Catalog.PlanGraph.LoadAsync(db, session.TargetPlanId, ct);
            var price = plan is null || plan.IsDeleted ? null : Catalog.PlanGraph.PriceFor(plan, session.TargetInterval);
            if (plan is null || price is null || subscription is null || !SubscriptionStatus.IsLive(subscription.Status))
            {
                return Nothing(merchant, sandbox, PayPurpose.ChangePlan, returnUrl, "This plan change is no longer available.");
            }
            var currency = subscription.Currency;
            var each = $"{Amount(price.Price, currency)} per {IntervalNoun(price.BillingInterval)}";
            return new PayView
            {
                Merchant = merchant,
                Sandbox = sandbox,
                Purpose = PayPurpose.ChangePlan,
                Heading = $"Switch to {plan.Name}",
                Intro = $"Add a card to move to {plan.Name}. It is charged now and at the start of each new period.",
                Lines = [new PayLine($"{plan.Name} ({IntervalAdjective(price.BillingInterval)})", Amount(price.Price, currency))],
                TotalLabel = "Price",
                Total = each,
                SubmitLabel = $"Pay {Amount(price.Price, currency)} and switch",
                ReturnUrl = returnUrl,
            };
        }

        var pendingInvoiceId = session.InvoiceId ?? (subscription?.Status == SubscriptionStatus.PendingPayment ? subscription.OutstandingInvoiceId : null);
        if (pendingInvoiceId is not null)
        {
            var invoice = await InvoiceWithLinesAsync(db, pendingInvoiceId, ct);
            if (invoice is null || invoice.Status != InvoiceStatus.Outstanding || subscription?.Status != SubscriptionStatus.PendingPayment)
            {
                return Nothing(merchant, sandbox, PayPurpose.PayInvoice, returnUrl,
                    "Nothing is due on this link any more: the invoice has been paid or closed.");
            }
            var heading = invoice.PlanName is { Length: > 0 } planName ? $"Subscribe to {planName}" : $"Pay invoice {invoice.Number}";
            return FromInvoice(invoice, merchant, sandbox, PayPurpose.PayInvoice, heading, null, returnUrl, null);
        }

        if (subscription?.Status == SubscriptionStatus.Trialing)
        {
            var plan = await db.Plans.AsNoTracking().Where(p => p.Id == subscription.PlanId).Select(p => p.Name).FirstOrDefaultAsync(ct);
            var trialEnd = subscription.TrialEndsAt ?? subscription.CurrentPeriodEnd;
            var then = subscription.BillingInterval is { } interval && subscription.BasePrice > 0
                ? $"{Amount(subscription.BasePrice, subscription.Currency)} per {IntervalNoun(interval)}"
                : null;
            return new PayView
            {
                Merchant = merchant,
                Sandbox = sandbox,
                Purpose = PayPurpose.TrialCard,
                Heading = plan is null ? "Add a card for your trial" : $"Add a card for your {plan} trial",
                Intro = $"You will not be charged today. Your trial ends on {Date(trialEnd, customer?.Timezone)}"
                    + (then is null ? "." : $"; then {then} is charged to this card unless you cancel before."),
                SubmitLabel = "Save card",
                ReturnUrl = returnUrl,
            };
        }

        return new PayView
        {
            Merchant = merchant,
            Sandbox = sandbox,
            Purpose = PayPurpose.AddCard,
            Heading = "Add a payment method",
            Intro = $"Add a card to continue with {merchant}.",
            SubmitLabel = "Save card",
            ReturnUrl = returnUrl,
        };
    }

    public static async Task<string> MerchantNameAsync(CommetDb db, string organizationId, CancellationToken ct) =>
        await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId).Select(o => o.Name).FirstOrDefaultAsync(ct) ?? "the merchant";

    /// <summary>"$49.00", "¥500": the amount in its currency's own format.</summary>
    public static string Amount(long minorUnits, string currency) =>
        Currency.IsKnown(currency) ? new Money(minorUnits, Currency.Of(currency)).Format() : $"{minorUnits} {currency}";

    /// <summary>"Visa •••• 4242".</summary>
    public static string CardText(PaymentMethod card) => $"{BrandName(card.Brand)} •••• {card.Last4}";

    public static string BrandName(string brand) => brand switch
    {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        "discover" => "Discover",
        _ => "Card",
    };

    private static PayView FromInvoice(Invoice invoice, string merchant, bool sandbox, PayPurpose purpose, string heading, string? intro,
        string? returnUrl, string? savedCard)
    {
        var lines = invoice.Lines.OrderBy(l => l.Position).Select(l => new PayLine(l.Description, Amount(l.Amount, invoice.Currency))).ToList();
        if (invoice.DiscountAmount != 0)
        {
            lines.Add(new PayLine("Discount", Amount(-invoice.DiscountAmount, invoice.Currency)));
        }
        if (invoice.TaxAmount != 0)
        {
            lines.Add(new PayLine("Tax", Amount(invoice.TaxAmount, invoice.Currency)));
        }
        var total = Amount(invoice.Total, invoice.Currency);
        return new PayView
        {
            Merchant = merchant,
            Sandbox = sandbox,
            Purpose = purpose,
            Heading = heading,
            Intro = intro,
            Reference = $"Invoice {invoice.Number}",
            Lines = lines,
            TotalLabel = "Total due",
            Total = total,
            SavedCard = savedCard,
            SubmitLabel = $"Pay {total}",
            ReturnUrl = returnUrl,
        };
    }

    private static PayView Nothing(string merchant, bool sandbox, PayPurpose purpose, string? returnUrl, string message) => new()
    {
        Merchant = merchant,
        Sandbox = sandbox,
        Purpose = purpose,
        Heading = "Nothing to pay",
        NothingDue = message,
        SubmitLabel = "",
        ReturnUrl = returnUrl,
    };

    private static Task<Invoice?> InvoiceWithLinesAsync(CommetDb db, string? id, CancellationToken ct) =>
        id is null ? Task.FromResult<Invoice?>(null) : db.Invoices.AsNoTracking().Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == id, ct);

    private static Task<Invoice?> OutstandingAsync(CommetDb db, string? id, CancellationToken ct) =>
        id is null ? Task.FromResult<Invoice?>(null)
            : db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id && i.Status == InvoiceStatus.Outstanding, ct);

    private static string IntervalNoun(string interval) => interval switch
    {
        BillingIntervals.Weekly => "week",
        BillingIntervals.Quarterly => "quarter",
        BillingIntervals.Yearly => "year",
        _ => "month",
    };

    private static string IntervalAdjective(string interval) => interval switch
    {
        BillingIntervals.Weekly => "weekly",
        BillingIntervals.Quarterly => "quarterly",
        BillingIntervals.Yearly => "yearly",
        _ => "monthly",
    };

    /// <summary>A date in the customer's timezone when they have one, e.g. "March 3, 2026".</summary>
    private static string Date(DateTime utc, string? timezone)
    {
        var local = timezone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timezone, out var zone)
            ? TimeZoneInfo.ConvertTimeFromUtc(utc, zone)
            : utc;
        return local.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture);
    }
}

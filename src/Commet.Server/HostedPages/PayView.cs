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

    /// <summary>The merchant's logo (portal settings), when they set one.</summary>
    public string? LogoUrl { get; set; }
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
    private static Localization.Texts T => Localization.Texts.Shared;

    /// <summary>
    /// Reads what the session's page shows. Scopes <paramref name="db"/> to the session's organization and
    /// mode first, so every read below stays inside that tenant.
    /// </summary>
    public static async Task<PayView> LoadAsync(CommetDb db, HostedSession session, CancellationToken ct)
    {
        var view = await ViewAsync(db, session, ct);
        view.LogoUrl = await db.PortalSettings.AsNoTracking().Select(p => p.LogoUrl).FirstOrDefaultAsync(ct);
        return view;
    }

    private static async Task<PayView> ViewAsync(CommetDb db, HostedSession session, CancellationToken ct)
    {
        db.ScopeTo(session.OrganizationId, session.Livemode);
        var merchant = await MerchantNameAsync(db, session.OrganizationId, session.Livemode, ct);
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
                Heading = T["PayView.UpdateHeading"],
                Intro = overdue is null
                    ? T["PayView.UpdateIntro", ("merchant", merchant)]
                    : T["PayView.UpdateIntroOverdue", ("number", overdue.Number), ("amount", Amount(overdue.Total, overdue.Currency))],
                CurrentCard = card is null ? null : T["PayView.CardExpires", ("card", CardText(card)), ("date", $"{card.ExpMonth:D2}/{card.ExpYear % 100:D2}")],
                SubmitLabel = overdue is null ? T["Card.Save"] : T["Card.SaveAndPayAmount", ("amount", Amount(overdue.Total, overdue.Currency))],
                ReturnUrl = returnUrl,
            };
        }

        if (session.Kind == HostedKinds.Recovery)
        {
            var invoice = await InvoiceWithLinesAsync(db, session.InvoiceId ?? subscription?.OutstandingInvoiceId, ct);
            if (invoice is null || invoice.Status != InvoiceStatus.Outstanding || subscription?.Status != SubscriptionStatus.PastDue)
            {
                return Nothing(merchant, sandbox, PayPurpose.Recovery, returnUrl,
                    T["PayView.NothingDue"]);
            }
            return FromInvoice(invoice, merchant, sandbox, PayPurpose.Recovery, T["PayView.RecoveryHeading"],
                T["PayView.RecoveryIntro", ("merchant", merchant)], returnUrl,
                card is null ? null : CardText(card));
        }

        if (PendingPurchase.FromJson(session.PurchaseJson) is { Action: PendingPurchase.PaymentLink, Id: { } paymentId })
        {
            // A payment link: its description and amount, payable while it is pending (or a card was declined).
            var payment = await db.OneOffPayments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == paymentId, ct);
            if (payment is null || !OneOffPaymentStatus.Open.Contains(payment.Status))
            {
                return Nothing(merchant, sandbox, PayPurpose.PayInvoice, returnUrl, T["PayView.NothingDue"]);
            }
            var total = Amount(payment.AmountTotal, payment.Currency);
            return new PayView
            {
                Merchant = merchant,
                Sandbox = sandbox,
                Purpose = PayPurpose.PayInvoice,
                Heading = payment.Description,
                Lines = [new PayLine(payment.Description, total)],
                TotalLabel = T["PayView.TotalDue"],
                Total = total,
                SubmitLabel = T["PayView.PayAmount", ("amount", total)],
                ReturnUrl = returnUrl,
            };
        }

        // Checkout: a plan change waiting for a card, a pending first invoice, a trial that needs a card, or a purchase.
        if (session.TargetPlanId is not null)
        {
            var plan = await Catalog.PlanGraph.LoadAsync(db, session.TargetPlanId, ct);
            var price = plan is null || plan.IsDeleted || subscription is null ? null
                : Catalog.PlanGraph.PriceFor(plan, session.TargetInterval)?.In(subscription.Currency);
            if (plan is null || price is null || subscription is null || !SubscriptionStatus.IsLive(subscription.Status))
            {
                return Nothing(merchant, sandbox, PayPurpose.ChangePlan, returnUrl, T["PayView.ChangeGone"]);
            }
            var currency = subscription.Currency;
            var each = $"{Amount(price.Price, currency)} {Portal.PortalFormat.Per(price.BillingInterval)}";
            return new PayView
            {
                Merchant = merchant,
                Sandbox = sandbox,
                Purpose = PayPurpose.ChangePlan,
                Heading = T["PayView.SwitchHeading", ("plan", plan.Name)],
                Intro = T["PayView.SwitchIntro", ("plan", plan.Name)],
                Lines = [new PayLine($"{plan.Name} ({Portal.PortalFormat.IntervalAdjective(price.BillingInterval).ToLower(CultureInfo.CurrentCulture)})", Amount(price.Price, currency))],
                TotalLabel = T["Overview.Price"],
                Total = each,
                SubmitLabel = T["PayView.PayAndSwitch", ("amount", Amount(price.Price, currency))],
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
                    T["PayView.NothingDue"]);
            }
            var heading = invoice.PlanName is { Length: > 0 } planName ? T["PayView.Subscribe", ("plan", planName)] : T["PayView.PayInvoice", ("number", invoice.Number)];
            return FromInvoice(invoice, merchant, sandbox, PayPurpose.PayInvoice, heading, null, returnUrl, null);
        }

        if (subscription?.Status == SubscriptionStatus.Trialing)
        {
            var plan = await db.Plans.AsNoTracking().Where(p => p.Id == subscription.PlanId).Select(p => p.Name).FirstOrDefaultAsync(ct);
            var trialEnd = subscription.TrialEndsAt ?? subscription.CurrentPeriodEnd;
            var then = subscription.BillingInterval is { } interval && subscription.BasePrice > 0
                ? $"{Amount(subscription.BasePrice, subscription.Currency)} {Portal.PortalFormat.Per(interval)}"
                : null;
            return new PayView
            {
                Merchant = merchant,
                Sandbox = sandbox,
                Purpose = PayPurpose.TrialCard,
                Heading = plan is null ? T["PayView.TrialHeading"] : T["PayView.TrialHeadingPlan", ("plan", plan)],
                Intro = then is null ? T["PayView.TrialIntro", ("date", Date(trialEnd, customer?.Timezone))]
                    : T["PayView.TrialIntroThen", ("date", Date(trialEnd, customer?.Timezone)), ("then", then)],
                SubmitLabel = T["Card.Save"],
                ReturnUrl = returnUrl,
            };
        }

        return new PayView
        {
            Merchant = merchant,
            Sandbox = sandbox,
            Purpose = PayPurpose.AddCard,
            Heading = T["PayView.AddHeading"],
            Intro = T["PayView.AddIntro", ("merchant", merchant)],
            SubmitLabel = T["Card.Save"],
            ReturnUrl = returnUrl,
        };
    }

    /// <summary>The portal's display name in the link's mode (as the portal and emails show it), else the organization's name.</summary>
    public static async Task<string> MerchantNameAsync(CommetDb db, string organizationId, bool livemode, CancellationToken ct)
    {
        var display = await db.PortalSettings.IgnoreQueryFilters().AsNoTracking()
            .Where(p => p.OrganizationId == organizationId && p.Livemode == livemode).Select(p => p.DisplayName).FirstOrDefaultAsync(ct);
        return !string.IsNullOrWhiteSpace(display) ? display
            : await db.Organizations.AsNoTracking().Where(o => o.Id == organizationId).Select(o => o.Name).FirstOrDefaultAsync(ct) ?? T["Pay.TheMerchant"];
    }

    /// <summary>"$49.00", "¥500": the amount in its currency's own format.</summary>
    public static string Amount(long minorUnits, string currency) =>
        Currency.IsKnown(currency) ? Portal.PortalFormat.Money(minorUnits, currency) : $"{minorUnits} {currency}";

    /// <summary>"Visa •••• 4242".</summary>
    public static string CardText(PaymentMethod card) => $"{BrandName(card.Brand)} •••• {card.Last4}";

    public static string BrandName(string brand) => brand switch
    {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        "discover" => "Discover",
        _ => T["Card.Brand.other"],
    };

    private static PayView FromInvoice(Invoice invoice, string merchant, bool sandbox, PayPurpose purpose, string heading, string? intro,
        string? returnUrl, string? savedCard)
    {
        var lines = invoice.Lines.OrderBy(l => l.Position).Select(l => new PayLine(l.Description, Amount(l.Amount, invoice.Currency))).ToList();
        if (invoice.DiscountAmount != 0)
        {
            lines.Add(new PayLine(T["Invoice.Discount"], Amount(-invoice.DiscountAmount, invoice.Currency)));
        }
        if (invoice.TaxAmount != 0)
        {
            lines.Add(new PayLine(T["Invoice.Tax"], Amount(invoice.TaxAmount, invoice.Currency)));
        }
        var total = Amount(invoice.Total, invoice.Currency);
        return new PayView
        {
            Merchant = merchant,
            Sandbox = sandbox,
            Purpose = purpose,
            Heading = heading,
            Intro = intro,
            Reference = T["Invoice.Title", ("number", invoice.Number)],
            Lines = lines,
            TotalLabel = T["PayView.TotalDue"],
            Total = total,
            SavedCard = savedCard,
            SubmitLabel = T["PayView.PayAmount", ("amount", total)],
            ReturnUrl = returnUrl,
        };
    }

    private static PayView Nothing(string merchant, bool sandbox, PayPurpose purpose, string? returnUrl, string message) => new()
    {
        Merchant = merchant,
        Sandbox = sandbox,
        Purpose = purpose,
        Heading = T["PayView.NothingHeading"],
        NothingDue = message,
        SubmitLabel = "",
        ReturnUrl = returnUrl,
    };

    private static Task<Invoice?> InvoiceWithLinesAsync(CommetDb db, string? id, CancellationToken ct) =>
        id is null ? Task.FromResult<Invoice?>(null) : db.Invoices.AsNoTracking().Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == id, ct);

    private static Task<Invoice?> OutstandingAsync(CommetDb db, string? id, CancellationToken ct) =>
        id is null ? Task.FromResult<Invoice?>(null)
            : db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id && i.Status == InvoiceStatus.Outstanding, ct);

    /// <summary>A date in the customer's timezone when they have one, e.g. "March 3, 2026".</summary>
    private static string Date(DateTime utc, string? timezone)
    {
        var local = timezone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timezone, out var zone)
            ? TimeZoneInfo.ConvertTimeFromUtc(utc, zone)
            : utc;
        return local.ToString(T.Raw("Format.LongDate", CultureInfo.CurrentCulture), CultureInfo.CurrentCulture);
    }
}

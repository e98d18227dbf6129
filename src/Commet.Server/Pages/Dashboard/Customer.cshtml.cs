using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Billing;
using Commet.Server.Customers;
using Commet.Server.Dashboard;
using Commet.Server.Infrastructure;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Commet.Server.Usage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// One customer (found by our ID or the merchant's, in this organization and mode only — anything else is 404):
/// details, subscriptions, invoices; support may open the portal as the customer (the API's request-access link).
/// </summary>
public sealed class CustomerModel(PortalSessions sessions, PortalBrandings brandings, IOptions<CommetOptions> options, CancelSubscription cancel, BillingScopes scopes,
    PreviewPlanChange preview, ChangePlan change, AdjustBalance adjust, PaymentService payments, CreateSubscription subscribe, ReadQuotas quotas,
    ChangeQuota changeQuota, SubscriptionViews views)
    : DashboardPageModel
{
    public override string Section => "customers";

    public Customer Customer { get; private set; } = null!;

    public IReadOnlyList<Subscription> Subscriptions { get; private set; } = [];

    public IReadOnlyDictionary<string, string> PlanNames { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyList<Invoice> Invoices { get; private set; } = [];

    /// <summary>The catalog's plans (not archived), for starting a subscription.</summary>
    public IReadOnlyList<Plan> Plans { get; private set; } = [];

    /// <summary>Plans the subscription may move to (the catalog's plans other than its own).</summary>
    public IReadOnlyList<Plan> OtherPlans { get; private set; } = [];

    /// <summary>The preview of a plan change asked for with the Preview button.</summary>
    public PlannedChange? Preview { get; private set; }

    public string? PreviewPlanId { get; private set; }

    public string? PreviewInterval { get; private set; }

    /// <summary>The quota features of the live subscription's plan with their balances (the API's <c>GET /usage/quota/all</c>).</summary>
    public IReadOnlyList<QuotaAllowance> Quotas { get; private set; } = [];

    /// <summary>Which form the field errors belong to (<c>quota-{featureCode}</c>), and the errors by field.</summary>
    public string? FailedForm { get; private set; }

    public IReadOnlyDictionary<string, string> FieldErrors { get; private set; } = new Dictionary<string, string>();

    /// <summary>What was typed in the refused form, to show it again.</summary>
    public string? Entered { get; private set; }

    /// <summary>How many ledger entries, transactions and events the page shows (the lists linked beside them show the rest).</summary>
    public const int Recent = 10;

    /// <summary>
    /// The live subscription's read-out as the API's <c>GET /subscriptions/{id}</c> and the portal's usage page report it
    /// (<see cref="SubscriptionViews"/>): per feature used, included and beyond the included this period; credits or balance left.
    /// </summary>
    public SubscriptionDto? Usage { get; private set; }

    /// <summary>The newest credits or balance ledger entries of this customer's subscriptions (signed; credits, or rate scale for balance).</summary>
    public IReadOnlyList<LedgerEntry> Ledger { get; private set; } = [];

    /// <summary>Whether there are more ledger entries than <see cref="Ledger"/> shows.</summary>
    public bool MoreLedger { get; private set; }

    public IReadOnlyDictionary<string, string> SubscriptionCurrencies { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyList<PaymentTransaction> Transactions { get; private set; } = [];

    public IReadOnlyList<BillingEvent> Events { get; private set; } = [];

    /// <summary>A count as the page shows it: 1,080 or 2.5.</summary>
    public static string Quantity(decimal q) => q.ToString("#,0.######", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A balance amount (rate scale, 10000 = 1.00) in money, rounded to the minor unit as the renewal bills it.</summary>
    public static string BalanceMoney(long rate, string currency) =>
        (rate < 0 ? "-" : "") + DashboardText.Money(Consumption.MinorOfRate(Math.Abs(rate), Currency.Of(currency)), currency);

    /// <summary>A ledger entry's signed amount: credits, or money for a balance.</summary>
    public string LedgerAmount(LedgerEntry e) => e.Kind == AccountKinds.Balance
        ? (e.Amount > 0 ? "+" : "") + BalanceMoney(e.Amount, SubscriptionCurrencies.GetValueOrDefault(e.SubscriptionId) ?? "USD")
        : (e.Amount > 0 ? "+" : "") + e.Amount.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture) + " credits";

    public string? ErrorFor(string form, string field) => FailedForm == form ? FieldErrors.GetValueOrDefault(field) : null;

    public async Task<IActionResult> OnGetAsync(string id)
    {
        var customer = await CustomerRules.FindAsync(Db, id, Ct);
        if (customer is null)
        {
            return NotFound();
        }
        Customer = customer;
        Subscriptions = await Db.Subscriptions.AsNoTracking().Where(s => s.CustomerId == customer.Id)
            .OrderByDescending(s => s.Id).Take(5).ToListAsync(Ct);
        var planIds = Subscriptions.Select(s => s.PlanId).Distinct().ToList();
        PlanNames = await Db.Plans.AsNoTracking().Where(p => planIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, Ct);
        Invoices = await Db.Invoices.AsNoTracking().Where(i => i.CustomerId == customer.Id)
            .OrderByDescending(i => i.Id).Take(20).ToListAsync(Ct);
        var current = Subscriptions.Select(s => s.PlanId).ToList();
        Plans = await Db.Plans.AsNoTracking().Where(p => p.DeletedAt == null).OrderBy(p => p.Code).ToListAsync(Ct);
        OtherPlans = Plans.Where(p => !current.Contains(p.Id)).ToList();
        if (Subscriptions.Any(s => SubscriptionStatus.IsLive(s.Status)))
        {
            // No live subscription, or a plan without quota features: nothing to show (the API would answer 404).
            var scope = await scopes.ForAsync(Db, Organization.Id, Livemode, BillingScopes.BaseUrlOf(Request), Ct);
            var read = await quotas.HandleAsync(scope, customer.Id, null, one: false, Ct);
            Quotas = read.IsSuccess ? read.Value : [];
            Usage = await views.ToDtoAsync(scope, Subscriptions.First(s => SubscriptionStatus.IsLive(s.Status)), Ct);
        }
        // Read-only, each a bounded query on this customer's rows (the tenant filters keep them to this organization and mode).
        var subscriptionIds = Subscriptions.Select(s => s.Id).ToList();
        SubscriptionCurrencies = Subscriptions.ToDictionary(s => s.Id, s => s.Currency);
        var ledger = await LedgerQueries.NewestAsync(Db, subscriptionIds, Recent + 1, Ct);
        MoreLedger = ledger.Count > Recent;
        Ledger = ledger.Take(Recent).ToList();
        Transactions = await Db.Transactions.AsNoTracking().Where(x => x.CustomerId == customer.Id)
            .OrderByDescending(x => x.Id).Take(Recent).ToListAsync(Ct);
        Events = await Db.Events.AsNoTracking().Where(e => e.CustomerId == customer.Id)
            .OrderByDescending(e => e.Id).Take(Recent).ToListAsync(Ct);
        return Page();
    }

    /// <summary>
    /// Sets a quota feature's balance to an exact count with the API's <c>PUT /usage/quota</c> (a raise beyond what the
    /// period paid for is billed pro rata on the next renewal; lowering it refunds nothing).
    /// </summary>
    [Requires(Capability.CustomerActions)]
    public async Task<IActionResult> OnPostQuotaAsync(string id, string? featureCode, string? count)
    {
        var customer = await CustomerRules.FindAsync(Db, id, Ct);
        if (customer is null)
        {
            return NotFound();
        }
        var form = "quota-" + featureCode;
        var check = new Http.Check();
        long? value = null;
        if (string.IsNullOrWhiteSpace(count))
        {
            check.Add("count", "count is required.");
        }
        else if (long.TryParse(count.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
        }
        else
        {
            check.Add("count", "count must be a whole number.");
        }
        if (check.Failed)
        {
            return await FailAsync(id, check.ToError(), form, count);
        }
        var scope = await scopes.ForAsync(Db, Organization.Id, Livemode, BillingScopes.BaseUrlOf(Request), Ct);
        var result = await changeQuota.HandleAsync(scope, new QuotaRequest { CustomerId = customer.Id, FeatureCode = featureCode, Count = value },
            ChangeQuota.QuotaVerb.Set, Ct);
        if (!result.IsSuccess)
        {
            return await FailAsync(id, result.Error!, form, count);
        }
        var e = result.Value.Event;
        await AuditAsync(AuditActions.QuotaSet, $"{e.SubscriptionId} {e.FeatureCode} {e.PreviousBalance} → {e.NewBalance}");
        return Redirect(Path("customers/" + Uri.EscapeDataString(customer.Id)) + "?quota=" + Uri.EscapeDataString(e.FeatureCode) + "&balance="
            + e.NewBalance.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Opens the customer's portal in this browser with a single-use link, as the API's request-access makes it.</summary>
    [Requires(Capability.CustomerActions)]
    public async Task<IActionResult> OnPostPortalAsync(string? customerId)
    {
        var customer = string.IsNullOrEmpty(customerId) ? null : await CustomerRules.FindAsync(Db, customerId, Ct);
        if (customer is null)
        {
            return NotFound();
        }
        var url = await RequestAccess.CreateLinkAsync(Db, customer, Organization.Id, Livemode, returnUrl: null, locale: null, sessions, brandings,
            RequestAccess.BaseUrl(options.Value, Request), Ct);
        await AuditAsync(AuditActions.PortalOpened, customer.Id);
        return Redirect(url);
    }

    /// <summary>
    /// Starts a subscription with the API's create subscription (trial, charged to the saved card, or waiting for a
    /// first payment, as the API decides). Only when the customer has no live subscription (the API refuses a second).
    /// </summary>
    [Requires(Capability.CustomerActions)]
    public async Task<IActionResult> OnPostSubscribeAsync(string id, string? planId, string? billingInterval)
    {
        var customer = await CustomerRules.FindAsync(Db, id, Ct);
        if (customer is null)
        {
            return NotFound();
        }
        var scope = await scopes.ForAsync(Db, Organization.Id, Livemode, BillingScopes.BaseUrlOf(Request), Ct);
        var result = await subscribe.HandleAsync(scope, new CreateSubscriptionRequest
        {
            CustomerId = customer.Id,
            PlanId = string.IsNullOrEmpty(planId) ? null : planId,
            BillingInterval = string.IsNullOrEmpty(billingInterval) ? null : billingInterval,
        }, Ct);
        if (!result.IsSuccess)
        {
            return await FailAsync(id, result.Error!);
        }
        await AuditAsync(AuditActions.SubscriptionCreated, $"{result.Value.Id} {result.Value.PlanId} ({result.Value.Status})");
        return Redirect(Path("customers/" + Uri.EscapeDataString(customer.Id)) + "?subscribed=" + Uri.EscapeDataString(result.Value.Status));
    }

    /// <summary>Cancels one of this customer's subscriptions with the API's cancel: at the period end, or at once when asked.</summary>
    [Requires(Capability.CustomerActions)]
    public async Task<IActionResult> OnPostCancelAsync(string id, string? subscriptionId, string? immediate, string? reason)
    {
        var customer = await CustomerRules.FindAsync(Db, id, Ct);
        var subscription = customer is null || string.IsNullOrEmpty(subscriptionId) ? null
            : await Db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionId && s.CustomerId == customer.Id, Ct);
        if (customer is null || subscription is null)
        {
            return NotFound();
        }
        var scope = await scopes.ForAsync(Db, Organization.Id, Livemode, BillingScopes.BaseUrlOf(Request), Ct);
        var result = await cancel.HandleAsync(scope, subscription.Id,
            new CancelSubscriptionRequest { Immediate = immediate == "true", Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() }, Ct);
        if (!result.IsSuccess)
        {
            Db.ChangeTracker.Clear();
            var page = await OnGetAsync(id);
            Response.StatusCode = result.Error!.Status;
            Problem = DashboardText.Describe(result.Error);
            return page;
        }
        await AuditAsync(AuditActions.SubscriptionCanceled, subscription.Id + (immediate == "true" ? " (now)" : " (at period end)"));
        return Redirect(Path("customers/" + Uri.EscapeDataString(customer.Id)) + "?canceled=1");
    }

    private async Task<(Customer? Customer, Subscription? Subscription)> FindSubscriptionAsync(string id, string? subscriptionId)
    {
        var customer = await CustomerRules.FindAsync(Db, id, Ct);
        var subscription = customer is null || string.IsNullOrEmpty(subscriptionId) ? null
            : await Db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionId && s.CustomerId == customer.Id, Ct);
        return (customer, subscription);
    }

    private async Task<IActionResult> FailAsync(string id, Error error, string? form = null, string? entered = null)
    {
        Db.ChangeTracker.Clear();
        var page = await OnGetAsync(id);
        Response.StatusCode = error.Status;
        Problem = DashboardText.Describe(error);
        FailedForm = form;
        Entered = entered;
        FieldErrors = DashboardText.Fields(error);
        return page;
    }

    /// <summary>What a plan change would charge now (the API's preview); a downgrade says it waits for the period end.</summary>
    [Requires(Capability.CustomerActions)]
    public async Task<IActionResult> OnPostPreviewAsync(string id, string? subscriptionId, string? planId, string? billingInterval)
    {
        var (customer, subscription) = await FindSubscriptionAsync(id, subscriptionId);
        if (customer is null || subscription is null)
        {
            return NotFound();
        }
        var interval = string.IsNullOrEmpty(billingInterval) ? null : billingInterval;
        var scope = await scopes.ForAsync(Db, Organization.Id, Livemode, BillingScopes.BaseUrlOf(Request), Ct);
        var result = await preview.HandleAsync(scope, subscription.Id, new PreviewChangeRequest { PlanId = planId, BillingInterval = interval }, Ct);
        Db.ChangeTracker.Clear();
        var page = await OnGetAsync(id);
        PreviewPlanId = planId;
        PreviewInterval = interval;
        if (result.IsSuccess)
        {
            Preview = result.Value;
        }
        else if (result.Error!.Code == "plan_change_scheduled")
        {
            Notice = "This change is a downgrade: applied, it takes effect at the end of the current period, with nothing charged now.";
        }
        else
        {
            PreviewPlanId = null;
            Response.StatusCode = result.Error.Status;
            Problem = DashboardText.Describe(result.Error);
        }
        return page;
    }

    /// <summary>Applies a plan change with the API's change-plan: an upgrade now (prorated, charged), a downgrade at the period end.</summary>
    [Requires(Capability.CustomerActions)]
    public async Task<IActionResult> OnPostChangePlanAsync(string id, string? subscriptionId, string? planId, string? billingInterval)
    {
        var (customer, subscription) = await FindSubscriptionAsync(id, subscriptionId);
        if (customer is null || subscription is null)
        {
            return NotFound();
        }
        var scope = await scopes.ForAsync(Db, Organization.Id, Livemode, BillingScopes.BaseUrlOf(Request), Ct);
        var result = await change.HandleAsync(scope, subscription.Id,
            new ChangePlanRequest { NewPlanId = planId, NewBillingInterval = string.IsNullOrEmpty(billingInterval) ? null : billingInterval }, Ct);
        if (!result.IsSuccess)
        {
            return await FailAsync(id, result.Error!);
        }
        await AuditAsync(AuditActions.PlanChanged, $"{subscription.Id} → {planId}" + (result.Value.Scheduled ? " (at period end)" : ""));
        if (result.Value.CheckoutUrl is { } checkout)
        {
            // Free → paid without a card: the customer pays on the hosted page; show the link to send them.
            var page = await OnGetAsync(id);
            Notice = "The customer has no card: send them this payment link to finish the change: " + checkout;
            return page;
        }
        return Redirect(Path("customers/" + Uri.EscapeDataString(customer.Id)) + (result.Value.Scheduled ? "?scheduled=1" : "?changed=1"));
    }

    /// <summary>A signed adjustment of a credits or balance subscription (the API's adjust balance), with the reason kept.</summary>
    [Requires(Capability.CustomerActions)]
    public async Task<IActionResult> OnPostAdjustAsync(string id, string? subscriptionId, string? amount, string? reason)
    {
        var (customer, subscription) = await FindSubscriptionAsync(id, subscriptionId);
        if (customer is null || subscription is null)
        {
            return NotFound();
        }
        if (!long.TryParse(amount?.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return await FailAsync(id, Error.Validation("amount", "amount must be a whole number (credits, or minor units of balance), negative to take away."));
        }
        var scope = await scopes.ForAsync(Db, Organization.Id, Livemode, BillingScopes.BaseUrlOf(Request), Ct);
        var result = await adjust.HandleAsync(scope, subscription.Id, new AdjustBalanceRequest { Amount = value, Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() }, Ct);
        if (!result.IsSuccess)
        {
            return await FailAsync(id, result.Error!);
        }
        await AuditAsync(AuditActions.BalanceAdjusted, $"{subscription.Id} {value:+#;-#;0}");
        return Redirect(Path("customers/" + Uri.EscapeDataString(customer.Id)) + "?adjusted=" + result.Value.NewBalance.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Sandbox only: attaches a test card as the customer's default payment method (the sandbox API's payment service call).</summary>
    [Requires(Capability.CustomerActions)]
    public async Task<IActionResult> OnPostTestCardAsync(string id, string? cardNumber)
    {
        if (Livemode)
        {
            return NotFound();
        }
        var customer = await CustomerRules.FindAsync(Db, id, Ct);
        if (customer is null)
        {
            return NotFound();
        }
        var check = new Http.Check().Required("cardNumber", cardNumber, 32);
        if (check.Failed)
        {
            return await FailAsync(id, check.ToError());
        }
        var scope = await scopes.ForAsync(Db, Organization.Id, Livemode, BillingScopes.BaseUrlOf(Request), Ct);
        var attached = await Db.InTransactionAsync(() =>
            payments.AttachCardAsync(Db, scope.Tenant, customer, new CardInput(cardNumber!, 12, scope.Now.Year + 3, null), scope.Now, null, Ct), Ct);
        if (!attached.IsSuccess)
        {
            return await FailAsync(id, attached.Error!);
        }
        await AuditAsync(AuditActions.TestCardAdded, $"{customer.Id} •••• {attached.Value.Last4}");
        return Redirect(Path("customers/" + Uri.EscapeDataString(customer.Id)) + "?card=" + attached.Value.Last4);
    }
}

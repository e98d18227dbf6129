using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Payments;
using Commet.Server.Portal;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Portal;

/// <summary>The overview: the subscription and its billing cycle, what is scheduled, the card, the latest invoices.</summary>
[ReadsOverview]
public sealed class IndexModel(RenewalInvoices renewals, SubscriptionViews views, Catalog.CatalogCache catalog) : PortalPageModel
{
    public override PortalSection Section => PortalSection.Overview;

    public Subscription? Subscription => Portal.Subscription;

    /// <summary>What the overview shows of the plan (no prices or features: they are not shown here).</summary>
    public PlanSummary? Plan { get; private set; }

    public string? ScheduledPlanName { get; private set; }

    /// <summary>What a plan change kept dormant by a pending cancellation switches to ("Starter"), for the cancellation banner.</summary>
    public string? DormantSwitch { get; private set; }

    public PaymentMethod? Card { get; private set; }

    public IReadOnlyList<InvoiceRow> RecentInvoices { get; private set; } = [];

    public Invoice? Overdue { get; private set; }

    /// <summary>
    /// What the next renewal (or trial end) will charge, built by the renewal's own code with usage so far; null when it
    /// bills nothing (cancellation scheduled, free plan, payment overdue).
    /// </summary>
    public Invoice? Upcoming { get; private set; }

    /// <summary>The balance, on balance plans.</summary>
    public PortalBalance? Balance { get; private set; }

    /// <summary>Credits left on a credits plan, as the usage page and the API's read-out count them.</summary>
    public CreditsDto? Credits { get; private set; }

    /// <summary>The names of the add-ons active on the subscription.</summary>
    public IReadOnlyList<string> Addons { get; private set; } = [];

    /// <summary>
    /// The limited usage and quota features' meters, closest to their limits first (the share of the allowance used),
    /// at most <see cref="MaxMeters"/>; the usage page lists them all.
    /// </summary>
    public IReadOnlyList<MeterView> Meters { get; private set; } = [];

    public const int MaxMeters = 3;

    /// <summary>Each seat feature's seats in use and included ("3 of 5 in use").</summary>
    public IReadOnlyList<(string Name, decimal Used, decimal Included)> Seats { get; private set; } = [];

    /// <summary>
    /// When a past-due subscription will be canceled if nobody pays: the engine's last dunning retry
    /// (<see cref="Domain.Billing.Subscription.RetryDays"/> after the failed charge); when it fails, the subscription ends.
    /// </summary>
    public DateTime? CancelsOn => Subscription is { Status: SubscriptionStatus.PastDue, PaymentFailedAt: { } failed }
        ? failed.AddDays(Domain.Billing.Subscription.RetryDays[^1])
        : null;

    /// <summary>The open checkout of a subscription waiting for a first payment or for a card before its trial ends.</summary>
    public HostedSession? Checkout { get; private set; }

    /// <summary>The public plans to start, one section per plan group, then the plans outside groups.</summary>
    public IReadOnlyList<PlanSection> StartChoices { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var db = Portal.Db;
        var s = Subscription;
        // The page saves nothing: plans come from the catalog snapshot at the version read with the session (no plan
        // query at all once the tenant's plans were read under it), and a tenant without add-ons skips their queries.
        await Portal.UseSharedCatalogAsync(catalog, Ct);
        Plan = await Portal.PlanAsync(Ct) is { } graph ? new PlanSummary(graph.Name, graph.Description, graph.PlanGroupId, graph.ConsumptionModel) : null;
        // The card and the latest invoices: read with the session (PostgreSQL), else in one round trip (one command of two statements).
        var shown = Portal.Branding.ShowInvoices ? PrefetchedOverview.Invoices : 0;
        (Card, var invoices) = Portal.Overview is { } read
            ? (read.Card, shown > 0 ? read.LatestInvoices : [])
            : await db.ReadCardAndInvoicesAsync(Portal.Session.OrganizationId, Portal.Livemode, Portal.Customer.Id, shown, Ct);
        RecentInvoices = invoices;
        if (s?.ScheduledPlanId is { } scheduled && scheduled != s.PlanId)
        {
            ScheduledPlanName = (await Portal.Scope.PlanAsync(scheduled, Ct))?.Name;
        }
        if (s is { CancelAtPeriodEnd: true, ScheduledChangeType: not null })
        {
            DormantSwitch = await PortalScheduledChange.TargetAsync(Portal, Ct);
        }
        if (s is { Status: SubscriptionStatus.PastDue or SubscriptionStatus.PendingPayment, OutstandingInvoiceId: { } overdue })
        {
            Overdue = await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == overdue, Ct);
        }
        if (s is not null && (s.Status == SubscriptionStatus.PendingPayment || (s.Status == SubscriptionStatus.Trialing && Card is null)))
        {
            Checkout = await HostedLinks.OpenCheckoutAsync(db, s.Id, Ct);
        }
        if (Plan?.ConsumptionModel == ConsumptionModels.Balance && Portal.HasLiveSubscription)
        {
            Balance = await PortalBalance.ReadAsync(Portal, await Portal.PlanAsync(Ct), Ct);
        }
        if (s is { Status: SubscriptionStatus.Active or SubscriptionStatus.Trialing, CancelAtPeriodEnd: false, IsFree: false })
        {
            Upcoming = await renewals.UpcomingAsync(Portal.Scope, s, Ct);
        }
        if (s is not null && Portal.HasLiveSubscription)
        {
            await ReadAtAGlanceAsync(s);
        }
        if (!Portal.HasLiveSubscription)
        {
            StartChoices = await PlanChoices.PublicPlansAsync(Portal, Ct);
        }
    }

    /// <summary>Credits left, active add-ons and seats, read as the API's subscription read-out reads them.</summary>
    private async Task ReadAtAGlanceAsync(Subscription s)
    {
        var view = await views.ToDtoAsync(Portal.Scope, s, Ct);
        Credits = view.Credits;
        Seats = view.Features.Where(f => f.Type == FeatureTypes.Seats && f.Usage is not null)
            .Select(f => (f.Name, f.Usage!.Current, f.Usage.Included)).ToList();
        // From the same read-out (no other query): metered features with an allowance (on credits and balance plans
        // usage is paid from the credits or balance shown above) and quotas, as the usage page words them.
        if (await Portal.PlanAsync(Ct) is { } plan)
        {
            var byCode = view.Features.ToDictionary(f => f.Code, StringComparer.Ordinal);
            var metered = plan.ConsumptionModel is not (ConsumptionModels.Credits or ConsumptionModels.Balance);
            Meters = plan.Features
                .Where(f => f.Enabled && !f.Unlimited && f.Feature is { } feature
                    && (feature.Type == FeatureTypes.Quota || (metered && feature.Type == FeatureTypes.Usage)))
                .Select(f => (Feature: f.Feature!, Usage: byCode.GetValueOrDefault(f.Feature!.Code)?.Usage))
                .Where(x => x.Usage is { Included: > 0 })
                .Select(x => new MeterView(x.Feature.Name, x.Usage!.Current, x.Usage.Included, false, T["Usage.MeterOf",
                    ("used", PortalFormat.Quantity(x.Usage.Current)), ("included", PortalFormat.Quantity(x.Usage.Included)), ("unit", UsageModel.Unit(x.Feature)),
                    ("verb", x.Feature.Type == FeatureTypes.Quota ? T["Usage.InUse"] : T["Usage.Used"])]))
                .OrderByDescending(m => m.Used / m.Max)
                .ThenBy(m => m.Label, StringComparer.CurrentCulture)
                .Take(MaxMeters)
                .ToList();
        }
        Addons = Portal.Scope.NoAddons ? [] : await (from a in Portal.Db.SubscriptionAddons.AsNoTracking()
                        where a.SubscriptionId == s.Id && a.Status == "active"
                        join addon in Portal.Db.Addons.AsNoTracking() on a.AddonId equals addon.Id
                        orderby addon.Name
                        select addon.Name).ToListAsync(Ct);
    }

    private static Localization.Texts T => Localization.Texts.Shared;
}

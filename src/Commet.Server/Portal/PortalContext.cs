using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Portal;

/// <summary>
/// Everything one portal request stands on: the session, the one customer it may see, that customer's
/// organization and mode (the database context is scoped to them), the billing scope (sandbox test clock
/// included), branding and formatting in the customer's time zone.
/// </summary>
public sealed class PortalContext
{
    public const string ItemKey = "commet.portal";

    public required PortalSession Session { get; init; }
    public required Customer Customer { get; set; }
    public required PortalBranding Branding { get; init; }
    public required BillingScope Scope { get; set; }
    public required PortalFormat Format { get; init; }
    public required string AccentCss { get; init; }
    public required string AccentHash { get; init; }

    /// <summary>The customer's live subscription, or else the most recent one (canceled); null if never subscribed.</summary>
    public Subscription? Subscription { get; set; }

    public CommetDb Db => Scope.Db;

    public bool Livemode => Session.Livemode;

    public DateTime Now => Scope.Now;

    public bool HasLiveSubscription => Subscription is not null && SubscriptionStatus.IsLive(Subscription.Status);

    /// <summary>
    /// The overview's card and latest invoices when they were read with the session (the overview page on PostgreSQL), else
    /// null. Dropped by <see cref="RefreshAsync"/>.
    /// </summary>
    public PrefetchedOverview? Overview { get; set; }

    /// <summary>The tenant's catalog version, read with the session (see <see cref="Catalog.CatalogCache"/>).</summary>
    public long CatalogVersion { get; init; }

    /// <summary>
    /// For read-only pages: from here on the billing scope reads plans from the tenant's shared catalog snapshot at
    /// <see cref="CatalogVersion"/> (no plan query once a plan was read under this version), and knows when the tenant
    /// has no add-on at all. Call it only on a page that saves nothing: the shared plans must never be changed or attached.
    /// </summary>
    public async Task UseSharedCatalogAsync(Catalog.CatalogCache cache, CancellationToken ct)
    {
        var snapshot = cache.For(Scope.Tenant, CatalogVersion);
        Scope = Scope with { Catalog = snapshot, NoAddons = !await snapshot.HasAddonsAsync(Db, ct) };
        planLoaded = false;
        plan = null;
    }

    private Plan? plan;
    private bool planLoaded;

    /// <summary>The subscription's plan with prices and features.</summary>
    public async Task<Plan?> PlanAsync(CancellationToken ct)
    {
        if (!planLoaded && Subscription is not null)
        {
            // Through the billing scope's cache, so the upcoming invoice and the page read the plan once.
            plan = await Scope.PlanAsync(Subscription.PlanId, ct);
        }
        planLoaded = true;
        return plan;
    }

    public Task<PaymentMethod?> CardAsync(CancellationToken ct) => PortalQueries.DefaultCard.Invoke(Db, Customer.Id, ct);

    /// <summary>Reloads the subscription after an operation changed it.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        Subscription = await CurrentSubscriptionAsync(Db, Customer.Id, ct);
        Overview = null;
        planLoaded = false;
        plan = null;
    }

    /// <summary>The live subscription if there is one, else the latest: one query either way.</summary>
    public static Task<Subscription?> CurrentSubscriptionAsync(CommetDb db, string customerId, CancellationToken ct) =>
        db.ReadCurrentSubscriptionAsync(customerId, ct);

    /// <summary>The subscription's currency, or the organization's when there is no subscription.</summary>
    public string Currency => Subscription?.Currency ?? Branding.Currency;

    public string Money(long minor) => PortalFormat.Money(minor, Currency);

    public string Money(long minor, string currency) => PortalFormat.Money(minor, currency);

    /// <summary>An invoice line as this customer reads it: their language, dates in their time zone (see <see cref="Invoices.InvoiceLineLabels"/>).</summary>
    public string LineLabel(Invoice invoice, InvoiceLine line) =>
        Invoices.InvoiceLineLabels.Label(invoice, line, new Invoices.InvoiceLineLabels.Reader(
            Localization.Texts.Shared.In(System.Globalization.CultureInfo.CurrentUICulture), Format.Period, minor => PortalFormat.Money(minor, invoice.Currency)));

    /// <summary>
    /// The subscription named by a form or URL must be the customer's own current one; anything else is
    /// answered as "not found", exactly like an ID that does not exist.
    /// </summary>
    public bool OwnsSubscription(string? id) => id is not null && Subscription is not null && Subscription.Id == id;
}

/// <summary>Builds the <see cref="PortalContext"/> of a request from its session cookie.</summary>
public sealed class PortalContexts(PortalSessions sessions, PortalBrandings brandings, BillingClock clock, Payments.HostedLinks links)
{
    public async Task<PortalContext?> ResolveAsync(HttpContext http, CommetDb db, CancellationToken ct)
    {
        if (http.Items.TryGetValue(PortalContext.ItemKey, out var existing) && existing is PortalContext done)
        {
            return done;
        }
        // One connection for the whole page rather than one per query.
        await db.Database.OpenConnectionAsync(ct);
        // The overview's GET reads its card and invoices with the session (the page model says which page it is; routing ran before).
        var overview = HttpMethods.IsGet(http.Request.Method) && http.GetEndpoint()?.Metadata.GetMetadata<ReadsOverviewAttribute>() is not null;
        var resolved = await sessions.ResolveAsync(db, http.Request.Cookies[PortalSessions.CookieName], ct, overview);
        if (resolved is null)
        {
            return null;
        }
        var (session, customer, simulated, catalogVersion, prefetched, prefetchedOverview) = resolved;
        // From here on every query of this request sees this organization and mode only.
        db.ScopeTo(session.OrganizationId, session.Livemode);
        var branding = await brandings.GetAsync(db, session.OrganizationId, session.Livemode, ct);
        // The billing scope the API would build (BillingScopes.ForAsync), with the test clock read along with the session.
        var scope = new BillingScope(db, new Tenant(session.OrganizationId, session.Livemode), clock.NowFrom(session.Livemode, simulated),
            links.Base(BillingScopes.BaseUrlOf(http.Request)));
        var accentCss = PortalStyles.AccentCss(branding.Accent, branding.OnAccent);
        var context = new PortalContext
        {
            Session = session,
            Customer = customer,
            Branding = branding,
            Scope = scope,
            Format = PortalFormat.For(customer.Timezone),
            AccentCss = accentCss,
            AccentHash = PortalStyles.Hash(accentCss),
            // Read with the session on PostgreSQL (one round trip for both); read now otherwise.
            Subscription = prefetched is not null ? prefetched.Value : await PortalContext.CurrentSubscriptionAsync(db, customer.Id, ct),
            CatalogVersion = catalogVersion,
            Overview = prefetchedOverview,
        };
        http.Items[PortalContext.ItemKey] = context;
        return context;
    }
}

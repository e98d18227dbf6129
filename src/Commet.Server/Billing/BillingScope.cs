using Commet.Domain;
using Commet.Server.Catalog;
using Commet.Server.Persistence;

namespace Commet.Server.Billing;

/// <summary>
/// One unit of billing work: the database context (already scoped to the tenant), the tenant, the billing
/// time (the test clock in sandbox) and the base URL for links. The API, the portal and the engine build one
/// and call the same operations with it.
/// </summary>
public sealed record BillingScope(CommetDb Db, Tenant Tenant, DateTime Now, string BaseUrl)
{
    /// <summary>Set when the engine runs the due steps of several subscriptions in this one unit of work (see <see cref="BillingBatch"/>).</summary>
    public BillingBatch? Batch { get; init; }

    /// <summary>
    /// Set while the upcoming invoice is built (<see cref="Subscriptions.RenewalInvoices"/>): the renewal's code runs,
    /// but writes nothing — no invoice number, no ledger entry, no event, nothing tracked that a save would write.
    /// </summary>
    public bool Preview { get; init; }

    /// <summary>
    /// The API request's <c>Idempotency-Key</c>, when it sent one. Additive charges (credit packs, top-ups, adjustments)
    /// build their invoice's billing key from it, so the invoices table's unique key refuses a second charge for the
    /// same key even if the idempotency record was let go (a server error or a dropped connection after the commit).
    /// </summary>
    public string? RequestKey { get; init; }

    /// <summary><paramref name="prefix"/> plus a digest of <see cref="RequestKey"/>; null without one.</summary>
    public string? RequestBillingKey(string prefix) => RequestKey is null ? null
        : $"{prefix}:request:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(RequestKey)))[..32]}";

    /// <summary>
    /// Set by read-only pages (the portal's overview): plans come from the tenant's catalog snapshot at the catalog version
    /// the request read, shared between requests and read without tracking. Never set on a scope that saves.
    /// </summary>
    public CatalogSnapshot? Catalog { get; init; }

    /// <summary>
    /// True when the tenant is known to have no add-on at all (from <see cref="Catalog"/>): then no subscription has an
    /// active one, and the add-on queries of the renewal and of the allowances are skipped.
    /// </summary>
    public bool NoAddons { get; init; }

    // Shared by the copies `with` makes (a step billed at the moment it was due is a copy with another Now).
    private readonly Dictionary<string, Plan?> plans = new(StringComparer.Ordinal);

    /// <summary>
    /// A plan with its prices and features, read once per unit of work (the batch's cache when the engine bills a
    /// chunk): a renewal asks for its plan from several places, and reading it each time was most of a renewal's cost.
    /// </summary>
    public async Task<Plan?> PlanAsync(string planId, CancellationToken ct)
    {
        if (Batch is { } batch)
        {
            return await batch.PlanAsync(planId, () => PlanGraph.LoadAsync(Db, planId, ct));
        }
        if (!plans.TryGetValue(planId, out var plan))
        {
            plans[planId] = plan = Catalog is { } catalog ? await catalog.PlanAsync(Db, planId, ct) : await PlanGraph.LoadAsync(Db, planId, ct);
        }
        return plan;
    }
}

public sealed class BillingScopes(BillingClock clock)
{
    public async Task<BillingScope> ForAsync(CommetDb db, string organizationId, bool livemode, string baseUrl, CancellationToken ct)
    {
        db.ScopeTo(organizationId, livemode);
        var now = await clock.NowAsync(db, organizationId, livemode, ct);
        return new BillingScope(db, new Tenant(organizationId, livemode), now, baseUrl);
    }

    public static string BaseUrlOf(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}

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

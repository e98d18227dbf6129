using Commet.Server.Http;
using Commet.Server.Persistence;

namespace Commet.Server.Billing;

public static class BillingScopeExtensions
{
    /// <summary>The billing scope of an API request: the caller's tenant and billing time.</summary>
    public static Task<BillingScope> ForCallerAsync(this BillingScopes scopes, CommetDb db, ApiCaller caller, HttpRequest request, CancellationToken ct) =>
        scopes.ForAsync(db, caller.OrganizationId, caller.Livemode, BillingScopes.BaseUrlOf(request), ct);
}

using Commet.Server.Http;
using Commet.Server.Persistence;

namespace Commet.Server.Billing;

public static class BillingScopeExtensions
{
    /// <summary>The billing scope of an API request: the caller's tenant and billing time.</summary>
    public static async Task<BillingScope> ForCallerAsync(this BillingScopes scopes, CommetDb db, ApiCaller caller, HttpRequest request, CancellationToken ct)
    {
        var scope = await scopes.ForAsync(db, caller.OrganizationId, caller.Livemode, BillingScopes.BaseUrlOf(request), ct);
        return WithRequestKey(scope, request);
    }

    /// <summary><paramref name="scope"/> with the request's <c>Idempotency-Key</c>, when it sent a usable one on a write.</summary>
    public static BillingScope WithRequestKey(BillingScope scope, HttpRequest request)
    {
        var key = request.Headers["Idempotency-Key"].ToString();
        return key.Length is > 0 and <= 255 && !HttpMethods.IsGet(request.Method) ? scope with { RequestKey = key } : scope;
    }
}

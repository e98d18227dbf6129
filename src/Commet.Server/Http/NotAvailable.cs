namespace Commet.Server.Http;

/// <summary>
/// Routes of <c>@commet/node</c> 7.10.0 that this server does not implement yet answer
/// 501 <c>endpoint_not_available</c> (after authentication), so that SDK calls fail clearly instead of with a 404.
/// </summary>
public static class NotAvailable
{
    private static readonly (string Method, string Pattern, string What)[] Routes =
    [
        ("GET", "/payouts", "Payouts"), ("POST", "/payouts", "Payouts"),
        ("POST", "/payouts/bank-accounts", "Payouts"), ("POST", "/payouts/verification", "Payouts"),
        ("POST", "/claim-link", "Claim links"),
    ];

    public static void MapNotAvailable(this IEndpointRouteBuilder api)
    {
        foreach (var (method, pattern, what) in Routes)
        {
            api.MapMethods(pattern, [method], () => Api.Error(ApiErrors.EndpointNotAvailable(what)))
                .ExcludeFromDescription();
        }
    }
}

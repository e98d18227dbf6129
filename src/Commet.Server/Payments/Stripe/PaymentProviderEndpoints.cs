using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Payments;

public sealed class PaymentProviderRequest
{
    public string? Provider { get; set; }
    public string? SecretKey { get; set; }
    public string? WebhookSecret { get; set; }
}

/// <summary>The payment provider of the caller's organization and mode; never the secrets themselves.</summary>
public sealed record PaymentProviderDto(string Provider, string? KeyLast4, string? AccountId, bool Livemode, bool Configured, string Source,
    string? WebhookUrl)
{
    public string Object => "payment_provider";
}

/// <summary><c>PUT/GET /api/v1/payment-provider</c> (our addition): connect the merchant's own Stripe account.</summary>
public static class PaymentProviderEndpoints
{
    public static void MapPaymentProvider(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/payment-provider").WithTags("Payment provider");

        group.MapGet("", async Task<ApiOk<PaymentProviderDto>> (CommetDb db, ApiCaller caller, PaymentProviders providers, HostedLinks links,
            HttpRequest request, CancellationToken ct) =>
        {
            var connection = await providers.StripeForAsync(db, caller.OrganizationId, caller.Livemode, ct);
            if (connection is { FromOperatorSettings: true })
            {
                connection = connection with { AccountId = await providers.OperatorAccountIdAsync(ct) ?? "" };
            }
            return Answer.Ok(Describe(connection, caller.OrganizationId, caller.Livemode, links.Base(BillingScopes.BaseUrlOf(request))));
        }).WithSummary("The payment provider of this organization and mode: Stripe (its key's last 4 and account) or the built-in sandbox provider.");

        group.MapPut("", async Task<Results<ApiOk<PaymentProviderDto>, ApiProblem>> (Json<PaymentProviderRequest> body, CommetDb db, ApiCaller caller,
            PaymentProviders providers, ConnectPaymentProvider connect, HostedLinks links, HttpRequest request, CancellationToken ct) =>
        {
            var connected = await connect.HandleAsync(body.Value, db, caller, ct);
            if (!connected.IsSuccess)
            {
                return Answer.Problem(connected.Error);
            }
            var connection = await providers.StripeForAsync(db, caller.OrganizationId, caller.Livemode, ct);
            return Answer.Ok(Describe(connection, caller.OrganizationId, caller.Livemode, links.Base(BillingScopes.BaseUrlOf(request))));
        }).WithSummary("Connect the organization's own Stripe account in this mode (sk_test_ in sandbox, sk_live_ in live). The key is checked with Stripe and stored encrypted.");
    }

    public static PaymentProviderDto Describe(StripeConnection? c, string organizationId, bool livemode, string baseUrl) => c is null
        ? new PaymentProviderDto(livemode ? "none" : "commet", null, null, livemode, !livemode, "default", null)
        : new PaymentProviderDto(PaymentProviders.Stripe, c.KeyLast4, c.AccountId.Length > 0 ? c.AccountId : null, livemode, true,
            c.FromOperatorSettings ? "operator" : "api", StripeWebhookEndpoints.UrlFor(baseUrl, organizationId, livemode));
}

using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;

namespace Commet.Server.Payments;

/// <summary>
/// Connects the organization's own Stripe account in the caller's mode (<c>sk_test_</c> in sandbox, <c>sk_live_</c> in
/// live): the key is checked with Stripe and stored encrypted with the webhook signing secret. The API's
/// <c>PUT /payment-provider</c> and the dashboard's Settings page; neither ever shows the secrets back.
/// </summary>
public sealed class ConnectPaymentProvider(PaymentProviders providers, BillingClock clock)
{
    public async Task<Result<PaymentProviderAccount>> HandleAsync(PaymentProviderRequest r, CommetDb db, ApiCaller caller, CancellationToken ct)
    {
        var check = new Check().Required("provider", r.Provider, 20).Required("secretKey", r.SecretKey, 255).Required("webhookSecret", r.WebhookSecret, 255);
        if (r.Provider is { Length: > 0 } p && p != PaymentProviders.Stripe)
        {
            check.Add("provider", "The only provider that can be connected is \"stripe\".");
        }
        if (r.SecretKey is { Length: > 0 } key)
        {
            var keyMode = PaymentProviders.KeyMode(key);
            if (keyMode is null)
            {
                check.Add("secretKey", "Use a Stripe secret key (sk_test_… or sk_live_…).");
            }
            else if (keyMode != caller.Livemode)
            {
                check.Add("secretKey", caller.Livemode
                    ? "A live API key takes a live Stripe key (sk_live_…); test keys belong to sandbox mode."
                    : "A sandbox API key takes a Stripe test key (sk_test_…); live keys belong to live mode.");
            }
        }
        if (r.WebhookSecret is { Length: > 0 } secret && !secret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            check.Add("webhookSecret", "Use the webhook endpoint's signing secret (whsec_…).");
        }
        if (check.Failed)
        {
            return check.ToError();
        }
        return await providers.ConnectAsync(db, new Tenant(caller.OrganizationId, caller.Livemode), r.SecretKey!, r.WebhookSecret!, clock.RealNow, ct);
    }
}

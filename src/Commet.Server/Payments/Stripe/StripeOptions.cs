namespace Commet.Server.Payments;

/// <summary>
/// Operator settings for Stripe (<c>Commet:Stripe</c>). <see cref="SecretKey"/> and <see cref="WebhookSecret"/> connect the
/// default organization in the mode the key belongs to (a stored connection made through the API takes precedence).
/// <see cref="ApiBase"/> points Stripe.net somewhere other than Stripe's API (a stand-in for tests or staging); it is never
/// taken from a request.
/// </summary>
public sealed class StripeOptions
{
    public const string Section = "Commet:Stripe";

    public string? SecretKey { get; set; }

    public string? WebhookSecret { get; set; }

    public string? ApiBase { get; set; }

    /// <summary>How long one call to Stripe may take before Stripe.net gives up on it and retries (same idempotency key).</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>How many times Stripe.net retries a call that timed out or failed on the network or with a 5xx.</summary>
    public int MaxNetworkRetries { get; set; } = 2;

    /// <summary>How old a signed webhook may be, in seconds (Stripe's recommended default).</summary>
    public long WebhookToleranceSeconds { get; set; } = 300;
}

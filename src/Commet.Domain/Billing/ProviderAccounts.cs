namespace Commet.Domain.Billing;

/// <summary>
/// A payment provider connected to an organization in one mode (our addition): today a Stripe account. The secret key
/// and the webhook signing secret are stored encrypted (ASP.NET Core Data Protection); only the key's last 4 and the
/// provider's account ID are kept in clear, to show which account is connected.
/// </summary>
public sealed class PaymentProviderAccount : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Provider { get; set; }
    public required string SecretKeyProtected { get; set; }
    public required string WebhookSecretProtected { get; set; }
    public required string KeyLast4 { get; set; }
    public required string AccountId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A Stripe event already handled, by its Stripe ID, so a replayed or re-sent event is not handled twice.</summary>
public sealed class StripeEventRecord : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Type { get; set; }
    public DateTime ReceivedAt { get; set; }
}

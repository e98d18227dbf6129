namespace Commet.Domain.Billing;

/// <summary>A card on file. Only brand, last 4, expiry and a fingerprint are kept — never the number or CVC.</summary>
public sealed class PaymentMethod : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string CustomerId { get; set; }
    public required string Provider { get; set; }

    /// <summary>The provider's handle for the card (the sandbox provider's is opaque too).</summary>
    public required string ProviderReference { get; set; }
    public required string Brand { get; set; }
    public required string Last4 { get; set; }
    public int ExpMonth { get; set; }
    public int ExpYear { get; set; }
    public required string Fingerprint { get; set; }
    public bool IsDefault { get; set; }
    public DateTime? DetachedAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>One attempt to collect money for an invoice.</summary>
public sealed class PaymentTransaction : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string CustomerId { get; set; }
    public string? InvoiceId { get; set; }
    public string? PaymentMethodId { get; set; }
    public long Amount { get; set; }
    public long TaxAmount { get; set; }
    public string Currency { get; set; } = "USD";
    public string Provider { get; set; } = "commet";
    public string Status { get; set; } = TransactionStatus.Pending;
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }

    /// <summary>The provider's handle for the payment (a Stripe PaymentIntent ID), to refund it and to match disputes.</summary>
    public string? ProviderReference { get; set; }

    /// <summary>Unique: the same attempt (e.g. retry 2 of an invoice) can never be charged twice.</summary>
    public required string AttemptKey { get; set; }
    public DateTime? PaidAt { get; set; }
    public DateTime? RefundedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>An event in the outbox, written in the same transaction as the change it describes.</summary>
public sealed class BillingEvent : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Type { get; set; }
    public required string DataJson { get; set; }
    public string? SubscriptionId { get; set; }
    public string? CustomerId { get; set; }
    public DateTime OccurredAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DispatchedAt { get; set; }
}

/// <summary>The sandbox test clock of an organization: when set, sandbox time stands at <see cref="SimulatedTime"/>.</summary>
public sealed class TestClock
{
    public required string OrganizationId { get; set; }
    public DateTime? SimulatedTime { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// A hosted payment page session (checkout, card update, recovery). The link carries a signed, time-limited
/// token naming this row; nothing secret is stored here.
/// </summary>
public sealed class HostedSession : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Kind { get; set; }
    public required string CustomerId { get; set; }
    public string? SubscriptionId { get; set; }
    public string? InvoiceId { get; set; }
    public string? ReturnUrl { get; set; }

    /// <summary>For a checkout that completes a plan change (free → paid without a card): the plan to move to.</summary>
    public string? TargetPlanId { get; set; }
    public string? TargetInterval { get; set; }

    /// <summary>For a checkout that completes a purchase (credit pack, top-up, add-on) once a card is added.</summary>
    public string? PurchaseJson { get; set; }

    /// <summary>
    /// The provider's payment (a Stripe PaymentIntent) the session was completed with, when its page took one: another
    /// payment arriving for the completed session is then known to be extra and is refunded.
    /// </summary>
    public string? CheckoutPaymentId { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public DateTime CreatedAt { get; set; }
}

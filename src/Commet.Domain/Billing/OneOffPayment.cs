namespace Commet.Domain.Billing;

/// <summary>
/// A one-off payment (the API's <c>payment</c> object): a hosted payment link the customer pays with any card
/// (<see cref="PaymentKinds.Link"/>), or a charge of the saved card made at once (<see cref="PaymentKinds.Charge"/>).
/// Once paid it points at its <c>one_time_payment</c> invoice and the transaction that settled it.
/// </summary>
public sealed class OneOffPayment : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string Kind { get; set; }
    public required string Status { get; set; }
    public required string CustomerId { get; set; }
    public required string Provider { get; set; }
    public long AmountSubtotal { get; set; }
    public long TaxAmount { get; set; }
    public long AmountTotal { get; set; }
    public required string Currency { get; set; }
    public required string Description { get; set; }
    public string? MetadataJson { get; set; }
    public string? SuccessUrl { get; set; }

    /// <summary>The hosted page of a link.</summary>
    public string? HostedSessionId { get; set; }
    public string? InvoiceId { get; set; }
    public string? TransactionId { get; set; }

    /// <summary>For a charge: the key it was made under (from the request's Idempotency-Key), unique, so a repeat charges nothing.</summary>
    public string? ChargeKey { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? PaidAt { get; set; }
    public DateTime? CanceledAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class PaymentKinds
{
    public const string Link = "link";
    public const string Charge = "charge";
}

public static class OneOffPaymentStatus
{
    public const string Pending = "pending";
    public const string Processing = "processing";
    public const string Succeeded = "succeeded";
    public const string RequiresAction = "requires_action";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    /// <summary>A link in these states can still be paid (a declined attempt leaves it open) or canceled.</summary>
    public static readonly string[] Open = [Pending, Failed];
}

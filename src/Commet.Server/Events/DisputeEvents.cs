namespace Commet.Server.Events;

// Disputes (PaymentDisputedData, PaymentDisputeResolvedData in @commet/node 7.10.0), from Stripe's charge.dispute.* events.

/// <summary>A cardholder opened a dispute against a payment (<c>payment.disputed</c>).</summary>
public sealed record PaymentDisputedData(
    string PaymentTransactionId,
    string Provider,
    string? PaymentLinkId,
    string? InvoiceId,
    string? InvoiceNumber,
    string? CustomerId,
    string? SubscriptionId,
    long DisputeAmount,
    string Currency,
    string? DisputeReason) : IEventData
{
    public static string EventName => EventNames.PaymentDisputed;
}

/// <summary>A dispute was closed, <c>won</c> or <c>lost</c> (<c>payment.dispute_resolved</c>).</summary>
public sealed record PaymentDisputeResolvedData(
    string PaymentTransactionId,
    string Provider,
    string? PaymentLinkId,
    string? InvoiceId,
    string? InvoiceNumber,
    string? CustomerId,
    string? SubscriptionId,
    long DisputeAmount,
    string Currency,
    string? DisputeReason,
    string Outcome) : IEventData
{
    public static string EventName => EventNames.PaymentDisputeResolved;
}

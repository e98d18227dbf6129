using System.Text.Json.Serialization;
using Commet.Domain.Billing;

namespace Commet.Server.Events;

// Payments and payment methods (PaymentReceivedData … PaymentMethodUpdatedData in @commet/node 7.10.0).
// Amounts in minor units, as the SDK's doc comments say ("in cents").

/// <summary>A payment settled (<c>payment.received</c>).</summary>
public sealed record PaymentReceivedData(
    string InvoiceId,
    string InvoiceNumber,
    long InvoiceTotal,
    string CustomerId,
    string? SubscriptionId,
    string? PaymentTransactionId,
    string? Provider,
    long? GrossAmount,
    string? Currency,
    long? OrgNetAmount,
    string? CustomerEmail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? PaidAt) : IEventData
{
    public static string EventName => EventNames.PaymentReceived;

    /// <summary>
    /// An invoice paid in full, by a charge (<paramref name="transactionId"/> and <paramref name="provider"/>) or marked
    /// paid by the merchant (both null). We take no fees, so the gross and net amounts are the invoice total.
    /// </summary>
    public static PaymentReceivedData Paid(Invoice invoice, string? transactionId, string? provider, DateTime paidAt) =>
        new(invoice.Id, invoice.Number, invoice.Total, invoice.CustomerId, invoice.SubscriptionId, transactionId, provider,
            invoice.Total, invoice.Currency, invoice.Total, null, paidAt);
}

/// <summary>A recurring charge failed (<c>payment.failed</c>).</summary>
public sealed record PaymentFailedData(
    string InvoiceId,
    string InvoiceNumber,
    string CustomerId,
    string? SubscriptionId,
    string FailureCode,
    string FailureMessage,
    string? RecoveryUrl) : IEventData
{
    public static string EventName => EventNames.PaymentFailed;
}

/// <summary>An invoice that had failed was paid (<c>payment.recovered</c>).</summary>
public sealed record PaymentRecoveredData(
    string InvoiceId, string InvoiceNumber, long InvoiceTotal, string CustomerId, string? SubscriptionId) : IEventData
{
    public static string EventName => EventNames.PaymentRecovered;
}

/// <summary>
/// Dunning gave up (<c>payment.retry_failed</c>). invoiceId and invoiceNumber are null only if the outstanding invoice
/// could not be read, which the dunning state does not allow.
/// </summary>
public sealed record PaymentRetryFailedData(
    string? InvoiceId, string? InvoiceNumber, string CustomerId, string SubscriptionId, string Reason) : IEventData
{
    public static string EventName => EventNames.PaymentRetryFailed;
}

/// <summary>A payment was refunded (<c>payment.refunded</c>).</summary>
public sealed record PaymentRefundedData(
    string PaymentTransactionId,
    string Provider,
    string? PaymentLinkId,
    string? InvoiceId,
    string? InvoiceNumber,
    string? CustomerId,
    string? SubscriptionId,
    long RefundAmount,
    string Currency) : IEventData
{
    public static string EventName => EventNames.PaymentRefunded;
}

/// <summary>A payment method was saved for a subscription (<c>payment_method.attached</c>).</summary>
public sealed record PaymentMethodAttachedData(string SubscriptionId, string CustomerId, WebhookCardInfo? Card) : IEventData
{
    public static string EventName => EventNames.PaymentMethodAttached;
}

/// <summary>The customer's default payment method was replaced (<c>payment_method.updated</c>).</summary>
public sealed record PaymentMethodUpdatedData(string CustomerId, WebhookCardInfo? Card) : IEventData
{
    public static string EventName => EventNames.PaymentMethodUpdated;
}

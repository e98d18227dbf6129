using Commet.Domain.Billing;

namespace Commet.Server.Events;

// Payment links (PaymentLinkCreatedData … PaymentLinkCanceledData in @commet/node 7.10.0). Amounts in minor units.
// The recorder shows the customer's external ID in customerId when there is one.

/// <summary>A payment link was created and waits to be paid (<c>payment_link.created</c>).</summary>
public sealed record PaymentLinkCreatedData(
    string PaymentId, string Status, long Amount, string Currency, string Description, string? CustomerId) : IEventData
{
    public static string EventName => EventNames.PaymentLinkCreated;

    public static PaymentLinkCreatedData Of(OneOffPayment p) =>
        new(p.Id, OneOffPaymentStatus.Pending, p.AmountTotal, p.Currency, p.Description, p.CustomerId);
}

/// <summary>A payment link was paid; its one-time invoice is issued (<c>payment_link.completed</c>).</summary>
public sealed record PaymentLinkCompletedData(
    string PaymentId, string Status, long Amount, string Currency, string Description, string? CustomerId,
    string InvoiceId, string InvoiceNumber, string? PaymentTransactionId) : IEventData
{
    public static string EventName => EventNames.PaymentLinkCompleted;

    public static PaymentLinkCompletedData Of(OneOffPayment p, Invoice invoice) =>
        new(p.Id, OneOffPaymentStatus.Succeeded, p.AmountTotal, p.Currency, p.Description, p.CustomerId, invoice.Id, invoice.Number, p.TransactionId);
}

/// <summary>An attempt to pay a payment link was declined; the link stays open (<c>payment_link.failed</c>).</summary>
public sealed record PaymentLinkFailedData(
    string PaymentId, string Status, long Amount, string Currency, string Description, string? CustomerId,
    string FailureCode, string FailureMessage) : IEventData
{
    public static string EventName => EventNames.PaymentLinkFailed;

    public static PaymentLinkFailedData Of(OneOffPayment p, string code, string message) =>
        new(p.Id, OneOffPaymentStatus.Failed, p.AmountTotal, p.Currency, p.Description, p.CustomerId, code, message);
}

/// <summary>A payment link was canceled before it was paid (<c>payment_link.canceled</c>).</summary>
public sealed record PaymentLinkCanceledData(
    string PaymentId, string Status, long Amount, string Currency, string Description, string? CustomerId) : IEventData
{
    public static string EventName => EventNames.PaymentLinkCanceled;

    public static PaymentLinkCanceledData Of(OneOffPayment p) =>
        new(p.Id, OneOffPaymentStatus.Canceled, p.AmountTotal, p.Currency, p.Description, p.CustomerId);
}

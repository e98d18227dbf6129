using Commet.Domain;
using Commet.Domain.Billing;

namespace Commet.Server.Transactions;

/// <summary>
/// The payment transaction as the SDK's <c>Transaction</c> type declares it. USD charges report
/// <c>grossAmount</c> (the amount), <c>subtotal</c> (gross − tax) and <c>taxAmount</c>, with <c>presentmentAmount</c>
/// null; other currencies report the amount as <c>presentmentAmount</c> and null USD figures (this server keeps no
/// exchange rates). <c>failureCode</c>, <c>failureMessage</c> and <c>refundedAt</c> are our additions.
/// </summary>
public sealed record TransactionDto(
    string Id,
    string? InvoiceId,
    long? GrossAmount,
    long? Subtotal,
    long? TaxAmount,
    long? PresentmentAmount,
    string Currency,
    string Provider,
    string Status,
    string? CustomerEmail,
    string? CustomerName,
    DateTime? PaidAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? AvailableAt,
    string? FailureCode,
    string? FailureMessage,
    DateTime? RefundedAt,
    bool Livemode)
{
    public string Object => "transaction";

    public static TransactionDto From(PaymentTransaction t, Customer? customer)
    {
        var usd = string.Equals(t.Currency, "USD", StringComparison.OrdinalIgnoreCase);
        return new TransactionDto(
            t.Id,
            t.InvoiceId,
            usd ? t.Amount : null,
            usd ? t.Amount - t.TaxAmount : null,
            usd ? t.TaxAmount : null,
            usd ? null : t.Amount,
            t.Currency,
            t.Provider,
            t.Status,
            customer?.Email,
            customer?.FullName,
            t.PaidAt,
            t.CreatedAt,
            t.UpdatedAt,
            null,
            t.FailureCode,
            t.FailureMessage,
            t.RefundedAt,
            t.Livemode);
    }
}

public sealed record TransactionRefundDto(string Id, string Status, bool Livemode)
{
    public string Object => "transaction";
}

/// <summary>
/// The SDK's <c>TransactionRetry</c>: <c>id</c> is the new attempt's transaction and <c>status</c> is always
/// <c>processing</c> (the SDK's constant); <c>outcome</c> (our addition) says how the charge, which this server
/// makes at once, ended: <c>succeeded</c> or <c>failed</c>.
/// </summary>
public sealed record TransactionRetryDto(string Id, string Status, string Outcome, bool Livemode)
{
    public string Object => "transaction";
}

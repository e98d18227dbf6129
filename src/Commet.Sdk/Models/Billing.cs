using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Commet.Models;

/// <summary>The state of an invoice.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvoiceStatus>))]
public enum InvoiceStatus
{
    /// <summary><c>draft</c> (an upcoming invoice is a draft).</summary>
    [JsonStringEnumMemberName("draft")] Draft,
    /// <summary><c>outstanding</c>: issued, not paid.</summary>
    [JsonStringEnumMemberName("outstanding")] Outstanding,
    /// <summary><c>paid</c>.</summary>
    [JsonStringEnumMemberName("paid")] Paid,
    /// <summary><c>void</c>.</summary>
    [JsonStringEnumMemberName("void")] Void,
    /// <summary><c>uncollectible</c>.</summary>
    [JsonStringEnumMemberName("uncollectible")] Uncollectible,
}

/// <summary>Why an invoice was made.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InvoiceType>))]
public enum InvoiceType
{
    /// <summary><c>recurring</c>: a renewal.</summary>
    [JsonStringEnumMemberName("recurring")] Recurring,
    /// <summary><c>overage</c>.</summary>
    [JsonStringEnumMemberName("overage")] Overage,
    /// <summary><c>plan_change</c>.</summary>
    [JsonStringEnumMemberName("plan_change")] PlanChange,
    /// <summary><c>adjustment</c>.</summary>
    [JsonStringEnumMemberName("adjustment")] Adjustment,
    /// <summary><c>credit_purchase</c>.</summary>
    [JsonStringEnumMemberName("credit_purchase")] CreditPurchase,
    /// <summary><c>balance_topup</c>.</summary>
    [JsonStringEnumMemberName("balance_topup")] BalanceTopup,
    /// <summary><c>addon_activation</c>.</summary>
    [JsonStringEnumMemberName("addon_activation")] AddonActivation,
    /// <summary><c>one_time_payment</c>.</summary>
    [JsonStringEnumMemberName("one_time_payment")] OneTimePayment,
    /// <summary><c>reactivation</c>.</summary>
    [JsonStringEnumMemberName("reactivation")] Reactivation,
}

/// <summary>The state of a payment transaction.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TransactionStatus>))]
public enum TransactionStatus
{
    /// <summary><c>pending</c>.</summary>
    [JsonStringEnumMemberName("pending")] Pending,
    /// <summary><c>succeeded</c>.</summary>
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    /// <summary><c>failed</c>.</summary>
    [JsonStringEnumMemberName("failed")] Failed,
    /// <summary><c>refunded</c>.</summary>
    [JsonStringEnumMemberName("refunded")] Refunded,
    /// <summary><c>disputed</c>.</summary>
    [JsonStringEnumMemberName("disputed")] Disputed,
}

/// <summary>What every invoice shape has. Amounts in minor units (4900 = $49.00).</summary>
public abstract class InvoiceBase : CommetObject
{
    /// <summary>The customer's ID.</summary>
    public string CustomerId { get; init; } = "";

    /// <summary>The subscription's ID.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>The state.</summary>
    public InvoiceStatus Status { get; init; }

    /// <summary>Why it was made.</summary>
    public InvoiceType InvoiceType { get; init; }

    /// <summary>The currency (ISO 4217).</summary>
    public string Currency { get; init; } = "";

    /// <summary>Before discounts and tax.</summary>
    public long Subtotal { get; init; }

    /// <summary>Discounts.</summary>
    public long DiscountAmount { get; init; }

    /// <summary>Credit applied.</summary>
    public long CreditApplied { get; init; }

    /// <summary>Tax.</summary>
    public long TaxAmount { get; init; }

    /// <summary>What is due.</summary>
    public long Total { get; init; }

    /// <summary>The period billed: start.</summary>
    public DateTimeOffset PeriodStart { get; init; }

    /// <summary>The period billed: end.</summary>
    public DateTimeOffset PeriodEnd { get; init; }

    /// <summary>When it was issued.</summary>
    public DateTimeOffset IssueDate { get; init; }

    /// <summary>When it is due.</summary>
    public DateTimeOffset DueDate { get; init; }

    /// <summary>The plan's name.</summary>
    public string? PlanName { get; init; }

    /// <summary>A memo.</summary>
    public string? Memo { get; init; }

    /// <summary>A purchase-order number.</summary>
    public string? PoNumber { get; init; }

    /// <summary>A reference.</summary>
    public string? Reference { get; init; }

    /// <summary>Your key-value data.</summary>
    public JsonObject? Metadata { get; init; }

    /// <summary>When it was paid (our addition).</summary>
    public DateTimeOffset? PaidAt { get; init; }

    /// <summary>When it was emailed (our addition).</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Its lines (a single read has them; lists leave them out).</summary>
    public IReadOnlyList<InvoiceLineItem>? LineItems { get; init; }
}

/// <summary>An invoice.</summary>
public sealed class Invoice : InvoiceBase
{
    /// <summary>The ID (<c>inv_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The human-readable number.</summary>
    public string InvoiceNumber { get; init; } = "";
}

/// <summary>The invoice the next renewal (or trial end) will make, with usage so far: a draft without ID or number.</summary>
public sealed class UpcomingInvoice : InvoiceBase
{
}

/// <summary>A line of an invoice.</summary>
public sealed class InvoiceLineItem
{
    /// <summary><c>plan_base</c>, <c>feature_overage</c>, <c>feature_seats</c>, <c>addon_base</c>, <c>discount</c>, <c>credit</c>, …</summary>
    public string LineType { get; init; } = "";

    /// <summary>The feature's name.</summary>
    public string? FeatureName { get; init; }

    /// <summary>The text shown.</summary>
    public string Description { get; init; } = "";

    /// <summary>The quantity.</summary>
    public decimal Quantity { get; init; }

    /// <summary>The unit price: minor units, or rate scale when <see cref="UnitAmountScale"/> is <c>rate</c>.</summary>
    public long UnitAmount { get; init; }

    /// <summary>The line's amount, minor units.</summary>
    public long Amount { get; init; }

    /// <summary>Included units.</summary>
    public decimal? IncludedAmount { get; init; }

    /// <summary>Used units.</summary>
    public decimal? UsedAmount { get; init; }

    /// <summary>Units above the included amount.</summary>
    public decimal? OverageAmount { get; init; }

    /// <summary>A discount's type.</summary>
    public string? DiscountType { get; init; }

    /// <summary>A discount's value.</summary>
    public long? DiscountValue { get; init; }

    /// <summary>A discount's name.</summary>
    public string? DiscountName { get; init; }

    /// <summary><c>standard</c>, <c>advance</c> or <c>true_up</c>.</summary>
    public string ChargeType { get; init; } = "";

    /// <summary><c>minor</c> or <c>rate</c>: the scale of <see cref="UnitAmount"/> (our addition).</summary>
    public string? UnitAmountScale { get; init; }
}

/// <summary>Filters of an invoice list.</summary>
public sealed class ListInvoicesOptions
{
    /// <summary>Only this customer's.</summary>
    public string? CustomerId { get; set; }

    /// <summary>Only in this state.</summary>
    public InvoiceStatus? Status { get; set; }

    /// <summary>Only this subscription's.</summary>
    public string? SubscriptionId { get; set; }

    /// <summary>Page size, 1–100 (default 25).</summary>
    public int? PageSize { get; set; }
}

/// <summary>A one-off adjustment invoice.</summary>
public sealed class CreateAdjustmentInvoiceRequest
{
    /// <summary>The customer.</summary>
    public string CustomerId { get; set; } = "";

    /// <summary>Signed minor units: positive bills the customer, negative credits them.</summary>
    public long Amount { get; set; }

    /// <summary>The line's text.</summary>
    public string Description { get; set; } = "";

    /// <summary>Your key-value data.</summary>
    public JsonObject? Metadata { get; set; }
}

/// <summary>A signed link to an invoice's PDF.</summary>
public sealed class InvoiceDownload : CommetObject
{
    /// <summary>The link.</summary>
    public string Url { get; init; } = "";

    /// <summary>When it stops working.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>An invoice emailed.</summary>
public sealed class SentInvoice : CommetObject
{
    /// <summary>Whether it was sent.</summary>
    public bool Sent { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset SentAt { get; init; }
}

/// <summary>An invoice's new state.</summary>
public sealed class InvoiceStatusChange : CommetObject
{
    /// <summary>The ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>The state.</summary>
    public InvoiceStatus Status { get; init; }

    /// <summary>When it changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A payment transaction (a charge attempt).</summary>
public sealed class Transaction : CommetObject
{
    /// <summary>The ID (<c>txn_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The invoice paid.</summary>
    public string? InvoiceId { get; init; }

    /// <summary>Gross amount in USD cents; null for a failed non-USD attempt.</summary>
    public long? GrossAmount { get; init; }

    /// <summary>Gross minus tax, USD cents.</summary>
    public long? Subtotal { get; init; }

    /// <summary>Tax.</summary>
    public long? TaxAmount { get; init; }

    /// <summary>For non-USD charges: the amount in the charge currency's minor units.</summary>
    public long? PresentmentAmount { get; init; }

    /// <summary>The currency.</summary>
    public string Currency { get; init; } = "";

    /// <summary>The provider.</summary>
    public PaymentProvider Provider { get; init; }

    /// <summary>The state.</summary>
    public TransactionStatus Status { get; init; }

    /// <summary>The customer's email.</summary>
    public string? CustomerEmail { get; init; }

    /// <summary>The customer's name.</summary>
    public string? CustomerName { get; init; }

    /// <summary>When it was paid.</summary>
    public DateTimeOffset? PaidAt { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the funds are available.</summary>
    public DateTimeOffset? AvailableAt { get; init; }

    /// <summary>Why it failed (our addition).</summary>
    public string? FailureCode { get; init; }

    /// <summary>The failure's message (our addition).</summary>
    public string? FailureMessage { get; init; }

    /// <summary>When it was refunded (our addition).</summary>
    public DateTimeOffset? RefundedAt { get; init; }
}

/// <summary>Filters of a transaction list.</summary>
public sealed class ListTransactionsOptions
{
    /// <summary>Only in this state.</summary>
    public TransactionStatus? Status { get; set; }

    /// <summary>Only this customer's.</summary>
    public string? CustomerEmail { get; set; }

    /// <summary>Page size, 1–100 (default 25).</summary>
    public int? PageSize { get; set; }
}

/// <summary>A refund made.</summary>
public sealed class TransactionRefund : CommetObject
{
    /// <summary>The transaction's ID.</summary>
    public string Id { get; init; } = "";

    /// <summary><c>refunded</c>.</summary>
    public string Status { get; init; } = "";
}

/// <summary>A retry of a failed renewal charge: the new attempt and how it ended.</summary>
public sealed class TransactionRetry : CommetObject
{
    /// <summary>The new attempt's transaction ID (the retried one's when nothing was left to charge).</summary>
    public string Id { get; init; } = "";

    /// <summary><c>processing</c>, as Commet answers a retry it has started.</summary>
    public string Status { get; init; } = "";

    /// <summary>How the charge ended on this server, which runs it at once: <c>succeeded</c> (the invoice is paid and the
    /// subscription active again) or <c>failed</c>. Null from Commet's hosted service.</summary>
    public string? Outcome { get; init; }
}

using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Commet.Models;

/// <summary>How a one-off payment is collected.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PaymentKind>))]
public enum PaymentKind
{
    /// <summary><c>link</c>: a hosted page the customer opens to pay with any card.</summary>
    [JsonStringEnumMemberName("link")] Link,
    /// <summary><c>charge</c>: the customer's saved card, charged at once.</summary>
    [JsonStringEnumMemberName("charge")] Charge,
}

/// <summary>The state of a one-off payment.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PaymentStatus>))]
public enum PaymentStatus
{
    /// <summary><c>pending</c>: a link not paid yet.</summary>
    [JsonStringEnumMemberName("pending")] Pending,
    /// <summary><c>processing</c>: the payment is under way.</summary>
    [JsonStringEnumMemberName("processing")] Processing,
    /// <summary><c>succeeded</c>: paid; a <c>one_time_payment</c> invoice records it.</summary>
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    /// <summary><c>requires_action</c>: the card asks the customer for a confirmation.</summary>
    [JsonStringEnumMemberName("requires_action")] RequiresAction,
    /// <summary><c>failed</c>: declined (a link stays open to another attempt).</summary>
    [JsonStringEnumMemberName("failed")] Failed,
    /// <summary><c>canceled</c>: a link canceled before it was paid.</summary>
    [JsonStringEnumMemberName("canceled")] Canceled,
}

/// <summary>A one-off payment: a payment link or a charge of the saved card. Amounts in minor units (2500 = $25.00).</summary>
public sealed class Payment : CommetObject
{
    /// <summary>The ID (<c>pay_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>The customer (your ID when the customer has one, else Commet's).</summary>
    public string? CustomerId { get; init; }

    /// <summary>A link or a charge.</summary>
    public PaymentKind Kind { get; init; }

    /// <summary>The state.</summary>
    public PaymentStatus Status { get; init; }

    /// <summary>The provider that takes the money.</summary>
    public PaymentProvider Provider { get; init; }

    /// <summary>Before tax.</summary>
    public long AmountSubtotal { get; init; }

    /// <summary>Tax.</summary>
    public long TaxAmount { get; init; }

    /// <summary>What the customer pays.</summary>
    public long AmountTotal { get; init; }

    /// <summary>The currency (ISO 4217, upper case).</summary>
    public string Currency { get; init; } = "";

    /// <summary>What it is for, as the customer sees it.</summary>
    public string Description { get; init; } = "";

    /// <summary>Your key-value data.</summary>
    public JsonObject? Metadata { get; init; }

    /// <summary>The hosted page while the link can still be paid; null for a charge and for a paid or canceled link.</summary>
    public string? Url { get; init; }

    /// <summary>When the link's page stops accepting it.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A new payment link: a hosted page where the customer pays the amount with any card.</summary>
public sealed class CreatePaymentRequest
{
    /// <summary>The customer (Commet's ID or yours).</summary>
    public string CustomerId { get; set; } = "";

    /// <summary>The amount in minor units of <see cref="Currency"/>.</summary>
    public long Amount { get; set; }

    /// <summary>The currency (ISO 4217).</summary>
    public string Currency { get; set; } = "";

    /// <summary>What it is for, shown on the page and the invoice (at most 500 characters).</summary>
    public string Description { get; set; } = "";

    /// <summary>Where the page sends the customer after paying.</summary>
    public string? SuccessUrl { get; set; }

    /// <summary>Your key-value data, copied to the payment's invoice.</summary>
    public IDictionary<string, string>? Metadata { get; set; }
}

/// <summary>
/// A charge of the customer's saved card, made at once. The customer needs a subscription that is active, trialing or
/// past due, and a card on file.
/// </summary>
public sealed class ChargePaymentRequest
{
    /// <summary>The customer (Commet's ID or yours).</summary>
    public string CustomerId { get; set; } = "";

    /// <summary>The amount in minor units of <see cref="Currency"/>.</summary>
    public long Amount { get; set; }

    /// <summary>The currency (ISO 4217).</summary>
    public string Currency { get; set; } = "";

    /// <summary>What it is for, shown on the invoice (at most 500 characters).</summary>
    public string Description { get; set; } = "";

    /// <summary>Your key-value data, copied to the payment's invoice.</summary>
    public IDictionary<string, string>? Metadata { get; set; }
}

/// <summary>Filters of a payment list.</summary>
public sealed class ListPaymentsOptions
{
    /// <summary>Only this customer's (Commet's ID or yours).</summary>
    public string? CustomerId { get; set; }

    /// <summary>Page size, 1–100 (default 25). Every page is read; this only sets how many come per request.</summary>
    public int? PageSize { get; set; }
}

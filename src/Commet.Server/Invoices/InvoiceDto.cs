using System.Text.Json;
using System.Text.Json.Serialization;
using Commet.Domain.Billing;

namespace Commet.Server.Invoices;

/// <summary>A line of an invoice as the SDK's <c>Invoice.lineItems</c> declares it.</summary>
/// <remarks>
/// <c>unitAmount</c> is in minor units, except on per-unit usage lines whose price can be a fraction of a cent
/// (<c>unitAmountScale</c> <c>"rate"</c>, our addition): there it is rate scale (10000 = 1.00), like
/// <c>overage.unitPrice</c>. <c>amount</c> is always minor units.
/// </remarks>
public sealed record InvoiceLineDto(
    string LineType,
    string? FeatureName,
    string Description,
    decimal Quantity,
    long UnitAmount,
    long Amount,
    decimal? IncludedAmount,
    decimal? UsedAmount,
    decimal? OverageAmount,
    string? DiscountType,
    long? DiscountValue,
    string? DiscountName,
    string ChargeType,
    string UnitAmountScale)
{
    public static InvoiceLineDto From(InvoiceLine l) => new(
        l.LineType, l.FeatureName, l.Description, Plain(l.Quantity), l.UnitAmount, l.Amount, Plain(l.IncludedAmount), Plain(l.UsedAmount), Plain(l.OverageAmount),
        l.DiscountType, l.DiscountValue, l.DiscountName, l.ChargeType, l.UnitAmountIsRate ? "rate" : "minor");

    /// <summary>Drops the trailing zeros a database decimal comes back with, so 1 is written <c>1</c>, not <c>1.000000</c>.</summary>
    private static decimal Plain(decimal value) => value / 1.0000000000000000000000000000m;

    private static decimal? Plain(decimal? value) => value is { } v ? Plain(v) : null;
}

/// <summary>
/// The invoice as the SDK's <c>Invoice</c> type declares it. Lists leave out <c>lineItems</c> (the SDK marks it
/// optional); a single read includes them. <c>paidAt</c> and <c>sentAt</c> are our additions.
/// </summary>
public sealed record InvoiceDto(
    string? Id,
    string CustomerId,
    string? SubscriptionId,
    string? InvoiceNumber,
    string Status,
    string InvoiceType,
    string Currency,
    long Subtotal,
    long DiscountAmount,
    long CreditApplied,
    long TaxAmount,
    long Total,
    DateTime PeriodStart,
    DateTime PeriodEnd,
    DateTime IssueDate,
    DateTime DueDate,
    string? PlanName,
    string? Memo,
    string? PoNumber,
    string? Reference,
    JsonElement Metadata,
    DateTime? PaidAt,
    DateTime? SentAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<InvoiceLineDto>? LineItems,
    bool Livemode)
{
    public string Object => "invoice";

    public static InvoiceDto From(Invoice i, bool withLines) => new(
        i.Id, i.CustomerId, i.SubscriptionId, i.Number, i.Status, i.Type, i.Currency, i.Subtotal, i.DiscountAmount, 0, i.TaxAmount, i.Total,
        i.PeriodStart, i.PeriodEnd, i.IssueDate, i.DueDate, i.PlanName, i.Memo, null, null, InvoiceMetadata.Read(i.MetadataJson),
        i.PaidAt, i.SentAt, i.CreatedAt, i.UpdatedAt,
        withLines ? i.Lines.OrderBy(l => l.Position).Select(InvoiceLineDto.From).ToList() : null,
        i.Livemode);
}

/// <summary>The SDK's <c>CreatedInvoice</c> (what <c>createAdjustment</c> answers), plus the subscription and line items.</summary>
public sealed record CreatedInvoiceDto(
    string Id,
    string CustomerId,
    string InvoiceNumber,
    string Status,
    string InvoiceType,
    string Currency,
    long Subtotal,
    long TaxAmount,
    long Total,
    DateTime IssueDate,
    DateTime DueDate,
    string? Memo,
    JsonElement Metadata,
    DateTime? PaidAt,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    IReadOnlyList<InvoiceLineDto> LineItems,
    bool Livemode)
{
    public string Object => "invoice";

    public static CreatedInvoiceDto From(Invoice i) => new(
        i.Id, i.CustomerId, i.Number, i.Status, i.Type, i.Currency, i.Subtotal, i.TaxAmount, i.Total, i.IssueDate, i.DueDate, i.Memo,
        InvoiceMetadata.Read(i.MetadataJson), i.PaidAt, i.CreatedAt, i.UpdatedAt,
        i.Lines.OrderBy(l => l.Position).Select(InvoiceLineDto.From).ToList(), i.Livemode);
}

public sealed record InvoiceDownloadDto(string Url, DateTime ExpiresAt, bool Livemode)
{
    public string Object => "invoice";
}

public sealed record InvoiceStatusDto(string Id, string Status, DateTime UpdatedAt, bool Livemode)
{
    public string Object => "invoice";
}

public sealed record SentInvoiceDto(bool Sent, DateTime SentAt, bool Livemode)
{
    public string Object => "invoice";
}

/// <summary>Invoice metadata is a JSON text column; the wire always has an object (<c>{}</c> when none).</summary>
public static class InvoiceMetadata
{
    private static readonly JsonElement Empty = JsonDocument.Parse("{}").RootElement.Clone();

    public static JsonElement Read(string? json)
    {
        if (json is null)
        {
            return Empty;
        }
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

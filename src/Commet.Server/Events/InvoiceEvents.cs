using Commet.Domain.Billing;

namespace Commet.Server.Events;

/// <summary>
/// The invoice shape that <c>invoice.created</c> and <c>invoice.voided</c> share (InvoiceCreatedData and
/// InvoiceVoidedData in @commet/node 7.10.0; invoice.overdue has it too). Amounts in minor units.
/// The fields are taken from the invoice here and nowhere else.
/// </summary>
public abstract record InvoiceEventData(
    string InvoiceId,
    string InvoiceNumber,
    string InvoiceStatus,
    DateTime PeriodStart,
    DateTime PeriodEnd,
    DateTime IssueDate,
    DateTime DueDate,
    string Currency,
    long Subtotal,
    long Total,
    string CustomerId,
    string? SubscriptionId)
{
    protected InvoiceEventData(Invoice invoice)
        : this(invoice.Id, invoice.Number, invoice.Status, invoice.PeriodStart, invoice.PeriodEnd, invoice.IssueDate, invoice.DueDate,
            invoice.Currency, invoice.Subtotal, invoice.Total, invoice.CustomerId, invoice.SubscriptionId)
    {
    }
}

/// <summary>A new invoice (<c>invoice.created</c>).</summary>
public sealed record InvoiceCreatedData : InvoiceEventData, IEventData
{
    private InvoiceCreatedData(Invoice invoice) : base(invoice)
    {
    }

    public static string EventName => EventNames.InvoiceCreated;

    public static InvoiceCreatedData From(Invoice invoice) => new(invoice);
}

/// <summary>An invoice was voided (<c>invoice.voided</c>); its status is <c>void</c>.</summary>
public sealed record InvoiceVoidedData : InvoiceEventData, IEventData
{
    private InvoiceVoidedData(Invoice invoice) : base(invoice)
    {
    }

    public static string EventName => EventNames.InvoiceVoided;

    public static InvoiceVoidedData From(Invoice invoice) => new(invoice);
}

/// <summary>
/// An outstanding invoice passed its due date unpaid (<c>invoice.overdue</c>); recorded once per invoice by the
/// billing engine (<see cref="Billing.OverdueInvoices"/>). The status stays <c>outstanding</c>.
/// </summary>
public sealed record InvoiceOverdueData : InvoiceEventData, IEventData
{
    private InvoiceOverdueData(Invoice invoice) : base(invoice)
    {
    }

    public static string EventName => EventNames.InvoiceOverdue;

    public static InvoiceOverdueData From(Invoice invoice) => new(invoice);
}

namespace Commet.Domain.Billing;

public sealed class Invoice : ITenantOwned
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public required string CustomerId { get; set; }
    public string? SubscriptionId { get; set; }

    /// <summary>INV-000123: sequential per organization and mode, never reused.</summary>
    public required string Number { get; set; }
    public required string Type { get; set; }
    public string Status { get; set; } = InvoiceStatus.Outstanding;
    public string Currency { get; set; } = "USD";
    public long Subtotal { get; set; }
    public long DiscountAmount { get; set; }
    public long TaxAmount { get; set; }
    public long Total { get; set; }
    public DateTime PeriodStart { get; set; }
    public DateTime PeriodEnd { get; set; }
    public DateTime IssueDate { get; set; }
    public DateTime DueDate { get; set; }
    public string? PlanName { get; set; }
    public string? Memo { get; set; }
    public string? MetadataJson { get; set; }
    public DateTime? PaidAt { get; set; }

    /// <summary>When the invoice was last sent to the customer (there is no email transport yet; the time is recorded).</summary>
    public DateTime? SentAt { get; set; }

    /// <summary>
    /// What this invoice bills, e.g. <c>renewal:sub_…:2026-02-28T00:00:00Z</c>. Unique per organization and mode,
    /// so that the billing engine cannot bill the same thing twice, however often it runs and on however many nodes.
    /// </summary>
    public string? BillingKey { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<InvoiceLine> Lines { get; set; } = [];

    public void AddLine(InvoiceLine line)
    {
        line.InvoiceId = Id;
        line.Position = Lines.Count;
        Lines.Add(line);
        Subtotal = Lines.Sum(l => l.Amount);
        Total = Subtotal - DiscountAmount + TaxAmount;
    }

    public Error? MarkPaid(DateTime at)
    {
        if (Status is not InvoiceStatus.Outstanding and not InvoiceStatus.Draft)
        {
            return Error.Invalid("invalid_invoice_status", $"An invoice that is {Status} cannot be marked paid.");
        }
        Status = InvoiceStatus.Paid;
        PaidAt = at;
        UpdatedAt = at;
        return null;
    }

    public Error? Void(DateTime at)
    {
        if (Status is not InvoiceStatus.Outstanding and not InvoiceStatus.Draft)
        {
            return Error.Invalid("invalid_invoice_status", $"An invoice that is {Status} cannot be voided.");
        }
        Status = InvoiceStatus.Void;
        UpdatedAt = at;
        return null;
    }

    /// <summary>Records that the invoice went to the customer. A void invoice is not sent.</summary>
    public Error? MarkSent(DateTime at)
    {
        if (Status == InvoiceStatus.Void)
        {
            return Error.Invalid("invalid_invoice_status", "A void invoice cannot be sent.");
        }
        SentAt = at;
        UpdatedAt = at;
        return null;
    }

    public Error? MarkUncollectible(DateTime at)
    {
        if (Status is not InvoiceStatus.Outstanding)
        {
            return Error.Invalid("invalid_invoice_status", $"An invoice that is {Status} cannot be marked uncollectible.");
        }
        Status = InvoiceStatus.Uncollectible;
        UpdatedAt = at;
        return null;
    }
}

public sealed class InvoiceLine
{
    public long Id { get; set; }
    public string InvoiceId { get; set; } = "";
    public int Position { get; set; }
    public required string LineType { get; set; }
    public string? FeatureName { get; set; }
    public required string Description { get; set; }
    public decimal Quantity { get; set; } = 1;

    /// <summary>Minor units, or rate scale for per-unit usage lines (see <see cref="UnitAmountIsRate"/>).</summary>
    public long UnitAmount { get; set; }
    public bool UnitAmountIsRate { get; set; }
    public long Amount { get; set; }
    public decimal? IncludedAmount { get; set; }
    public decimal? UsedAmount { get; set; }
    public decimal? OverageAmount { get; set; }
    public string ChargeType { get; set; } = "standard";
}

/// <summary>The next invoice number of one organization and mode.</summary>
public sealed class InvoiceSequence
{
    public required string OrganizationId { get; set; }
    public bool Livemode { get; set; }
    public long Next { get; set; }
}

public static class InvoiceNumbers
{
    public static string Format(long n) => $"INV-{n:D6}";
}

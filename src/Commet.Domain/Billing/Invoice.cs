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

    /// <summary>When the billing engine recorded <c>invoice.overdue</c> for it (once; null: not yet, or never overdue).</summary>
    public DateTime? OverdueAt { get; set; }

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

    // The bill-to and seller blocks as they stood when the invoice was issued (see Freeze). Flat columns rather
    // than owned types, so that the engine's COPY path (BulkCopy) writes them like any other column.
    public string? BillToName { get; set; }
    public string? BillToEmail { get; set; }
    public string? BillToLine1 { get; set; }
    public string? BillToLine2 { get; set; }
    public string? BillToCity { get; set; }
    public string? BillToPostalCode { get; set; }
    public string? BillToState { get; set; }
    public string? BillToRegion { get; set; }
    public string? BillToCountry { get; set; }
    public string? BillToTaxId { get; set; }
    public string? SellerName { get; set; }
    public string? SellerEmail { get; set; }
    public string? SellerLine1 { get; set; }
    public string? SellerLine2 { get; set; }
    public string? SellerCity { get; set; }
    public string? SellerPostalCode { get; set; }
    public string? SellerState { get; set; }
    public string? SellerCountry { get; set; }
    public string? SellerTaxId { get; set; }

    /// <summary>Who the invoice is addressed to, as it was when issued.</summary>
    public InvoiceParty BillTo => new(BillToName, BillToEmail, BillToLine1, BillToLine2, BillToCity, BillToPostalCode, BillToState, BillToRegion, BillToCountry, BillToTaxId);

    /// <summary>Who issued the invoice, as it was when issued.</summary>
    public InvoiceParty Seller => new(SellerName, SellerEmail, SellerLine1, SellerLine2, SellerCity, SellerPostalCode, SellerState, null, SellerCountry, SellerTaxId);

    /// <summary>
    /// Copies the bill-to and seller blocks onto the invoice when it is issued. An issued invoice is a document:
    /// later changes to the customer or to the organization's details do not reach it.
    /// </summary>
    public void Freeze(InvoiceParty billTo, InvoiceParty seller)
    {
        (BillToName, BillToEmail, BillToLine1, BillToLine2, BillToCity, BillToPostalCode, BillToState, BillToRegion, BillToCountry, BillToTaxId) =
            (billTo.Name, billTo.Email, billTo.Line1, billTo.Line2, billTo.City, billTo.PostalCode, billTo.State, billTo.Region, billTo.Country, billTo.TaxId);
        (SellerName, SellerEmail, SellerLine1, SellerLine2, SellerCity, SellerPostalCode, SellerState, SellerCountry, SellerTaxId) =
            (seller.Name, seller.Email, seller.Line1, seller.Line2, seller.City, seller.PostalCode, seller.State, seller.Country, seller.TaxId);
    }

    public void AddLine(InvoiceLine line)
    {
        line.InvoiceId = Id;
        line.Position = Lines.Count;
        Lines.Add(line);
        // Discount lines are negative and shown in the lines; the subtotal is what comes before them.
        Subtotal = Lines.Where(l => l.LineType != LineTypes.Discount).Sum(l => l.Amount);
        DiscountAmount = -Lines.Where(l => l.LineType == LineTypes.Discount).Sum(l => l.Amount);
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

/// <summary>A name-and-address block of an invoice (bill-to or seller). Country: ISO 3166-1 alpha-2.</summary>
public sealed record InvoiceParty(string? Name, string? Email, string? Line1, string? Line2, string? City, string? PostalCode,
    string? State, string? Region, string? Country, string? TaxId)
{
    public static readonly InvoiceParty None = new(null, null, null, null, null, null, null, null, null, null);

    public static InvoiceParty Of(Customer customer) => new(Text(customer.FullName), Text(customer.Email), Text(customer.Address?.Line1),
        Text(customer.Address?.Line2), Text(customer.Address?.City), Text(customer.Address?.PostalCode), Text(customer.Address?.State),
        Text(customer.Address?.Region), Text(customer.Address?.Country), Text(customer.TaxDocument));

    /// <summary>Blank is absent (a cleared field is stored as an empty string by some writers).</summary>
    public static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
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

    /// <summary>On a discount line: <c>percentage</c> (value in basis points) or <c>amount</c> (minor units), and the code's name.</summary>
    public string? DiscountType { get; set; }
    public long? DiscountValue { get; set; }
    public string? DiscountName { get; set; }
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

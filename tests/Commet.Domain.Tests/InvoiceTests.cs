using Commet.Domain.Billing;

namespace Commet.Domain.Tests;

public class InvoiceTests
{
    private static readonly DateTime At = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private static Invoice New(string status = InvoiceStatus.Outstanding) => new()
    {
        Id = "inv_1",
        OrganizationId = "org_1",
        CustomerId = "cus_1",
        Number = "INV-000001",
        Type = InvoiceTypes.Adjustment,
        Status = status,
    };

    [Theory]
    [InlineData(InvoiceStatus.Outstanding)]
    [InlineData(InvoiceStatus.Draft)]
    public void OutstandingAndDraftInvoices_CanBePaidOrVoided(string status)
    {
        var paid = New(status);
        Assert.Null(paid.MarkPaid(At));
        Assert.Equal(InvoiceStatus.Paid, paid.Status);
        Assert.Equal(At, paid.PaidAt);

        var voided = New(status);
        Assert.Null(voided.Void(At));
        Assert.Equal(InvoiceStatus.Void, voided.Status);
    }

    [Theory]
    [InlineData(InvoiceStatus.Paid)]
    [InlineData(InvoiceStatus.Void)]
    [InlineData(InvoiceStatus.Uncollectible)]
    public void SettledInvoices_AreFinal(string status)
    {
        var invoice = New(status);
        Assert.Equal("invalid_invoice_status", invoice.MarkPaid(At)?.Code);
        Assert.Equal("invalid_invoice_status", invoice.Void(At)?.Code);
        Assert.Equal("invalid_invoice_status", invoice.MarkUncollectible(At)?.Code);
        Assert.Equal(422, invoice.Void(At)?.Status);
        Assert.Equal(status, invoice.Status);
    }

    [Fact]
    public void Sending_RecordsTheTime_ExceptForAVoidInvoice()
    {
        var invoice = New(InvoiceStatus.Paid);
        Assert.Null(invoice.MarkSent(At));
        Assert.Equal(At, invoice.SentAt);

        var voided = New(InvoiceStatus.Void);
        Assert.Equal("invalid_invoice_status", voided.MarkSent(At)?.Code);
        Assert.Null(voided.SentAt);
    }

    [Fact]
    public void Lines_KeepSubtotalAndTotal_IncludingNegativeCredits()
    {
        var invoice = New();
        invoice.AddLine(new InvoiceLine { LineType = LineTypes.OneTime, Description = "Fee", Amount = 1500 });
        invoice.AddLine(new InvoiceLine { LineType = LineTypes.Credit, Description = "Credit", Amount = -2000 });
        Assert.Equal(-500, invoice.Subtotal);
        Assert.Equal(-500, invoice.Total);
        Assert.Equal([0, 1], invoice.Lines.Select(l => l.Position));
    }
}

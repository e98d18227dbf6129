using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Invoices;
using UglyToad.PdfPig;

namespace Commet.Server.Tests;

/// <summary>The PDF renderer on its own: page breaks, currencies, rate-scale unit prices.</summary>
public sealed class InvoicePdfTests
{
    private static Invoice Sample(string currency, int lines)
    {
        var invoice = new Invoice
        {
            Id = "inv_test",
            OrganizationId = "org_test",
            CustomerId = "cus_test",
            Number = "INV-000042",
            Type = InvoiceTypes.Recurring,
            Currency = currency,
            PeriodStart = new DateTime(2026, 1, 31, 0, 0, 0, DateTimeKind.Utc),
            PeriodEnd = new DateTime(2026, 2, 28, 0, 0, 0, DateTimeKind.Utc),
            IssueDate = new DateTime(2026, 1, 31, 0, 0, 0, DateTimeKind.Utc),
            DueDate = new DateTime(2026, 1, 31, 0, 0, 0, DateTimeKind.Utc),
            PlanName = "Scale",
            Memo = "Thank you for your business.",
        };
        for (var i = 0; i < lines; i++)
        {
            invoice.AddLine(new InvoiceLine { LineType = LineTypes.PlanBase, Description = $"Line {i + 1} with a description", Quantity = 1, UnitAmount = 1000, Amount = 1000 });
        }
        return invoice;
    }

    private static string Text(byte[] pdf, out int pages)
    {
        using var document = PdfDocument.Open(pdf);
        pages = document.NumberOfPages;
        return string.Join("\n", document.GetPages().Select(p => p.Text));
    }

    [Fact]
    public void ManyLines_ContinueOnFurtherPages_WithTheTotalAtTheEnd()
    {
        var invoice = Sample("USD", 80);
        var text = Text(InvoicePdf.Render(invoice, new InvoicePdfParties("Acme Inc", "Ann Lee", "ann@example.com", null)), out var pages);

        Assert.True(pages > 1, $"expected several pages, got {pages}");
        Assert.Contains("Line 80 with a description", text);
        Assert.Contains("$800.00", text);
        Assert.Contains($"Page {pages} of {pages}", text);
        Assert.Contains("Jan 31, 2026", text);
        Assert.Contains("Acme Inc", text);
        Assert.Contains("Thank you for your business.", text);
    }

    [Fact]
    public void ZeroDecimalCurrency_AndRateScaleUnitPrices_AreFormattedForPeople()
    {
        var invoice = Sample("JPY", 1);
        invoice.AddLine(new InvoiceLine
        {
            LineType = LineTypes.FeatureOverage,
            FeatureName = "API calls",
            Description = "API calls overage",
            Quantity = 1500,
            UnitAmount = 20,
            UnitAmountIsRate = true,
            Amount = 3,
        });
        var text = Text(InvoicePdf.Render(invoice, new InvoicePdfParties("Acme KK", null, null, null)), out _);

        Assert.Contains("¥1,003", text);
        Assert.Contains("¥0.002", text);
        Assert.Contains("1500", text);
    }

    [Theory]
    [InlineData(20, "USD", "$0.002")]
    [InlineData(10000, "USD", "$1.00")]
    [InlineData(15, "EUR", "€0.0015")]
    [InlineData(-250, "USD", "-$0.025")]
    public void FormatRate_KeepsFractionsOfTheMinorUnit(long rate, string currency, string expected) =>
        Assert.Equal(expected, InvoicePdf.FormatRate(rate, currency));

    [Fact]
    public void Format_UsesTheCurrencyMinorUnit() =>
        Assert.Equal(new[] { "$49.00", "¥500", "-$7.00" }, new[] { InvoicePdf.Format(4900, "USD"), InvoicePdf.Format(500, "JPY"), InvoicePdf.Format(-700, "USD") });
}

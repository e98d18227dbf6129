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
        invoice.Freeze(InvoiceParty.None with { Name = "Ann Lee", Email = "ann@example.com" }, InvoiceParty.None with { Name = "Acme Inc" });
        var text = Text(InvoicePdf.Render(invoice), out var pages);

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
        invoice.Freeze(InvoiceParty.None, InvoiceParty.None with { Name = "Acme KK" });
        var text = Text(InvoicePdf.Render(invoice), out _);

        Assert.Contains("¥1,003", text);
        Assert.Contains("¥0.002", text);
        Assert.Contains("1,500", text);
    }

    [Fact]
    public void BillToAndSeller_ShowTaxIds_CountryNames_AndQuantitiesWithThousandsSeparators()
    {
        var invoice = Sample("GBP", 0);
        // 28,500 calls at £0.01 (rate 100 = 0.01 major units): 28,500 × 1p = 28,500p = £285.00.
        invoice.AddLine(new InvoiceLine
        {
            LineType = LineTypes.FeatureOverage,
            Description = "API calls overage",
            Quantity = 28500,
            UnitAmount = 100,
            UnitAmountIsRate = true,
            Amount = 28500,
        });
        invoice.Freeze(
            new InvoiceParty("Ia Ltd", "accounts@ia.example", "1 King St", null, "London", "EC2V 7HH", null, null, "GB", "GB123456789"),
            new InvoiceParty("Globex Cloud S.L.", "billing@globex.example", "Calle Mayor 1", "Planta 2", "Madrid", "28013", null, null, "ES", "ESB12345678"));

        var pdf = InvoicePdf.Render(invoice);
        var text = Text(pdf, out _);

        Assert.Contains("28,500", text);
        Assert.DoesNotContain("28500", text);
        Assert.Contains("£285.00", text);
        Assert.Contains("Tax ID: GB123456789", text);
        Assert.Contains("United Kingdom", text);
        Assert.Contains("Globex Cloud S.L.", text);
        Assert.Contains("Calle Mayor 1", text);
        Assert.Contains("Planta 2", text);
        Assert.Contains("28013 Madrid", text);
        Assert.Contains("Spain", text);
        Assert.Contains("Tax ID: ESB12345678", text);
        Assert.Contains("billing@globex.example", text);
        // The seller block sits above the bill-to block in the same column, without overlapping it.
        using var document = PdfDocument.Open(pdf);
        var words = document.GetPage(1).GetWords().ToList();
        var sellerBottom = words.Single(w => w.Text == "billing@globex.example").BoundingBox.Bottom;
        var billToTop = words.First(w => w.Text == "Bill").BoundingBox.Top;
        Assert.True(billToTop < sellerBottom, $"'Bill to' (top {billToTop}) must be below the seller block (bottom {sellerBottom})");
    }

    [Theory]
    [InlineData("GB", "United Kingdom")]
    [InlineData("de", "Germany")]
    [InlineData("XX", "XX")]
    [InlineData("ZZZ", "ZZZ")]
    public void CountryName_IsTheEnglishName_OrTheCodeWhenUnknown(string code, string expected) =>
        Assert.Equal(expected, InvoiceText.CountryName(code));

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

/// <summary>The PDF in the customer's language: words, dates and amounts.</summary>
public sealed class InvoicePdfLanguageTests
{
    [Fact]
    public void German_WordsDatesAndAmounts()
    {
        var invoice = new Invoice
        {
            Id = "inv_de",
            OrganizationId = "org_test",
            CustomerId = "cus_test",
            Number = "INV-000043",
            Type = InvoiceTypes.Recurring,
            Currency = "EUR",
            PeriodStart = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc),
            PeriodEnd = new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc),
            IssueDate = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc),
            DueDate = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc),
        };
        // One line of €1,234.50.
        invoice.AddLine(new InvoiceLine { LineType = LineTypes.PlanBase, Description = "Pro", Quantity = 1, UnitAmount = 123450, Amount = 123450 });
        invoice.Freeze(InvoiceParty.None with { Name = "Anna Schmidt", TaxId = "DE123456789" }, InvoiceParty.None with { Name = "Acme GmbH" });
        using var document = UglyToad.PdfPig.PdfDocument.Open(InvoicePdf.Render(invoice, "de"));
        var text = string.Join("\n", document.GetPages().Select(p => p.Text));

        Assert.Contains("RECHNUNG", text, StringComparison.Ordinal);
        Assert.Contains("Rechnungsnummer", text, StringComparison.Ordinal);
        Assert.Contains("1. März 2026", text, StringComparison.Ordinal);
        Assert.Contains("1.234,50", text, StringComparison.Ordinal);
        Assert.Contains("Steuernummer: DE123456789", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Invoice number", text, StringComparison.Ordinal);
    }
}

using System.Globalization;
using Commet.Domain;
using Commet.Domain.Billing;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Commet.Server.Invoices;

/// <summary>The seller and bill-to blocks an invoice PDF shows: those frozen on the invoice when it was issued.</summary>
public sealed record InvoicePdfParties(InvoiceParty Seller, InvoiceParty BillTo)
{
    public static InvoicePdfParties Of(Invoice invoice) => new(invoice.Seller, invoice.BillTo);
}

/// <summary>
/// Renders an invoice as an A4 PDF with PDFsharp: seller (legal name, address, tax ID, support email), customer
/// (name, email, address, tax ID) as frozen on the invoice when it was issued, number, dates,
/// period, status and type, the line items (description, quantity, unit amount, amount) and the totals, each
/// amount formatted for the invoice currency. Long descriptions wrap; long invoices continue on further pages.
/// </summary>
public static class InvoicePdf
{
    private const double Left = 50;
    private const double Right = 545;
    private const double Top = 50;
    private const double Bottom = 790;
    private const double QtyRight = 375;
    private const double UnitRight = 460;
    private const double DescriptionWidth = 250;

    private static readonly XBrush Ink = XBrushes.Black;
    private static readonly XBrush Muted = new XSolidBrush(XColor.FromArgb(96, 96, 96));
    private static readonly XPen Rule = new(XColor.FromArgb(200, 200, 200), 0.75);

    /// <summary>The invoice as it was issued: its own frozen seller and bill-to blocks, never the live customer.</summary>
    public static byte[] Render(Invoice invoice, string? language = null, TimeZoneInfo? zone = null) => Render(invoice, InvoicePdfParties.Of(invoice), language, zone);

    /// <summary>
    /// In <paramref name="language"/> (a supported tag; English when null): words, dates and amounts; dates in the
    /// customer's time zone <paramref name="zone"/> (UTC when null).
    /// </summary>
    public static byte[] Render(Invoice invoice, InvoicePdfParties parties, string? language = null, TimeZoneInfo? zone = null)
    {
        var tag = language ?? Localization.Languages.English;
        var t = Localization.Texts.Shared.In(Localization.Languages.UiCulture(tag));
        var culture = Localization.Languages.FormatCulture(tag);
        string Date(DateTime at) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(at, DateTimeKind.Utc), zone ?? TimeZoneInfo.Utc)
            .ToString(Localization.Texts.Shared.Raw("Format.Date", culture), culture);
        string Format(long minorUnits, string currency) => InvoicePdf.Format(minorUnits, currency, culture);
        string FormatRate(long rate, string currency) => InvoicePdf.FormatRate(rate, currency, culture);
        string Words(string prefix, string code) => Localization.Texts.Shared.Has(prefix + code) ? t[prefix + code] : InvoicePdf.Words(code);
        // Lines the engine wrote are told again in the reader's language, with the period in their zone.
        var reader = new InvoiceLineLabels.Reader(t, (start, end) => $"{Date(start)} – {Date(end)}", minor => Format(minor, invoice.Currency));
        var merchant = parties.Seller.Name ?? "";
        InvoiceFonts.EnsureInstalled();
        using var document = new PdfDocument();
        document.Info.Title = t["Invoice.Title", ("number", invoice.Number)];
        document.Info.Author = merchant;
        document.Info.Creator = "Commet for .NET";
        var writer = new PageWriter(document);

        var title = new XFont(InvoiceFonts.Family, 20, XFontStyleEx.Bold);
        var heading = new XFont(InvoiceFonts.Family, 10, XFontStyleEx.Bold);
        var body = new XFont(InvoiceFonts.Family, 9.5, XFontStyleEx.Regular);
        var small = new XFont(InvoiceFonts.Family, 8.5, XFontStyleEx.Regular);
        var totalFont = new XFont(InvoiceFonts.Family, 11, XFontStyleEx.Bold);

        // Header: the word, the seller block on the right, then the invoice facts beside the customer.
        var g = writer.Graphics;
        g.DrawString(invoice.Total < 0 ? t["Pdf.CreditNote"] : t["Pdf.Invoice"], title, Ink, new XRect(Left, Top, Right - Left, 24), XStringFormats.TopLeft);
        g.DrawString(merchant, heading, Ink, new XRect(Left, Top + 4, Right - Left, 14), XStringFormats.TopRight);
        var sellerY = Top + 20;
        foreach (var line in SellerLines(parties.Seller, t).SelectMany(l => Wrap(g, l, small, Right - 330)))
        {
            g.DrawString(line, small, Muted, new XRect(330, sellerY, Right - 330, 11), XStringFormats.TopRight);
            sellerY += 11;
        }
        writer.Y = Math.Max(Top + 44, sellerY + 12);

        var facts = new List<(string Label, string Value)>
        {
            (t["Pdf.Number"], invoice.Number),
            (t["Pdf.IssueDate"], Date(invoice.IssueDate)),
            (t["Pdf.DueDate"], Date(invoice.DueDate)),
            (t["Invoice.Period"], $"{Date(invoice.PeriodStart)} – {Date(invoice.PeriodEnd)}"),
            (t["Table.Status"], Words("InvoiceStatus.", invoice.Status)),
            (t["Table.Type"], Words("InvoiceType.", invoice.Type)),
        };
        if (invoice.PlanName is { Length: > 0 } plan)
        {
            facts.Add((t["Pdf.Plan"], plan));
        }
        var factsTop = writer.Y;
        foreach (var (label, value) in facts)
        {
            g.DrawString(label, small, Muted, new XRect(Left, writer.Y, 90, 12), XStringFormats.TopLeft);
            g.DrawString(value, body, Ink, new XRect(Left + 90, writer.Y, 200, 12), XStringFormats.TopLeft);
            writer.Y += 14;
        }
        var factsBottom = writer.Y;

        var billTo = new List<string>();
        if (!string.IsNullOrWhiteSpace(parties.BillTo.Name))
        {
            billTo.Add(parties.BillTo.Name);
        }
        if (!string.IsNullOrWhiteSpace(parties.BillTo.Email))
        {
            billTo.Add(parties.BillTo.Email);
        }
        billTo.AddRange(InvoiceText.AddressLines(parties.BillTo));
        if (!string.IsNullOrWhiteSpace(parties.BillTo.TaxId))
        {
            billTo.Add(t["Invoice.TaxId", ("id", parties.BillTo.TaxId)]);
        }
        var y = factsTop;
        g.DrawString(t["Pdf.BillTo"], small, Muted, new XRect(330, y, Right - 330, 12), XStringFormats.TopLeft);
        y += 14;
        foreach (var line in billTo)
        {
            foreach (var wrapped in Wrap(g, line, body, Right - 330))
            {
                g.DrawString(wrapped, body, Ink, new XRect(330, y, Right - 330, 12), XStringFormats.TopLeft);
                y += 13;
            }
        }
        writer.Y = Math.Max(factsBottom, y) + 20;

        // Line items.
        void TableHeader()
        {
            var gg = writer.Graphics;
            gg.DrawString(t["Invoice.Description"], heading, Ink, new XRect(Left, writer.Y, DescriptionWidth, 14), XStringFormats.TopLeft);
            gg.DrawString(t["Invoice.Qty"], heading, Ink, new XRect(QtyRight - 60, writer.Y, 60, 14), XStringFormats.TopRight);
            gg.DrawString(t["Pdf.UnitPrice"], heading, Ink, new XRect(UnitRight - 80, writer.Y, 80, 14), XStringFormats.TopRight);
            gg.DrawString(t["Invoice.Amount"], heading, Ink, new XRect(Right - 80, writer.Y, 80, 14), XStringFormats.TopRight);
            writer.Y += 16;
            gg.DrawLine(Rule, Left, writer.Y, Right, writer.Y);
            writer.Y += 6;
        }
        TableHeader();
        foreach (var line in invoice.Lines.OrderBy(l => l.Position))
        {
            var wrapped = Wrap(writer.Graphics, InvoiceLineLabels.Label(invoice, line, reader), body, DescriptionWidth);
            var height = wrapped.Count * 13 + 6;
            if (writer.Y + height > Bottom)
            {
                writer.NewPage();
                TableHeader();
            }
            var gg = writer.Graphics;
            var rowTop = writer.Y;
            foreach (var text in wrapped)
            {
                gg.DrawString(text, body, Ink, new XRect(Left, writer.Y, DescriptionWidth, 12), XStringFormats.TopLeft);
                writer.Y += 13;
            }
            gg.DrawString(Quantity(line.Quantity), body, Ink, new XRect(QtyRight - 60, rowTop, 60, 12), XStringFormats.TopRight);
            var unit = line.UnitAmountIsRate ? FormatRate(line.UnitAmount, invoice.Currency) : Format(line.UnitAmount, invoice.Currency);
            gg.DrawString(unit, body, Ink, new XRect(UnitRight - 80, rowTop, 80, 12), XStringFormats.TopRight);
            gg.DrawString(Format(line.Amount, invoice.Currency), body, Ink, new XRect(Right - 80, rowTop, 80, 12), XStringFormats.TopRight);
            writer.Y += 6;
        }
        writer.Graphics.DrawLine(Rule, Left, writer.Y, Right, writer.Y);
        writer.Y += 10;

        // Totals.
        var totals = new List<(string Label, long Amount, XFont Font)> { (t["Invoice.Subtotal"], invoice.Subtotal, body) };
        if (invoice.DiscountAmount != 0)
        {
            totals.Add((t["Invoice.Discount"], -invoice.DiscountAmount, body));
        }
        totals.Add((t["Invoice.Tax"], invoice.TaxAmount, body));
        totals.Add((t["Table.Total"], invoice.Total, totalFont));
        if (writer.Y + totals.Count * 16 > Bottom)
        {
            writer.NewPage();
        }
        foreach (var (label, amount, font) in totals)
        {
            var gg = writer.Graphics;
            gg.DrawString(label, font, Ink, new XRect(UnitRight - 120, writer.Y, 120, 14), XStringFormats.TopRight);
            gg.DrawString(Format(amount, invoice.Currency), font, Ink, new XRect(Right - 120, writer.Y, 120, 14), XStringFormats.TopRight);
            writer.Y += font == totalFont ? 18 : 15;
        }

        if (!string.IsNullOrWhiteSpace(invoice.Memo))
        {
            writer.Y += 12;
            foreach (var text in Wrap(writer.Graphics, invoice.Memo, body, Right - Left))
            {
                if (writer.Y + 13 > Bottom)
                {
                    writer.NewPage();
                }
                writer.Graphics.DrawString(text, body, Muted, new XRect(Left, writer.Y, Right - Left, 12), XStringFormats.TopLeft);
                writer.Y += 13;
            }
        }

        writer.Finish(small, merchant.Length == 0 ? invoice.Number : $"{invoice.Number} · {merchant}", (page, of) => t["Pdf.Page", ("page", page), ("of", of)]);
        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }

    /// <summary>Minor units formatted for people in the invoice currency ("$49.00", "¥500").</summary>
    public static string Format(long minorUnits, string currency, CultureInfo? culture = null) =>
        Currency.IsKnown(currency)
            ? Portal.PortalFormat.Money(minorUnits, currency, culture ?? CultureInfo.GetCultureInfo("en-US"))
            : string.Create(CultureInfo.InvariantCulture, $"{minorUnits:#,0} {currency}");

    /// <summary>A rate-scale unit price (10000 = 1.00), which may be a fraction of the minor unit ("$0.002").</summary>
    public static string FormatRate(long rate, string currency, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.GetCultureInfo("en-US");
        if (!Currency.IsKnown(currency))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{rate / (decimal)Money.RateScale} {currency}");
        }
        var c = Currency.Of(currency);
        var major = rate / (decimal)Money.RateScale;
        var digits = Math.Max(c.Digits, DecimalPlaces(major));
        var number = Math.Abs(major).ToString("N" + digits, culture);
        return Portal.PortalFormat.Place(number, major < 0, currency, culture);
    }

    private static int DecimalPlaces(decimal value)
    {
        value = Math.Abs(value);
        var places = 0;
        while (value != decimal.Truncate(value) && places < 6)
        {
            value *= 10;
            places++;
        }
        return places;
    }

    private static string Quantity(decimal q) => InvoiceText.Quantity(q);

    internal static string Words(string code) =>
        code.Length == 0 ? code : char.ToUpperInvariant(code[0]) + code[1..].Replace('_', ' ');

    /// <summary>Under the seller's name: address, tax ID, support email.</summary>
    private static IEnumerable<string> SellerLines(InvoiceParty seller, Localization.Texts.Bound t)
    {
        foreach (var line in InvoiceText.AddressLines(seller))
        {
            yield return line;
        }
        if (!string.IsNullOrWhiteSpace(seller.TaxId))
        {
            yield return t["Invoice.TaxId", ("id", seller.TaxId)];
        }
        if (!string.IsNullOrWhiteSpace(seller.Email))
        {
            yield return seller.Email;
        }
    }

    /// <summary>Greedy word wrap by measured width; a word longer than the line is broken by characters.</summary>
    private static List<string> Wrap(XGraphics g, string text, XFont font, double width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            var current = "";
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (g.MeasureString(candidate, font).Width <= width)
                {
                    current = candidate;
                    continue;
                }
                if (current.Length > 0)
                {
                    lines.Add(current);
                }
                current = word;
                while (g.MeasureString(current, font).Width > width && current.Length > 1)
                {
                    var fit = current.Length - 1;
                    while (fit > 1 && g.MeasureString(current[..fit], font).Width > width)
                    {
                        fit--;
                    }
                    lines.Add(current[..fit]);
                    current = current[fit..];
                }
            }
            lines.Add(current);
        }
        return lines;
    }

    /// <summary>The current page and its graphics, with a cursor that moves down the page.</summary>
    private sealed class PageWriter
    {
        private readonly PdfDocument document;
        private readonly List<XGraphics> open = [];

        public PageWriter(PdfDocument document)
        {
            this.document = document;
            NewPage();
        }

        public XGraphics Graphics { get; private set; } = null!;

        public double Y { get; set; }

        public void NewPage()
        {
            var page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            Graphics = XGraphics.FromPdfPage(page);
            open.Add(Graphics);
            Y = Top;
        }

        /// <summary>Page footers ("page 1 of 2"), then closes every page's graphics.</summary>
        public void Finish(XFont font, string footer, Func<int, int, string> pageOf)
        {
            for (var i = 0; i < open.Count; i++)
            {
                var text = open.Count > 1 ? $"{footer} · {pageOf(i + 1, open.Count)}" : footer;
                open[i].DrawString(text, font, Muted, new XRect(Left, Bottom + 20, Right - Left, 12), XStringFormats.TopCenter);
                open[i].Dispose();
            }
        }
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Localization;

namespace Commet.Server.Invoices;

/// <summary>
/// How a reader sees an invoice line: in their language, with dates in their time zone. The stored
/// <see cref="InvoiceLine.Description"/> stays as issued (English, UTC dates; it is also what the API answers); a
/// line the billing engine wrote is told again from its structured data (type, plan or feature name, quantities,
/// discount terms, the invoice's period) in the reader's language. The stored text is checked against what the engine
/// would have written from those same data, so a line whose text came from the merchant (adjustments, payment links)
/// or that does not match is shown exactly as stored.
/// </summary>
public static partial class InvoiceLineLabels
{
    /// <summary>
    /// The reader's formats: <paramref name="Text"/> in their language, <paramref name="Period"/> two UTC instants as a
    /// period in their zone ("28 feb – 31 mar 2027"), <paramref name="Money"/> minor units of the invoice's currency.
    /// </summary>
    public sealed record Reader(Texts.Bound Text, Func<DateTime, DateTime, string> Period, Func<long, string> Money);

    public static string Label(Invoice invoice, InvoiceLine line, Reader r) => Localized(invoice, line, r) ?? line.Description;

    private static string? Localized(Invoice invoice, InvoiceLine line, Reader r)
    {
        var t = r.Text;
        var stored = line.Description;
        switch (line.LineType)
        {
            case LineTypes.PlanBase:
            {
                // "Pro (Mar 1, 2027 – Apr 1, 2027)": the plan of the invoice over the invoice's own period.
                var m = PlanBaseText().Match(stored);
                if (!m.Success || !WrittenDate(m.Groups["s"].Value, invoice.PeriodStart) || !WrittenDate(m.Groups["e"].Value, invoice.PeriodEnd))
                {
                    return null;
                }
                return t["InvoiceLine.Plan", ("plan", m.Groups["name"].Value), ("period", r.Period(invoice.PeriodStart, invoice.PeriodEnd))];
            }
            case LineTypes.Credit when invoice.Type == InvoiceTypes.PlanChange:
            {
                // "Unused time on Pro (12 of 30 days)".
                var m = UnusedText().Match(stored);
                return m.Success && Days(m, out var remaining, out var total)
                    ? t["InvoiceLine.Unused", ("name", m.Groups["name"].Value), ("remaining", remaining), ("total", total)]
                    : null;
            }
            case LineTypes.AddonBase:
            {
                // "Priority support", or "Priority support (12 of 30 days)" when bought mid-period.
                var m = ProratedText().Match(stored);
                return m.Success && Days(m, out var remaining, out var total)
                    ? t["InvoiceLine.Prorated", ("name", m.Groups["name"].Value), ("remaining", remaining), ("total", total)]
                    : null;
            }
            case LineTypes.FeatureSeats when line.FeatureName is { } seatName:
            {
                // "3 × Seats (12 of 30 days)" (added mid-period) or "2 × Seats beyond the 5 included" (a renewal).
                var count = line.Quantity;
                if (line.IncludedAmount is { } includedSeats && stored == $"{Invariant(count)} × {seatName} beyond the {includedSeats.ToString("N0", CultureInfo.InvariantCulture)} included")
                {
                    return t["InvoiceLine.SeatsBeyond", ("count", count), ("feature", seatName), ("included", includedSeats)];
                }
                var m = ProratedText().Match(stored);
                return m.Success && m.Groups["name"].Value == $"{Invariant(count)} × {seatName}" && Days(m, out var remaining, out var total)
                    ? t["InvoiceLine.SeatsProrated", ("count", count), ("feature", seatName), ("remaining", remaining), ("total", total)]
                    : null;
            }
            case LineTypes.FeatureOverage when line.FeatureName is { } feature && line.IncludedAmount is { } included:
            {
                // "API calls: 1500 beyond the 10,000 included".
                var over = line.OverageAmount ?? line.Quantity;
                return stored == $"{feature}: {over.ToString("0.######", CultureInfo.InvariantCulture)} beyond the {included.ToString("N0", CultureInfo.InvariantCulture)} included"
                    ? t["InvoiceLine.Overage", ("feature", feature), ("over", Quantity(over, t.Culture)), ("included", included)]
                    : null;
            }
            case LineTypes.BalanceOverage:
                // "Usage beyond your balance ($4.20)".
                return stored == $"Usage beyond your balance ({EnglishMoney(line.Amount, invoice.Currency)})"
                    ? t["InvoiceLine.BalanceOverage", ("amount", r.Money(line.Amount))]
                    : null;
            case LineTypes.Discount when line.DiscountType is { } type && line.DiscountValue is { } value && line.DiscountName is { } name:
            {
                // "SPRING-20 (20% off)" or "WELCOME (5.00 off)", from the line's discount terms.
                if (type == DiscountTypes.Percentage && stored == $"{name} ({(value / 100m).ToString("0.##", CultureInfo.InvariantCulture)}% off)")
                {
                    return t["InvoiceLine.DiscountPercent", ("name", name), ("percent", (value / 100m).ToString("0.##", NumberCulture(t.Culture)))];
                }
                if (type == DiscountTypes.Amount && stored == $"{name} ({EnglishMoney(value, invoice.Currency)} off)")
                {
                    return t["InvoiceLine.DiscountAmount", ("name", name), ("amount", r.Money(value))];
                }
                return null;
            }
            case LineTypes.OneTime when invoice.Type == InvoiceTypes.CreditPurchase:
            {
                // "Starter pack (500 credits)".
                var m = CreditPackText().Match(stored);
                return m.Success && long.TryParse(m.Groups["n"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var credits)
                    ? t["InvoiceLine.CreditPack", ("name", m.Groups["name"].Value), ("count", credits)]
                    : null;
            }
            case LineTypes.OneTime when invoice.Type == InvoiceTypes.BalanceTopup:
                // "Balance top-up $50.00".
                return stored == $"Balance top-up {EnglishMoney(line.Amount, invoice.Currency)}"
                    ? t["InvoiceLine.Topup", ("amount", r.Money(line.Amount))]
                    : null;
            default:
                return null;
        }
    }

    private static bool Days(Match m, out long remaining, out long total)
    {
        total = 0;
        return long.TryParse(m.Groups["r"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out remaining)
            && long.TryParse(m.Groups["t"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out total);
    }

    /// <summary>
    /// Whether <paramref name="text"/> is the UTC date of <paramref name="utc"/> as the engine writes it ("Mar 1, 2027"),
    /// in the invariant culture or in the culture of the request that made the line (a portal page in another language).
    /// </summary>
    private static bool WrittenDate(string text, DateTime utc) =>
        WritingCultures.Value.Any(c => string.Equals(utc.ToString("MMM d, yyyy", c), text, StringComparison.Ordinal));

    private static readonly Lazy<CultureInfo[]> WritingCultures = new(() =>
        [CultureInfo.InvariantCulture, .. Languages.Supported.Select(Languages.FormatCulture)]);

    private static CultureInfo NumberCulture(CultureInfo ui) =>
        Languages.Match(ui.Name) is { } tag ? Languages.FormatCulture(tag) : CultureInfo.InvariantCulture;

    private static string EnglishMoney(long minor, string currency) =>
        Currency.IsKnown(currency) ? new Money(minor, Currency.Of(currency)).Format() : "";

    /// <summary>A quantity as the engine writes a whole count ("3"), whatever scale the database gave back (3.000000).</summary>
    private static string Invariant(decimal q) => q.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Quantity(decimal q, CultureInfo ui) => q.ToString("#,0.######", NumberCulture(ui));

    [GeneratedRegex(@"^(?<name>.+) \((?<s>[^()–]+) – (?<e>[^()–]+)\)$")]
    private static partial Regex PlanBaseText();

    [GeneratedRegex(@"^Unused time on (?<name>.+) \((?<r>\d+) of (?<t>\d+) days\)$")]
    private static partial Regex UnusedText();

    [GeneratedRegex(@"^(?<name>.+) \((?<r>\d+) of (?<t>\d+) days\)$")]
    private static partial Regex ProratedText();

    [GeneratedRegex(@"^(?<name>.+) \((?<n>\d{1,3}(,\d{3})*) credits\)$")]
    private static partial Regex CreditPackText();
}

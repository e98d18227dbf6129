using System.Globalization;
using Commet.Domain;
using Commet.Server.Localization;

namespace Commet.Server.Portal;

/// <summary>
/// Money, quantities and dates the way a customer reads them: their language (the request's
/// <see cref="CultureInfo.CurrentCulture"/>, or one passed in), their currency, their time zone.
/// </summary>
public sealed class PortalFormat(TimeZoneInfo zone, CultureInfo? culture = null)
{
    private static Texts T => Texts.Shared;

    private CultureInfo Culture => culture ?? CultureInfo.CurrentCulture;

    public TimeZoneInfo Zone => zone;

    public static PortalFormat For(string? timezone, CultureInfo? culture = null) =>
        new(timezone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timezone, out var tz) ? tz : TimeZoneInfo.Utc, culture);

    public DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    /// <summary>"Mar 3, 2028", "3 mar 2028", "3. März 2028": the layout is the language's <c>Format.Date</c> text.</summary>
    public string Date(DateTime utc) => Local(utc).ToString(T.Raw("Format.Date", Culture), Culture);

    public string Date(DateTime? utc) => utc is { } d ? Date(d) : "—";

    /// <summary>A day without the year ("Mar 3"), in the customer's time zone.</summary>
    public string Day(DateTime utc) => DayOf(Local(utc));

    /// <summary>A calendar day as it is (no time zone change): "Mar 3".</summary>
    public string DayOf(DateTime day) => day.ToString(T.Raw("Format.DayMonth", Culture), Culture);

    /// <summary>"Mar 3 – Apr 3, 2028", or with both years when they differ.</summary>
    public string Period(DateTime startUtc, DateTime endUtc)
    {
        var (s, e) = (Local(startUtc), Local(endUtc));
        var end = e.ToString(T.Raw("Format.Date", Culture), Culture);
        var start = s.Year == e.Year ? DayOf(s) : s.ToString(T.Raw("Format.Date", Culture), Culture);
        return $"{start} – {end}";
    }

    /// <summary>The time zone's name as shown under dates ("Europe/Madrid").</summary>
    public string ZoneName => zone.Id;

    /// <summary>Money in the current culture: "$1,234.50", "1.234,50 €", "R$ 1.234,50".</summary>
    public static string Money(long minorUnits, string currency) => Money(minorUnits, currency, CultureInfo.CurrentCulture);

    public static string Money(long minorUnits, string currency, CultureInfo culture)
    {
        if (!Commet.Domain.Currency.IsKnown(currency))
        {
            return $"{minorUnits.ToString("#,0", culture)} {currency}";
        }
        var money = new Money(minorUnits, Commet.Domain.Currency.Of(currency));
        return Place(Math.Abs(money.Major).ToString("N" + money.Currency.Digits, culture), minorUnits < 0, currency, culture);
    }

    /// <summary>A number with the currency's symbol where the culture puts it ("$5", "5 €", "R$ 5").</summary>
    public static string Place(string number, bool negative, string currency, CultureInfo culture)
    {
        var symbol = Commet.Domain.Money.SymbolOf(currency);
        var before = culture.NumberFormat.CurrencyPositivePattern is 0 or 2;
        var text = symbol is null
            ? before ? $"{currency} {number}" : $"{number} {currency}"
            : culture.NumberFormat.CurrencyPositivePattern switch
            {
                0 => symbol + number,
                1 => number + symbol,
                2 => symbol + "\u00a0" + number,
                _ => number + "\u00a0" + symbol,
            };
        return negative ? "-" + text : text;
    }

    /// <summary>A rate-scale price (10000 = 1.00) that may be a fraction of a cent: "$0.002".</summary>
    public static string Rate(long rateScale, string currency)
    {
        var culture = CultureInfo.CurrentCulture;
        var digits = Commet.Domain.Currency.IsKnown(currency) ? Commet.Domain.Currency.Of(currency).Digits : 2;
        var major = rateScale / (decimal)Commet.Domain.Money.RateScale;
        var text = Math.Abs(major).ToString("#,0." + new string('0', digits) + "####", culture);
        return Place(text, major < 0, currency, culture);
    }

    /// <summary>
    /// A rate-scale amount (10000 = 1.00) such as an included balance: as money ("$1,000.00") when it is a whole
    /// number of minor units, else with its fraction of a cent ("$0.0025").
    /// </summary>
    public static string RateAmount(long rateScale, string currency)
    {
        var digits = Commet.Domain.Currency.IsKnown(currency) ? Commet.Domain.Currency.Of(currency).Digits : 2;
        var perMinor = Commet.Domain.Money.RateScale;
        for (var i = 0; i < digits; i++)
        {
            perMinor /= 10;
        }
        return perMinor > 0 && rateScale % perMinor == 0 ? Money(rateScale / perMinor, currency) : Rate(rateScale, currency);
    }

    /// <summary>"1,234", "1.234" or "12.5".</summary>
    public static string Quantity(decimal value) => value.ToString(value == decimal.Truncate(value) ? "#,0" : "#,0.##", CultureInfo.CurrentCulture);

    public static string Quantity(long value) => value.ToString("#,0", CultureInfo.CurrentCulture);

    /// <summary>"per month", "por mes", "pro Monat".</summary>
    public static string Per(string? interval) => T["Interval.Per." + IntervalKey(interval)];

    /// <summary>"Monthly", "Mensual".</summary>
    public static string IntervalAdjective(string? interval) => interval is null ? "—" : T["Interval.Adjective." + IntervalKey(interval)];

    /// <summary>"monthly billing", "facturación mensual" (a whole phrase: adjectives agree differently in each language).</summary>
    public static string IntervalBilling(string? interval) => T["Interval.Billing." + IntervalKey(interval)];

    /// <summary>"billed monthly", "con facturación mensual".</summary>
    public static string IntervalBilled(string? interval) => T["Interval.Billed." + IntervalKey(interval)];

    private static string IntervalKey(string? interval) => interval switch
    {
        "weekly" or "monthly" or "quarterly" or "yearly" => interval,
        _ => "period",
    };

    public static string Status(string status, bool free) => status switch
    {
        "active" when free => T["Status.Free"],
        "active" or "trialing" or "past_due" or "pending_payment" or "canceled" => T["Status." + status],
        _ => status,
    };

    public static string InvoiceType(string type) => type switch
    {
        "recurring" or "plan_change" or "credit_purchase" or "balance_topup" or "addon_activation" or "reactivation" or "adjustment" or "one_time_payment" => T["InvoiceType." + type],
        _ => T["InvoiceType.other"],
    };

    /// <summary>Invoice types shown as a badge beside the status (a one-off payment is not part of the subscription's billing).</summary>
    public static bool InvoiceTypeBadge(string type) => type == "one_time_payment";

    public static string InvoiceStatus(string status) => status switch
    {
        "paid" or "outstanding" or "void" or "uncollectible" or "draft" => T["InvoiceStatus." + status],
        _ => status,
    };

    public static string Brand(string brand) => brand switch
    {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        "discover" => "Discover",
        _ => T["Card.Brand.other"],
    };
}

using System.Globalization;
using Commet.Domain;

namespace Commet.Server.Portal;

/// <summary>Money, quantities and dates the way a customer reads them: their currency, their time zone.</summary>
public sealed class PortalFormat(TimeZoneInfo zone)
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");

    public TimeZoneInfo Zone => zone;

    public static PortalFormat For(string? timezone) =>
        new(timezone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timezone, out var tz) ? tz : TimeZoneInfo.Utc);

    public DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    /// <summary>"Mar 3, 2028".</summary>
    public string Date(DateTime utc) => Local(utc).ToString("MMM d, yyyy", Culture);

    public string Date(DateTime? utc) => utc is { } d ? Date(d) : "—";

    /// <summary>"Mar 3 – Apr 3, 2028", or with both years when they differ.</summary>
    public string Period(DateTime startUtc, DateTime endUtc)
    {
        var (s, e) = (Local(startUtc), Local(endUtc));
        return s.Year == e.Year
            ? $"{s.ToString("MMM d", Culture)} – {e.ToString("MMM d, yyyy", Culture)}"
            : $"{s.ToString("MMM d, yyyy", Culture)} – {e.ToString("MMM d, yyyy", Culture)}";
    }

    /// <summary>The time zone's name as shown under dates ("Europe/Madrid").</summary>
    public string ZoneName => zone.Id;

    public static string Money(long minorUnits, string currency) =>
        Commet.Domain.Currency.IsKnown(currency) ? new Money(minorUnits, Commet.Domain.Currency.Of(currency)).Format(Culture) : $"{minorUnits} {currency}";

    /// <summary>A rate-scale price (10000 = 1.00) that may be a fraction of a cent: "$0.002".</summary>
    public static string Rate(long rateScale, string currency)
    {
        var digits = Commet.Domain.Currency.IsKnown(currency) ? Commet.Domain.Currency.Of(currency).Digits : 2;
        var major = rateScale / (decimal)Commet.Domain.Money.RateScale;
        var text = major.ToString("0." + new string('0', digits) + "####", Culture);
        var whole = Money(0, currency);
        var symbol = whole[..whole.IndexOf('0', StringComparison.Ordinal)];
        return (major < 0 ? "-" + symbol + text.TrimStart('-') : symbol + text);
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

    /// <summary>"1,234" or "12.5".</summary>
    public static string Quantity(decimal value) => value.ToString(value == decimal.Truncate(value) ? "#,0" : "#,0.##", Culture);

    public static string Quantity(long value) => value.ToString("#,0", Culture);

    public static string Interval(string? interval) => interval switch
    {
        "weekly" => "week",
        "monthly" => "month",
        "quarterly" => "quarter",
        "yearly" => "year",
        _ => "period",
    };

    public static string IntervalAdjective(string? interval) => interval switch
    {
        "weekly" => "Weekly",
        "monthly" => "Monthly",
        "quarterly" => "Quarterly",
        "yearly" => "Yearly",
        _ => "—",
    };

    public static string Status(string status, bool free) => status switch
    {
        "active" when free => "Free",
        "active" => "Active",
        "trialing" => "Trial",
        "past_due" => "Payment overdue",
        "pending_payment" => "Waiting for payment",
        "canceled" => "Canceled",
        _ => status,
    };

    public static string InvoiceType(string type) => type switch
    {
        "recurring" => "Subscription",
        "plan_change" => "Plan change",
        "credit_purchase" => "Credit purchase",
        "balance_topup" => "Balance top-up",
        "addon_activation" => "Add-on",
        "reactivation" => "Reactivation",
        "adjustment" => "Adjustment",
        _ => "Invoice",
    };

    public static string InvoiceStatus(string status) => status switch
    {
        "paid" => "Paid",
        "outstanding" => "Due",
        "void" => "Void",
        "uncollectible" => "Unpaid",
        "draft" => "Draft",
        _ => status,
    };

    public static string Brand(string brand) => brand switch
    {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        "discover" => "Discover",
        _ => "Card",
    };
}

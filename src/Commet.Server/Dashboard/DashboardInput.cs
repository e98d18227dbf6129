using System.Globalization;
using Commet.Server.Http;

namespace Commet.Server.Dashboard;

/// <summary>Numbers typed by a person into dashboard forms, turned into the API's integers exactly (no floating point, no rounding).</summary>
public static class DashboardInput
{
    /// <summary>An amount such as "19.99" in minor units of <paramref name="currency"/> (at most its number of decimals).</summary>
    public static long? MinorUnits(Check check, string field, string? typed, bool required, string currency)
    {
        var digits = Commet.Domain.Currency.IsKnown(currency) ? Commet.Domain.Currency.Of(currency).Digits : 2;
        return Scaled(check, field, typed, required, digits, $"{field} must be an amount such as 19.99 (at most {digits} decimals).");
    }

    /// <summary>A per-unit rate such as "0.0025" on the API's rate scale (10000 = 1.00), at most 4 decimals.</summary>
    public static long? RateUnits(Check check, string field, string? typed, bool required) =>
        Scaled(check, field, typed, required, 4, $"{field} must be an amount per unit such as 0.05 (at most 4 decimals).");

    public static long? WholeNumber(Check check, string field, string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
        {
            return null;
        }
        if (!long.TryParse(typed.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > int.MaxValue)
        {
            check.Add(field, $"{field} must be a whole number.");
            return null;
        }
        return value;
    }

    private static long? Scaled(Check check, string field, string? typed, bool required, int digits, string message)
    {
        if (string.IsNullOrWhiteSpace(typed))
        {
            if (required)
            {
                check.Add(field, $"{field} is required.");
            }
            return null;
        }
        var parts = typed.Trim().Split('.');
        if (parts.Length > 2 || parts[0].Length is 0 or > 12 || !parts[0].All(char.IsAsciiDigit)
            || (parts.Length == 2 && (parts[1].Length > digits || !parts[1].All(char.IsAsciiDigit))))
        {
            check.Add(field, message);
            return null;
        }
        var fraction = parts.Length == 2 ? parts[1].PadRight(digits, '0') : new string('0', digits);
        return long.Parse(parts[0] + fraction, CultureInfo.InvariantCulture);
    }

    /// <summary>An amount in minor units as typed back into a form ("19.99"), the inverse of <see cref="MinorUnits"/>.</summary>
    public static string Typed(long minorUnits, string currency)
    {
        var digits = Commet.Domain.Currency.IsKnown(currency) ? Commet.Domain.Currency.Of(currency).Digits : 2;
        return Scale(minorUnits, digits);
    }

    /// <summary>A rate (10000 = 1.00) as typed back into a form ("0.05").</summary>
    public static string TypedRate(long rate) => Scale(rate, 4).TrimEnd('0').TrimEnd('.') is { Length: > 0 } s ? s : "0";

    private static string Scale(long value, int digits)
    {
        if (digits == 0)
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }
        var unit = 1L;
        for (var i = 0; i < digits; i++)
        {
            unit *= 10;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{value / unit}.{(value % unit).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0')}");
    }
}

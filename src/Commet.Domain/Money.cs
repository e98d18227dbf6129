using System.Globalization;

namespace Commet.Domain;

/// <summary>An ISO 4217 currency and the number of digits of its minor unit.</summary>
public sealed record Currency
{
    private static readonly Dictionary<string, int> MinorDigits = new(StringComparer.OrdinalIgnoreCase)
    {
        // Zero-decimal currencies are billed in whole units.
        ["JPY"] = 0, ["KRW"] = 0, ["CLP"] = 0, ["PYG"] = 0, ["VND"] = 0, ["ISK"] = 0, ["UGX"] = 0,
        ["USD"] = 2, ["EUR"] = 2, ["GBP"] = 2, ["CAD"] = 2, ["AUD"] = 2, ["ARS"] = 2, ["BRL"] = 2,
        ["MXN"] = 2, ["COP"] = 2, ["PEN"] = 2, ["UYU"] = 2, ["BOB"] = 2, ["CNY"] = 2, ["HKD"] = 2,
        ["SGD"] = 2, ["TWD"] = 2, ["INR"] = 2, ["THB"] = 2, ["CHF"] = 2, ["SEK"] = 2, ["NOK"] = 2,
        ["DKK"] = 2, ["NZD"] = 2, ["PLN"] = 2, ["ZAR"] = 2,
        // Three-decimal currencies.
        ["KWD"] = 3, ["BHD"] = 3, ["OMR"] = 3, ["JOD"] = 3, ["TND"] = 3,
    };

    public static readonly Currency Usd = new("USD", 2);

    private Currency(string code, int digits)
    {
        Code = code;
        Digits = digits;
    }

    public string Code { get; }

    /// <summary>Digits after the decimal point: 2 for USD (cents), 0 for JPY.</summary>
    public int Digits { get; }

    public static bool IsKnown(string? code) => code is not null && MinorDigits.ContainsKey(code);

    public static Currency Of(string code)
    {
        if (!MinorDigits.TryGetValue(code, out var digits))
        {
            throw new ArgumentException($"Unknown currency '{code}'.", nameof(code));
        }
        return new Currency(code.ToUpperInvariant(), digits);
    }

    public override string ToString() => Code;
}

/// <summary>
/// An amount of money in integer minor units of one currency (9900 USD = $99.00; 500 JPY = ¥500).
/// Arithmetic is only defined within one currency; every rounding is explicit and half away from zero.
/// </summary>
public readonly record struct Money(long MinorUnits, Currency Currency)
{
    /// <summary>Rate-scale prices use 10000 = 1.00 of the major unit (20 = $0.002 per unit).</summary>
    public const long RateScale = 10_000;

    public static Money Zero(Currency currency) => new(0, currency);

    public static Money operator +(Money a, Money b) => new(checked(a.MinorUnits + SameCurrency(a, b).MinorUnits), a.Currency);

    public static Money operator -(Money a, Money b) => new(checked(a.MinorUnits - SameCurrency(a, b).MinorUnits), a.Currency);

    public static Money operator -(Money a) => new(checked(-a.MinorUnits), a.Currency);

    public bool IsNegative => MinorUnits < 0;

    public bool IsZero => MinorUnits == 0;

    /// <summary>Multiplies by a fraction and rounds half away from zero to the minor unit.</summary>
    public Money MultiplyFraction(long numerator, long denominator)
    {
        if (denominator <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(denominator), "Denominator must be positive.");
        }
        return new Money(RoundDiv(checked((Int128)MinorUnits * numerator), denominator), Currency);
    }

    /// <summary>
    /// Price of <paramref name="quantity"/> units at a rate-scale unit price (10000 = one major unit),
    /// rounded half away from zero to the minor unit once, at the line.
    /// </summary>
    public static Money FromRate(long rateScaleUnitPrice, decimal quantity, Currency currency)
    {
        // rate (1/10000 major) → minor units: × 10^digits / 10000.
        var minorPerMajor = Pow10(currency.Digits);
        var exact = rateScaleUnitPrice * quantity * minorPerMajor / RateScale;
        return new Money((long)Math.Round(exact, 0, MidpointRounding.AwayFromZero), currency);
    }

    /// <summary>Formats for people, e.g. "$49.00", "¥500", "€12.50".</summary>
    public string Format(CultureInfo? culture = null)
    {
        var major = (decimal)MinorUnits / Pow10(Currency.Digits);
        var symbol = SymbolOf(Currency.Code) ?? Currency.Code + " ";
        var number = Math.Abs(major).ToString("N" + Currency.Digits, culture ?? CultureInfo.InvariantCulture);
        return (major < 0 ? "-" : "") + symbol + number;
    }

    /// <summary>The symbol people know a currency by ("$", "€", "R$"); null for a currency shown by its code.</summary>
    public static string? SymbolOf(string currencyCode) => currencyCode switch
    {
        "USD" => "$", "EUR" => "€", "GBP" => "£", "JPY" => "¥", "CAD" => "CA$", "AUD" => "A$",
        "BRL" => "R$", "MXN" => "MX$", "INR" => "₹", "KRW" => "₩", "CNY" => "CN¥",
        _ => null,
    };

    /// <summary>The major-unit amount of this money (exact).</summary>
    public decimal Major => (decimal)MinorUnits / Pow10(Currency.Digits);

    public override string ToString() => $"{MinorUnits} {Currency.Code}";

    private static Money SameCurrency(Money a, Money b)
    {
        if (a.Currency.Code != b.Currency.Code)
        {
            throw new InvalidOperationException($"Cannot combine {a.Currency} and {b.Currency}.");
        }
        return b;
    }

    private static long Pow10(int digits) => digits switch { 0 => 1, 1 => 10, 2 => 100, 3 => 1000, _ => (long)Math.Pow(10, digits) };

    /// <summary>Integer division rounding half away from zero.</summary>
    internal static long RoundDiv(Int128 numerator, long denominator)
    {
        var quotient = Int128.DivRem(numerator, denominator);
        var twiceRemainder = Int128.Abs(quotient.Remainder) * 2;
        var result = quotient.Quotient;
        if (twiceRemainder >= denominator)
        {
            result += numerator < 0 ? -1 : 1;
        }
        return checked((long)result);
    }
}

using Commet.Domain;

namespace Commet.Domain.Tests;

public class MoneyTests
{
    private static readonly Currency Usd = Currency.Of("USD");
    private static readonly Currency Jpy = Currency.Of("JPY");

    [Fact]
    public void Currency_KnowsMinorUnitDigits_IncludingZeroDecimal()
    {
        Assert.Equal(2, Usd.Digits);
        Assert.Equal(0, Jpy.Digits);
        Assert.Equal(0, Currency.Of("clp").Digits);
        Assert.Equal(3, Currency.Of("KWD").Digits);
        Assert.Equal("CLP", Currency.Of("clp").Code);
    }

    [Fact]
    public void Currency_Unknown_IsRefused()
    {
        Assert.False(Currency.IsKnown("XXX"));
        Assert.Throws<ArgumentException>(() => Currency.Of("XXX"));
    }

    [Fact]
    public void Add_AndSubtract_WithinOneCurrency()
    {
        var total = new Money(9900, Usd) - new Money(1933, Usd) + new Money(33, Usd);
        Assert.Equal(new Money(8000, Usd), total);
    }

    [Fact]
    public void Add_AcrossCurrencies_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new Money(100, Usd) + new Money(100, Jpy));
    }

    [Theory]
    // $29.00 × 20/30 = 1933.33… → 1933 (the proration example of docs/product.md §3.3).
    [InlineData(2900, 20, 30, 1933)]
    // 2500 × 15/30 = 1250 exactly.
    [InlineData(2500, 15, 30, 1250)]
    // 1 × 1/2 = 0.5 → half away from zero → 1.
    [InlineData(1, 1, 2, 1)]
    // -1 × 1/2 = -0.5 → half away from zero → -1.
    [InlineData(-1, 1, 2, -1)]
    // 4900 × 17/31 = 2687.09… → 2687.
    [InlineData(4900, 17, 31, 2687)]
    // 4900 × 1/3 = 1633.33… → 1633; × 2/3 = 3266.66… → 3267.
    [InlineData(4900, 2, 3, 3267)]
    public void MultiplyFraction_RoundsHalfAwayFromZero(long amount, long numerator, long denominator, long expected)
    {
        Assert.Equal(expected, new Money(amount, Usd).MultiplyFraction(numerator, denominator).MinorUnits);
    }

    [Fact]
    public void MultiplyFraction_DoesNotOverflowOnLargeIntermediates()
    {
        // 9e15 × 1000 overflows a long; the Int128 intermediate does not.
        var big = new Money(9_000_000_000_000_000, Usd);
        Assert.Equal(9_000_000_000_000_000, big.MultiplyFraction(1000, 1000).MinorUnits);
    }

    [Theory]
    // 15,000 − 10,000 included = 5,000 overage calls at $0.002 (rate 20) = $10.00 = 1000 cents.
    [InlineData(20, 5000, "USD", 1000)]
    // Rate 10000 = $1.00 per unit; 3 units = 300 cents.
    [InlineData(10000, 3, "USD", 300)]
    // Rate 25 ($0.0025) × 1 = 0.25 cents → 0; × 2 = 0.5 cents → 1 (half away from zero, once at the line).
    [InlineData(25, 1, "USD", 0)]
    [InlineData(25, 2, "USD", 1)]
    // Zero-decimal: rate 10000 = ¥1 per unit; 7 units = ¥7.
    [InlineData(10000, 7, "JPY", 7)]
    public void FromRate_ConvertsRateScaleToMinorUnits_RoundingOnceAtTheLine(long rate, long quantity, string currency, long expected)
    {
        Assert.Equal(expected, Money.FromRate(rate, quantity, Currency.Of(currency)).MinorUnits);
    }

    [Fact]
    public void Format_UsesCurrencyDigitsAndSymbol()
    {
        Assert.Equal("$49.00", new Money(4900, Usd).Format());
        Assert.Equal("¥500", new Money(500, Jpy).Format());
        Assert.Equal("-$0.05", new Money(-5, Usd).Format());
        Assert.Equal("$1,234.56", new Money(123456, Usd).Format());
    }
}

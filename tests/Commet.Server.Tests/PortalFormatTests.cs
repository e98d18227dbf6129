using Commet.Server.Pages.Portal;
using Commet.Server.Portal;

namespace Commet.Server.Tests;

/// <summary>What the portal prints: money per currency, fractional unit prices, dates in the customer's zone, readable accents.</summary>
public class PortalFormatTests
{
    [Theory]
    [InlineData(4900, "USD", "$49.00")]
    [InlineData(500, "JPY", "¥500")]
    [InlineData(123456, "EUR", "€1,234.56")]
    [InlineData(1234, "KWD", "KWD 1.234")]
    [InlineData(-1287, "USD", "-$12.87")]
    public void Money_IsFormattedForItsCurrency(long minor, string currency, string expected) =>
        Assert.Equal(expected, PortalFormat.Money(minor, currency));

    [Theory]
    [InlineData(20, "USD", "$0.002")]
    [InlineData(10000, "USD", "$1.00")]
    [InlineData(2500, "EUR", "€0.25")]
    [InlineData(15, "JPY", "¥0.0015")]
    public void RatePrices_KeepTheirFractionOfACent(long rate, string currency, string expected) =>
        Assert.Equal(expected, PortalFormat.Rate(rate, currency));

    [Fact]
    public void Dates_AreInTheCustomersTimeZone()
    {
        var late = new DateTime(2027, 3, 31, 23, 30, 0, DateTimeKind.Utc);

        Assert.Equal("Apr 1, 2027", PortalFormat.For("Europe/Madrid").Date(late));
        Assert.Equal("Mar 31, 2027", PortalFormat.For("America/New_York").Date(late));
        Assert.Equal("Mar 31, 2027", PortalFormat.For(null).Date(late));
        Assert.Equal("Mar 31, 2027", PortalFormat.For("Not/AZone").Date(late));
    }

    [Theory]
    [InlineData("#1d4ed8", "#ffffff")]
    [InlineData("#ffaa00", "#111827")]
    [InlineData("#fff", "#111827")]
    [InlineData("#000000", "#ffffff")]
    public void AccentText_IsWhicheverReadsBetter(string accent, string expected) =>
        Assert.Equal(expected, Colors.ReadableOn(Colors.Normalize(accent)));

    [Theory]
    [InlineData("25", "USD", 2500L)]
    [InlineData("25.5", "USD", 2550L)]
    [InlineData("1,000.00", "USD", 100000L)]
    [InlineData("500", "JPY", 500L)]
    [InlineData("25.505", "USD", null)]
    [InlineData("-5", "USD", null)]
    [InlineData("abc", "USD", null)]
    [InlineData("", "USD", null)]
    public void TopupAmounts_AreReadInMajorUnits(string text, string currency, long? expected) =>
        Assert.Equal(expected, PurchaseConfirmModel.ParseAmount(text, currency));
}

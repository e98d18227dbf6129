namespace Commet.Domain.Tests;

public class RegionalPricingTests
{
    private static Plan Pro(params ExchangeRate[] rates)
    {
        var plan = new Plan { Id = "plan_pro", OrganizationId = "org", Code = "pro", Name = "Pro", ExchangeRates = [.. rates] };
        plan.Prices.Add(new PlanPrice { Id = "price_m", PlanId = plan.Id, BillingInterval = BillingIntervals.Monthly, Price = 1900, IsDefault = true });
        plan.Features.Add(new PlanFeature { PlanId = plan.Id, FeatureId = "ftr_calls", OverageEnabled = true, OverageUnitPrice = 100 });
        return plan;
    }

    [Theory]
    // 19.00 × 5.25 = 99.75 → 9975 centavos; 19.00 × 150 = ¥2,850 (no minor unit); 0.01 × 150 = ¥1.5 → ¥2 (half away from zero).
    [InlineData(1900, "5.25", "BRL", 9975)]
    [InlineData(1900, "150", "JPY", 2850)]
    [InlineData(1, "150", "JPY", 2)]
    [InlineData(1900, "0.3123", "KWD", 5934)] // 19.00 × 0.3123 = 5.9337 → 5.934 (three digits)
    public void ConvertMinor_RoundsOnceToTheTargetsMinorUnit(long usd, string rate, string currency, long expected) =>
        Assert.Equal(expected, RegionalPricing.ConvertMinor(usd, decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture), currency));

    [Fact]
    public void ConvertRate_MultipliesTheScaleValue_WhichIsPerMajorUnitInEveryCurrency()
    {
        // 0.01 a call (100) × 5.25 = 525 (R$0.0525); × 150 = 15,000 (¥1.5); 0.0001 (1) × 0.5 = 0.5 → 1.
        Assert.Equal((525L, 15_000L, 1L), (RegionalPricing.ConvertRate(100, 5.25m), RegionalPricing.ConvertRate(100, 150m), RegionalPricing.ConvertRate(1, 0.5m)));
    }

    [Fact]
    public void CheckoutCurrency_IsTheCountrysWhenThePriceIsSoldInIt_ElseUsd()
    {
        var plan = Pro();
        var price = plan.Prices[0];
        RegionalPricing.SetRegional(price, new RegionalPrice("BRL", 9975, null, false));
        Assert.Equal("BRL", RegionalPricing.CheckoutCurrency(price, "BR"));
        Assert.Equal("BRL", RegionalPricing.CheckoutCurrency(price, "br"));
        Assert.Equal("USD", RegionalPricing.CheckoutCurrency(price, "JP"));
        Assert.Equal("USD", RegionalPricing.CheckoutCurrency(price, "ZZ"));
        Assert.Equal("USD", RegionalPricing.CheckoutCurrency(price, null));
        Assert.Equal("EUR", RegionalPricing.CurrencyOfCountry("DE"));
    }

    [Fact]
    public void Missing_NamesThePriceOrTheUnpricedFeature_AndNothingForUsd()
    {
        var plan = Pro();
        var price = plan.Prices[0];
        Assert.Null(RegionalPricing.Missing(plan, price, "USD"));
        Assert.Contains("no BRL price for the monthly", RegionalPricing.Missing(plan, price, "BRL"));
        RegionalPricing.SetRegional(price, new RegionalPrice("BRL", 9975, null, false));
        Assert.Contains("ftr_calls", RegionalPricing.Missing(plan, price, "BRL"));
        RegionalPricing.SetRegional(plan.Features[0], new RegionalOverage("BRL", 525, false));
        Assert.Null(RegionalPricing.Missing(plan, price, "BRL"));
    }

    [Fact]
    public void RateFor_IsThePlansRate_ElseTheRateItsHandSetPriceImplies()
    {
        Assert.Equal(5.25m, RegionalPricing.RateFor(Pro(new ExchangeRate("BRL", 5.25m)), "price_m", "BRL"));
        var plan = Pro();
        Assert.Null(RegionalPricing.RateFor(plan, "price_m", "BRL"));
        // R$99.75 for US$19.00: 9975 × 100 / (1900 × 100) = 5.25. An add-on of US$5.00 is then R$26.25.
        RegionalPricing.SetRegional(plan.Prices[0], new RegionalPrice("BRL", 9975, null, false));
        Assert.Equal(5.25m, RegionalPricing.RateFor(plan, "price_m", "BRL"));
        Assert.Equal(2625L, RegionalPricing.Convert(500, plan, "price_m", "BRL"));
        Assert.Equal(500L, RegionalPricing.Convert(500, null, null, "USD"));
    }

    [Fact]
    public void SyncPrice_DerivesAutoSyncedAmounts_AndLeavesHandSetOnes()
    {
        var plan = Pro(new ExchangeRate("BRL", 5m), new ExchangeRate("JPY", 150m));
        var price = plan.Prices[0];
        RegionalPricing.SetRegional(price, new RegionalPrice("JPY", 2800, null, false));
        price.Price = 2000;
        RegionalPricing.SyncPrice(plan, price);
        // 20.00 × 5 = R$100.00; the yen price was set by hand and stays ¥2,800.
        Assert.Equal([("BRL", 10_000L, true), ("JPY", 2800L, false)],
            price.RegionalPrices.OrderBy(r => r.Currency, StringComparer.Ordinal).Select(r => (r.Currency, r.Price, r.AutoSynced)).ToList());
    }
}

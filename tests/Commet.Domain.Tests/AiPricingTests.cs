using Commet.Domain.Usage;

namespace Commet.Domain.Tests;

/// <summary>AI call pricing: integers only, the margin on the exact sum, one rounding up at the end.</summary>
public class AiPricingTests
{
    // $3.00 / $15.00 / $0.30 / $3.75 per million tokens, in 10^-8 dollars.
    private static readonly TokenRates Sonnet = new(300_000_000, 1_500_000_000, 30_000_000, 375_000_000);

    [Fact]
    public void Balance_ExactAmount_NeedsNoRounding()
    {
        // $3.00 + $3.00 + $0.15 + $0.375 = $6.525; × 1.20 = $7.83 = 78,300 rate units; the margin part $1.305 = 13,050.
        var charge = AiPricing.BalanceCharge(new TokenCounts(1_000_000, 200_000, 500_000, 100_000), Sonnet, 2000);
        Assert.Equal((78_300L, 13_050L), (charge.Amount, charge.Margin));
    }

    [Fact]
    public void Balance_RoundsUpOnce_OnTheSumWithMargin()
    {
        // 1 input token: $0.000003 × 1.20 = $0.0000036 = 0.036 rate units → 1. Rounding each part first would not change
        // it here, but 3 tokens of each kind: (3 × 3 + 3 × 15 + 3 × 0.30 + 3 × 3.75) / 10^6 = $0.00006615 × 1.2 =
        // 0.79380 rate units → 1, where rounding every part up separately would take 4 (+1 for the margin) = 5.
        Assert.Equal(1, AiPricing.BalanceCharge(new TokenCounts(1, 0, 0, 0), Sonnet, 2000).Amount);
        Assert.Equal(1, AiPricing.BalanceCharge(new TokenCounts(3, 3, 3, 3), Sonnet, 2000).Amount);
        Assert.Equal(0, AiPricing.BalanceCharge(new TokenCounts(0, 0, 0, 0), Sonnet, 2000).Amount);
    }

    [Fact]
    public void Credits_PerOneUnitOfCurrency_RoundedUp()
    {
        // $0.6525 × 1.50 = $0.97875 × 100 credits per $1.00 = 97.875 → 98.
        var charge = AiPricing.CreditCharge(new TokenCounts(100_000, 20_000, 50_000, 10_000), Sonnet, 5000, 100);
        Assert.Equal(98, charge.Amount);
    }

    [Fact]
    public void Rates_FromRateScaleAndUnits_AreExactOrRefused()
    {
        // $0.01875 per million: 187.5 in rate scale, 1,875,000 fine units.
        Assert.Equal(1_875_000, AiPricing.RateFromRateScale(187.5m));
        Assert.Equal(1_875_000, AiPricing.RateFromUnits(0.01875m));
        Assert.Equal(187.5m, AiPricing.RateScaleOf(1_875_000));
        Assert.Null(AiPricing.RateFromRateScale(0.00001m));
        Assert.Null(AiPricing.RateFromRateScale(-1));
        Assert.Null(AiPricing.RateFromRateScale(decimal.MaxValue));
    }

    [Fact]
    public void TooLarge_Throws_InsteadOfWrapping()
    {
        var huge = new TokenRates(AiPricing.MaxRate, AiPricing.MaxRate, AiPricing.MaxRate, AiPricing.MaxRate);
        var tokens = new TokenCounts(AiPricing.MaxTokens, AiPricing.MaxTokens, AiPricing.MaxTokens, AiPricing.MaxTokens);
        Assert.Throws<OverflowException>(() => AiPricing.CreditCharge(tokens, huge, AiPricing.MaxMargin, 1_000_000_000_000));
    }
}

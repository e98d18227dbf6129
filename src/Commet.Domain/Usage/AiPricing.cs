namespace Commet.Domain.Usage;

/// <summary>The token counts of one AI call. The four counts are disjoint: each token is counted in one of them.</summary>
public readonly record struct TokenCounts(long Input, long Output, long CacheRead, long CacheWrite)
{
    /// <summary>The event's value: every token of the call.</summary>
    public long Total => checked(Input + Output + CacheRead + CacheWrite);
}

/// <summary>
/// A model's prices per million tokens, each an integer in <see cref="AiPricing.FinePerUnit"/>ths of the currency
/// unit (10^-8: for USD one millionth of a cent, 10,000 per rate-scale unit), so that list prices such as
/// $0.01875 per million are exact.
/// </summary>
public readonly record struct TokenRates(long Input, long Output, long CacheRead, long CacheWrite);

/// <summary>What one AI call costs: the exact subtotal and margin, and the one rounded amount taken.</summary>
public readonly record struct AiCharge(Int128 ExactSubtotal, long Margin, long Amount);

/// <summary>
/// Prices AI calls with integers only (checked: a product too large for the arithmetic throws <see cref="OverflowException"/>,
/// which callers answer as a value too large). Each token count is multiplied by its model's rate, the four products are
/// added, the feature's margin (basis points) is applied to the exact sum, and the result is rounded up once, at
/// the end, to the unit the customer's account is kept in: the rate scale (10000 = 1.00) on balance plans, whole
/// credits on credits plans. Nothing is rounded in between, so no call is charged for rounding more than once.
/// </summary>
public static class AiPricing
{
    /// <summary>Fine units (the unit of <see cref="TokenRates"/>) in 1.00 of the currency.</summary>
    public const long FinePerUnit = 100_000_000;

    /// <summary>Fine units in one rate-scale unit (10000 = 1.00).</summary>
    public const long FinePerRate = FinePerUnit / Money.RateScale;

    public const long TokensPerMillion = 1_000_000;

    /// <summary>Highest margin, in basis points: 10,000 % on top of the model's price.</summary>
    public const long MaxMargin = 1_000_000;

    /// <summary>Highest rate: 100,000.00 per million tokens.</summary>
    public const long MaxRate = 100_000 * FinePerUnit;

    /// <summary>Highest token count of one kind in one event.</summary>
    public const long MaxTokens = 10_000_000_000;

    private const long BasisPoints = 10_000;

    /// <summary>Σ tokens × rate per million: the exact cost in 10^-14 of the currency unit (fine units per million tokens).</summary>
    public static Int128 Exact(TokenCounts t, TokenRates r) =>
        checked((Int128)t.Input * r.Input + (Int128)t.Output * r.Output + (Int128)t.CacheRead * r.CacheRead + (Int128)t.CacheWrite * r.CacheWrite);

    /// <summary>
    /// The balance taken, in rate scale: ceil(Σ tokens × rate × (10000 + margin) / (10000 × 10^6 × 10^4)).
    /// </summary>
    public static AiCharge BalanceCharge(TokenCounts t, TokenRates r, long marginBasisPoints)
    {
        var exact = Exact(t, r);
        var amount = CeilDiv(checked(exact * (BasisPoints + marginBasisPoints)), (Int128)BasisPoints * TokensPerMillion * FinePerRate);
        var subtotal = CeilDiv(exact, (Int128)TokensPerMillion * FinePerRate);
        return new AiCharge(exact, Math.Max(0, amount - subtotal), amount);
    }

    /// <summary>
    /// The credits taken on a credits plan, where <paramref name="creditsPerUnit"/> credits buy 1.00 of the currency
    /// of priced tokens: ceil(Σ tokens × rate × (10000 + margin) × creditsPerUnit / (10000 × 10^6 × 10^8)).
    /// </summary>
    public static AiCharge CreditCharge(TokenCounts t, TokenRates r, long marginBasisPoints, long creditsPerUnit)
    {
        var exact = Exact(t, r);
        var amount = CeilDiv(checked(exact * (BasisPoints + marginBasisPoints) * creditsPerUnit), (Int128)BasisPoints * TokensPerMillion * FinePerUnit);
        var subtotal = CeilDiv(checked(exact * creditsPerUnit), (Int128)TokensPerMillion * FinePerUnit);
        return new AiCharge(exact, Math.Max(0, amount - subtotal), amount);
    }

    /// <summary>A rate written in rate scale per million tokens (10000 = 1.00, up to four decimals) as fine units; null when it has more decimals or is out of range.</summary>
    public static long? RateFromRateScale(decimal rateScale)
    {
        if (rateScale < 0 || rateScale > MaxRate / FinePerRate)
        {
            return null;
        }
        var fine = rateScale * FinePerRate;
        return fine == decimal.Truncate(fine) ? (long)fine : null;
    }

    /// <summary>A rate in fine units as rate scale per million tokens (10000 = 1.00), exact.</summary>
    public static decimal RateScaleOf(long fine) => fine / (decimal)FinePerRate;

    /// <summary>A price in currency units per million tokens (e.g. "2.50") as fine units; null when finer than 10^-8.</summary>
    public static long? RateFromUnits(decimal perMillion)
    {
        if (perMillion < 0 || perMillion > MaxRate / FinePerUnit)
        {
            return null;
        }
        var fine = perMillion * FinePerUnit;
        return fine != decimal.Truncate(fine) ? null : (long)fine;
    }

    private static long CeilDiv(Int128 numerator, Int128 denominator)
    {
        var (q, r) = Int128.DivRem(numerator, denominator);
        return checked((long)(r > 0 ? q + 1 : q));
    }
}

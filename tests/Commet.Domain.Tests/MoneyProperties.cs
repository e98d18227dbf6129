using Commet.Domain;
using Commet.Domain.Billing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Commet.Domain.Tests;

/// <summary>
/// Property-based checks of money arithmetic and proration: the rounding of <see cref="Money.MultiplyFraction"/> is
/// half away from zero and never more than half a minor unit off the exact fraction; proration of a full period is
/// the price, of no days is zero, never negative, never more than the price, and moves one way as the days go by;
/// an upgrade's credit and charge add back to the new price exactly.
/// </summary>
public class MoneyProperties
{
    private const int Cases = 500;
    private static readonly Currency Usd = Currency.Of("USD");
    private static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Amounts from −10¹³ to 10¹³ minor units (±$100 billion), with the small ones and the edges well represented.</summary>
    private static Gen<long> Amount => Gen.Frequency(
        (3, Gen.Choose(-100_000, 100_000).Select(i => (long)i)),
        (3, Gen.Choose(-1_000_000, 1_000_000).Two().Select(t => (long)t.Item1 * 10_000_000 + t.Item2 % 10_000_000)),
        (1, Gen.Elements(0L, 1L, -1L, 10_000_000_000_000L, -10_000_000_000_000L)));

    private static Gen<long> Price => Amount.Select(Math.Abs);

    /// <summary>A fraction numerator/denominator with 0 ≤ numerator ≤ denominator (a share of a period).</summary>
    private static Gen<(long Numerator, long Denominator)> Share =>
        from d in Gen.Choose(1, 400)
        from n in Gen.Choose(0, d)
        select ((long)n, (long)d);

    /// <summary>A period of 1 to 400 days and two moments in it (day offsets, possibly before the start or after the end).</summary>
    private static Gen<(DateTime Start, DateTime End, int A, int B)> Period =>
        from start in Gen.Choose(0, 3650)
        from days in Gen.Choose(1, 400)
        from a in Gen.Choose(-5, days + 5)
        from b in Gen.Choose(-5, days + 5)
        select (Epoch.AddDays(start), Epoch.AddDays(start + days), Math.Min(a, b), Math.Max(a, b));

    [Property(MaxTest = Cases)]
    public Property MultiplyFraction_IsTheExactFraction_RoundedHalfAwayFromZero() =>
        Prop.ForAll(Amount.ToArbitrary(), Share.ToArbitrary(), (amount, share) =>
        {
            var result = new Money(amount, Usd).MultiplyFraction(share.Numerator, share.Denominator).MinorUnits;
            // result × d − amount × n is the rounding error scaled by d: at most half of d; exactly half only away from zero.
            var exact = (Int128)amount * share.Numerator;
            var error = (Int128)result * share.Denominator - exact;
            var withinHalf = Int128.Abs(error) * 2 <= share.Denominator;
            var tieAwayFromZero = Int128.Abs(error) * 2 != share.Denominator || (exact >= 0 ? error > 0 : error < 0);
            return (withinHalf && tieAwayFromZero).Label($"{amount} × {share.Numerator}/{share.Denominator} = {result}");
        });

    [Property(MaxTest = Cases)]
    public Property MultiplyFraction_OfANegativeAmount_IsTheNegatedPositive() =>
        Prop.ForAll(Amount.ToArbitrary(), Share.ToArbitrary(), (amount, share) =>
            new Money(-amount, Usd).MultiplyFraction(share.Numerator, share.Denominator)
            == -new Money(amount, Usd).MultiplyFraction(share.Numerator, share.Denominator));

    [Property(MaxTest = Cases)]
    public Property MultiplyFraction_WholeIsTheAmount_NothingIsZero() =>
        Prop.ForAll(Amount.ToArbitrary(), Gen.Choose(1, 1_000_000).ToArbitrary(), (amount, d) =>
            new Money(amount, Usd).MultiplyFraction(d, d).MinorUnits == amount
            && new Money(amount, Usd).MultiplyFraction(0, d).MinorUnits == 0);

    [Property(MaxTest = Cases)]
    public Property MultiplyFraction_GrowsWithTheNumerator_ForANonNegativeAmount() =>
        Prop.ForAll(Price.ToArbitrary(), Share.ToArbitrary(), (amount, share) =>
        {
            var money = new Money(amount, Usd);
            var next = Math.Min(share.Numerator + 1, share.Denominator);
            return money.MultiplyFraction(share.Numerator, share.Denominator).MinorUnits <= money.MultiplyFraction(next, share.Denominator).MinorUnits;
        });

    [Property(MaxTest = Cases)]
    public Property AddingThenSubtracting_GivesTheAmountBack_AndOrderDoesNotMatter() =>
        Prop.ForAll(Amount.ToArbitrary(), Amount.ToArbitrary(), (a, b) =>
        {
            var x = new Money(a, Usd);
            var y = new Money(b, Usd);
            return x + y - y == x && x + y == y + x && -(-x) == x;
        });

    [Property(MaxTest = 100)]
    public Property Overflow_Throws_NeverWrapsAround() =>
        Prop.ForAll(Gen.Choose(1, int.MaxValue).ToArbitrary(), n =>
        {
            var top = new Money(long.MaxValue, Usd);
            var bottom = new Money(long.MinValue, Usd);
            return Throws<OverflowException>(() => top + new Money(n, Usd))
                && Throws<OverflowException>(() => bottom - new Money(n, Usd))
                && Throws<OverflowException>(() => -bottom)
                && Throws<OverflowException>(() => top.MultiplyFraction(n + 1L, n));
        });

    [Property(MaxTest = Cases)]
    public Property FromRate_OfWholeUnits_IsTheIntegerArithmetic_RoundedHalfAwayFromZero() =>
        Prop.ForAll(Gen.Choose(0, 100_000_000).ToArbitrary(), Gen.Choose(0, 1_000_000).ToArbitrary(), Gen.Elements("USD", "JPY", "KWD").ToArbitrary(),
            (rate, quantity, code) =>
            {
                var currency = Currency.Of(code);
                // rate is in 1/10000 of the major unit: minor units = rate × quantity × 10^digits / 10000.
                var scale = code switch { "JPY" => 1L, "USD" => 100L, _ => 1000L };
                var numerator = (Int128)rate * quantity * scale;
                var expected = (long)((numerator + Money.RateScale / 2) / Money.RateScale);
                return Money.FromRate(rate, quantity, currency).MinorUnits == expected;
            });

    [Property(MaxTest = Cases)]
    public Property RestOfPeriod_OfTheFullPeriodIsThePrice_OfNoDaysIsZero() =>
        Prop.ForAll(Price.ToArbitrary(), Period.ToArbitrary(), (price, p) =>
        {
            var money = new Money(price, Usd);
            return Proration.RestOfPeriod(money, p.Start, p.End, p.Start).Amount == money
                && Proration.RestOfPeriod(money, p.Start, p.End, p.End).Amount.IsZero
                // Before the start counts as the whole period, after the end as none.
                && Proration.RestOfPeriod(money, p.Start, p.End, p.Start.AddDays(-3)).Amount == money
                && Proration.RestOfPeriod(money, p.Start, p.End, p.End.AddDays(3)).Amount.IsZero;
        });

    [Property(MaxTest = Cases)]
    public Property RestOfPeriod_ShrinksAsDaysAreUsed_AndStaysBetweenZeroAndThePrice() =>
        Prop.ForAll(Price.ToArbitrary(), Period.ToArbitrary(), (price, p) =>
        {
            var money = new Money(price, Usd);
            var earlier = Proration.RestOfPeriod(money, p.Start, p.End, p.Start.AddDays(p.A));
            var later = Proration.RestOfPeriod(money, p.Start, p.End, p.Start.AddDays(p.B));
            return (earlier.Amount.MinorUnits >= later.Amount.MinorUnits
                    && later.Amount.MinorUnits >= 0 && earlier.Amount.MinorUnits <= price
                    && earlier.DaysRemaining >= later.DaysRemaining && earlier.DaysRemaining <= earlier.TotalDays)
                .Label($"{price} over {p}: {earlier} then {later}");
        });

    [Property(MaxTest = Cases)]
    public Property RestOfPeriod_IsPriceTimesDaysLeftOverDays_HalfAwayFromZero() =>
        Prop.ForAll(Price.ToArbitrary(), Period.ToArbitrary(), (price, p) =>
        {
            var days = (int)(p.End - p.Start).TotalDays;
            var left = Math.Clamp(days - p.A, 0, days);
            var quote = Proration.RestOfPeriod(new Money(price, Usd), p.Start, p.End, p.Start.AddDays(p.A));
            // round(price × left / days) in integers: (2 × price × left + days) / (2 × days), price ≥ 0.
            var expected = (long)(((Int128)price * left * 2 + days) / (2 * days));
            return (quote.Amount.MinorUnits == expected && quote.DaysRemaining == left && quote.TotalDays == days)
                .Label($"{price} × {left}/{days}: {quote.Amount.MinorUnits} ≠ {expected}");
        });

    [Property(MaxTest = Cases)]
    public Property Upgrade_CreditAndChargeAddBackToTheNewPrice_NeverARefund() =>
        Prop.ForAll(Price.ToArbitrary(), Price.ToArbitrary(), Period.ToArbitrary(), (oldPrice, newPrice, p) =>
        {
            var quote = Proration.Upgrade(new Money(oldPrice, Usd), new Money(newPrice, Usd), p.Start, p.End, p.Start.AddDays(p.A));
            return (quote.Credit + quote.Total == quote.NewCharge
                    && quote.NewCharge.MinorUnits == newPrice
                    && quote.Total.MinorUnits >= 0
                    && quote.Credit.MinorUnits >= 0 && quote.Credit.MinorUnits <= Math.Min(oldPrice, newPrice))
                .Label($"{oldPrice} → {newPrice} over {p}: {quote}");
        });

    [Property(MaxTest = Cases)]
    public Property Upgrade_CostsMoreTheLaterItHappens_AndAtTheEndCostsTheFullNewPrice() =>
        Prop.ForAll(Price.ToArbitrary(), Price.ToArbitrary(), Period.ToArbitrary(), (oldPrice, newPrice, p) =>
        {
            var oldMoney = new Money(oldPrice, Usd);
            var newMoney = new Money(newPrice, Usd);
            var earlier = Proration.Upgrade(oldMoney, newMoney, p.Start, p.End, p.Start.AddDays(p.A));
            var later = Proration.Upgrade(oldMoney, newMoney, p.Start, p.End, p.Start.AddDays(p.B));
            var atEnd = Proration.Upgrade(oldMoney, newMoney, p.Start, p.End, p.End);
            var sameAtStart = Proration.Upgrade(newMoney, newMoney, p.Start, p.End, p.Start);
            return (earlier.Total.MinorUnits <= later.Total.MinorUnits && atEnd.Total == newMoney && sameAtStart.Total.IsZero)
                .Label($"{oldPrice} → {newPrice} over {p}: {earlier.Total} then {later.Total}, at the end {atEnd.Total}");
        });

    private static bool Throws<T>(Func<object> action)
        where T : Exception
    {
        try
        {
            action();
            return false;
        }
        catch (T)
        {
            return true;
        }
    }
}

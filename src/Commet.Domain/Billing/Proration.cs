namespace Commet.Domain.Billing;

/// <summary>The numbers of an immediate plan change (docs/product.md §3.3).</summary>
public sealed record ProrationQuote(Money Credit, Money NewCharge, Money Total, int DaysRemaining, int TotalDays, DateTime EffectiveDate);

public static class Proration
{
    /// <summary>
    /// An upgrade: the full new price, less a credit for the unused part of the old base price actually paid,
    /// counted in whole days and rounded half away from zero to the minor unit:
    /// <c>credit = old × remainingDays / totalDays</c>. A $29 plan upgraded to $99 with 20 of 30 days left:
    /// 9900 − round(2900 × 20 / 30) = 9900 − 1933 = 7967.
    /// </summary>
    public static ProrationQuote Upgrade(Money oldPaid, Money newPrice, DateTime periodStart, DateTime periodEnd, DateTime at)
    {
        var total = Math.Max(1, BillingCalendar.WholeDays(periodStart, periodEnd));
        var remaining = Math.Clamp(BillingCalendar.WholeDays(at, periodEnd), 0, total);
        var credit = oldPaid.MultiplyFraction(remaining, total);
        var charge = newPrice - credit;
        if (charge.IsNegative)
        {
            // Never a refund on an upgrade: the unused credit is capped at the new price.
            credit = newPrice;
            charge = Money.Zero(newPrice.Currency);
        }
        return new ProrationQuote(credit, newPrice, charge, remaining, total, at);
    }

    /// <summary>
    /// A charge for the rest of the period (seats added, an add-on activated):
    /// <c>price × remainingDays / totalDays</c>, rounded half away from zero.
    /// </summary>
    public static (Money Amount, int DaysRemaining, int TotalDays) RestOfPeriod(Money fullPrice, DateTime periodStart, DateTime periodEnd, DateTime at)
    {
        var total = Math.Max(1, BillingCalendar.WholeDays(periodStart, periodEnd));
        var remaining = Math.Clamp(BillingCalendar.WholeDays(at, periodEnd), 0, total);
        return (fullPrice.MultiplyFraction(remaining, total), remaining, total);
    }
}

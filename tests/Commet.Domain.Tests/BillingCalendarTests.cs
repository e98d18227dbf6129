using Commet.Domain;
using Commet.Domain.Billing;

namespace Commet.Domain.Tests;

public class BillingCalendarTests
{
    private static DateTime D(int y, int m, int d) => new(y, m, d, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Monthly_FromJan31_ClampsToFebruaryEnd_ThenReturnsToThe31st()
    {
        var anchor = D(2026, 1, 31);
        Assert.Equal(D(2026, 2, 28), BillingCalendar.Boundary(anchor, BillingIntervals.Monthly, 1));
        Assert.Equal(D(2026, 3, 31), BillingCalendar.Boundary(anchor, BillingIntervals.Monthly, 2));
        Assert.Equal(D(2026, 4, 30), BillingCalendar.Boundary(anchor, BillingIntervals.Monthly, 3));
        Assert.Equal(D(2026, 5, 31), BillingCalendar.Boundary(anchor, BillingIntervals.Monthly, 4));
    }

    [Fact]
    public void Monthly_InALeapYear_ClampsToFebruary29()
    {
        var anchor = D(2028, 1, 31);
        Assert.Equal(D(2028, 2, 29), BillingCalendar.Boundary(anchor, BillingIntervals.Monthly, 1));
        Assert.Equal(D(2028, 3, 31), BillingCalendar.Boundary(anchor, BillingIntervals.Monthly, 2));
    }

    [Fact]
    public void Weekly_Quarterly_Yearly_FollowTheirLengths()
    {
        var anchor = D(2026, 11, 30);
        Assert.Equal(D(2026, 12, 7), BillingCalendar.Boundary(anchor, BillingIntervals.Weekly, 1));
        Assert.Equal(D(2027, 2, 28), BillingCalendar.Boundary(anchor, BillingIntervals.Quarterly, 1));
        Assert.Equal(D(2027, 5, 30), BillingCalendar.Boundary(anchor, BillingIntervals.Quarterly, 2));
        Assert.Equal(D(2027, 11, 30), BillingCalendar.Boundary(anchor, BillingIntervals.Yearly, 1));
        Assert.Equal(D(2029, 2, 28), BillingCalendar.Boundary(D(2028, 2, 29), BillingIntervals.Yearly, 1));
    }

    [Fact]
    public void AllowanceWindow_IsTheMonthContainingTheMoment()
    {
        var anchor = D(2026, 1, 31);
        Assert.Equal((D(2026, 1, 31), D(2026, 2, 28)), BillingCalendar.AllowanceWindow(anchor, D(2026, 2, 10)));
        Assert.Equal((D(2026, 2, 28), D(2026, 3, 31)), BillingCalendar.AllowanceWindow(anchor, D(2026, 2, 28)));
        Assert.Equal((D(2026, 3, 31), D(2026, 4, 30)), BillingCalendar.AllowanceWindow(anchor, D(2026, 4, 1)));
    }
}

public class ProrationTests
{
    private static readonly Currency Usd = Currency.Of("USD");

    private static DateTime D(int y, int m, int d) => new(y, m, d, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Upgrade_29To99_With20Of30DaysLeft_Charges7967()
    {
        // Period Apr 1 – May 1 (30 days), upgrade on Apr 11: 20 days left.
        var quote = Proration.Upgrade(new Money(2900, Usd), new Money(9900, Usd), D(2026, 4, 1), D(2026, 5, 1), D(2026, 4, 11));

        Assert.Equal(30, quote.TotalDays);
        Assert.Equal(20, quote.DaysRemaining);
        Assert.Equal(1933, quote.Credit.MinorUnits);   // 2900 × 20/30 = 1933.33 → 1933
        Assert.Equal(9900, quote.NewCharge.MinorUnits);
        Assert.Equal(7967, quote.Total.MinorUnits);
    }

    [Fact]
    public void Upgrade_CountsWholeDays_IgnoringTheTimeOfDay()
    {
        var at = D(2026, 4, 11).AddHours(23).AddMinutes(59);
        var quote = Proration.Upgrade(new Money(2900, Usd), new Money(9900, Usd), D(2026, 4, 1), D(2026, 5, 1), at);
        Assert.Equal(20, quote.DaysRemaining);
    }

    [Fact]
    public void Upgrade_OnTheFirstDay_CreditsTheWholeOldPrice()
    {
        var quote = Proration.Upgrade(new Money(2900, Usd), new Money(9900, Usd), D(2026, 4, 1), D(2026, 5, 1), D(2026, 4, 1));
        Assert.Equal(2900, quote.Credit.MinorUnits);
        Assert.Equal(7000, quote.Total.MinorUnits);
    }

    [Fact]
    public void Upgrade_FromAFreePlan_HasNoCredit()
    {
        var quote = Proration.Upgrade(Money.Zero(Usd), new Money(4900, Usd), D(2026, 4, 1), D(2026, 5, 1), D(2026, 4, 20));
        Assert.Equal(0, quote.Credit.MinorUnits);
        Assert.Equal(4900, quote.Total.MinorUnits);
    }

    [Fact]
    public void Upgrade_NeverRefunds_WhenTheCreditExceedsTheNewPrice()
    {
        var quote = Proration.Upgrade(new Money(50000, Usd), new Money(9900, Usd), D(2026, 4, 1), D(2026, 5, 1), D(2026, 4, 2));
        Assert.Equal(0, quote.Total.MinorUnits);
    }

    [Fact]
    public void RestOfPeriod_TwoSeatsAt25_HalfwayThrough30Days_Is2500()
    {
        var (amount, remaining, total) = Proration.RestOfPeriod(new Money(5000, Usd), D(2026, 4, 1), D(2026, 5, 1), D(2026, 4, 16));
        Assert.Equal((2500, 15, 30), (amount.MinorUnits, remaining, total));
    }
}

public class SubscriptionStateTests
{
    private static DateTime D(int y, int m, int d) => new(y, m, d, 0, 0, 0, DateTimeKind.Utc);

    private static Subscription Active()
    {
        var s = new Subscription { Id = "sub_1", OrganizationId = "org", CustomerId = "cus_1", PlanId = "plan_1", Status = SubscriptionStatus.Active };
        s.StartPeriod(D(2026, 1, 31), BillingIntervals.Monthly, 4900, 4900);
        return s;
    }

    [Fact]
    public void Uncancel_WhenNotScheduled_IsRefused()
    {
        var error = Active().Uncancel(D(2026, 2, 1));
        Assert.Equal("not_scheduled_for_cancellation", error?.Code);
    }

    [Fact]
    public void CancelAtEnd_ThenUncancel_RestoresTheSubscription()
    {
        var s = Active();
        Assert.Null(s.CancelAtEnd(D(2026, 2, 5), "too_expensive", null));
        Assert.True(s.CancelAtPeriodEnd);
        Assert.Equal(SubscriptionStatus.Active, s.Status);
        Assert.Null(s.Uncancel(D(2026, 2, 6)));
        Assert.False(s.CancelAtPeriodEnd);
        Assert.Null(s.CancelReason);
    }

    [Fact]
    public void CancelAtEnd_KeepsAScheduledChangeDormant_AndUncancelRestoresItExactly()
    {
        var s = Active();
        Assert.Null(s.ScheduleChange("plan_downgrade", "plan_0", BillingIntervals.Monthly, D(2026, 2, 3)));
        Assert.True(s.ScheduledChangeWillApply);

        Assert.Null(s.CancelAtEnd(D(2026, 2, 5), null, null));
        Assert.False(s.ScheduledChangeWillApply);
        Assert.Equal(("plan_downgrade", "plan_0", BillingIntervals.Monthly, D(2026, 2, 28)), (s.ScheduledChangeType, s.ScheduledPlanId, s.ScheduledInterval, s.ScheduledFor));
        Assert.Equal("already_scheduled", s.ScheduleChange("interval_change", "plan_1", BillingIntervals.Weekly, D(2026, 2, 6))?.Code);

        Assert.Null(s.Uncancel(D(2026, 2, 7)));
        Assert.True(s.ScheduledChangeWillApply);
        Assert.Equal(("plan_downgrade", "plan_0", BillingIntervals.Monthly, D(2026, 2, 28)), (s.ScheduledChangeType, s.ScheduledPlanId, s.ScheduledInterval, s.ScheduledFor));
    }

    [Fact]
    public void CancelNow_DiscardsAScheduledChange()
    {
        var s = Active();
        Assert.Null(s.ScheduleChange("plan_downgrade", "plan_0", BillingIntervals.Monthly, D(2026, 2, 3)));
        Assert.Null(s.CancelAtEnd(D(2026, 2, 5), null, null));

        Assert.Null(s.CancelNow(D(2026, 2, 28), null, null));

        Assert.Null(s.ScheduledChangeType);
        Assert.Null(s.ScheduledPlanId);
        Assert.Null(s.ScheduledInterval);
        Assert.Null(s.ScheduledFor);
        Assert.False(s.ScheduledChangeWillApply);
    }

    [Fact]
    public void CancelNow_Twice_IsRefused()
    {
        var s = Active();
        Assert.Null(s.CancelNow(D(2026, 2, 5), null, null));
        Assert.Equal("subscription_already_canceled", s.CancelNow(D(2026, 2, 6), null, null)?.Code);
    }

    [Fact]
    public void Dunning_RetriesOnDays1_3_5_7_AfterTheFailure_ThenStops()
    {
        var s = Active();
        var failed = D(2026, 2, 28);
        s.MarkPastDue("inv_1", failed);
        Assert.Equal(failed.AddDays(1), s.NextRetryAt);
        Assert.Equal(failed.AddDays(3), s.RetryFailed(failed.AddDays(1)));
        Assert.Equal(failed.AddDays(5), s.RetryFailed(failed.AddDays(3)));
        Assert.Equal(failed.AddDays(7), s.RetryFailed(failed.AddDays(5)));
        Assert.Null(s.RetryFailed(failed.AddDays(7)));
    }

    [Fact]
    public void AdvancePeriod_KeepsTheAnchor()
    {
        var s = Active();
        s.AdvancePeriod();
        Assert.Equal((D(2026, 2, 28), D(2026, 3, 31)), (s.CurrentPeriodStart, s.CurrentPeriodEnd));
        s.AdvancePeriod();
        Assert.Equal((D(2026, 3, 31), D(2026, 4, 30)), (s.CurrentPeriodStart, s.CurrentPeriodEnd));
    }
}

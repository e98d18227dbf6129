using System.Net;
using Commet.Domain.Billing;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// Billing calendars walked through the public API with the sandbox test clock; every amount worked out by hand.
/// Each test has an organization of its own, so its clock and invoice numbers are its own.
/// </summary>
public abstract class BillingScenarioTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static async Task<List<Invoice>> Invoices(TestTenant t, string subscriptionId)
    {
        await using var db = t.Db();
        return await db.Invoices.Include(i => i.Lines).Where(i => i.SubscriptionId == subscriptionId).OrderBy(i => i.Number).ToListAsync();
    }

    private static async Task<List<PaymentTransaction>> Transactions(TestTenant t, string customerId)
    {
        await using var db = t.Db();
        return await db.Transactions.Where(x => x.CustomerId == customerId).OrderBy(x => x.Id).ToListAsync();
    }

    private static async Task<List<string>> EventTypes(TestTenant t, string subscriptionId)
    {
        await using var db = t.Db();
        return await db.Events.Where(e => e.SubscriptionId == subscriptionId).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).Select(e => e.Type).ToListAsync();
    }

    [Fact]
    public async Task Monthly_BoughtJan31_RenewsFeb28_ThenMar31_ThenApr30()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 1, 31));
        await api.Plan("basic", 4900);
        await api.Customer("ann");
        var sub = await api.Subscribe("ann", "basic");
        var id = sub.Str("id");
        Assert.Equal("active", sub.Str("status"));
        Assert.Equal(Utc(2027, 2, 28), sub["currentPeriod"]!.Date("end"));

        await api.RunUntil(Utc(2027, 2, 28));
        var afterFeb = await api.Subscription(id);
        Assert.Equal(Utc(2027, 2, 28), afterFeb["currentPeriod"]!.Date("start"));
        Assert.Equal(Utc(2027, 3, 31), afterFeb["currentPeriod"]!.Date("end"));

        await api.RunUntil(Utc(2027, 3, 31));
        var afterMar = await api.Subscription(id);
        Assert.Equal(Utc(2027, 4, 30), afterMar["currentPeriod"]!.Date("end"));

        var invoices = await Invoices(t, id);
        Assert.Equal(["INV-000001", "INV-000002", "INV-000003"], invoices.Select(i => i.Number));
        Assert.All(invoices, i => Assert.Equal((4900L, InvoiceStatus.Paid, InvoiceTypes.Recurring), (i.Total, i.Status, i.Type)));
        Assert.Equal([Utc(2027, 1, 31), Utc(2027, 2, 28), Utc(2027, 3, 31)], invoices.Select(i => i.PeriodStart));
        Assert.Equal([Utc(2027, 2, 28), Utc(2027, 3, 31), Utc(2027, 4, 30)], invoices.Select(i => i.PeriodEnd));
        Assert.Equal(3, (await Transactions(t, sub.Str("customerId"))).Count(x => x.Status == TransactionStatus.Succeeded));
    }

    [Fact]
    public async Task Monthly_InALeapYear_RenewsOnFeb29()
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Utc(2028, 1, 31));
        await t.Api.Plan("basic", 4900);
        await t.Api.Customer("leap");
        var id = (await t.Api.Subscribe("leap", "basic")).Str("id");

        await t.Api.RunUntil(Utc(2028, 2, 29));

        var invoices = await Invoices(t, id);
        Assert.Equal(Utc(2028, 2, 29), invoices[^1].PeriodStart);
        Assert.Equal(Utc(2028, 3, 31), invoices[^1].PeriodEnd);
    }

    [Fact]
    public async Task Yearly_RenewsAfterOneYear_AndNotBefore()
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Utc(2027, 3, 15));
        await t.Api.Plan("annual", 49000, interval: "yearly");
        await t.Api.Customer("yan");
        var id = (await t.Api.Subscribe("yan", "annual")).Str("id");

        await t.Api.RunUntil(Utc(2028, 3, 14));
        Assert.Single(await Invoices(t, id));
        await t.Api.RunUntil(Utc(2028, 3, 15));

        var invoices = await Invoices(t, id);
        Assert.Equal(2, invoices.Count);
        Assert.Equal((Utc(2028, 3, 15), Utc(2029, 3, 15), 49000L), (invoices[1].PeriodStart, invoices[1].PeriodEnd, invoices[1].Total));
    }

    [Fact]
    public async Task Weekly_RenewsEverySevenDays()
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Utc(2027, 6, 1));
        await t.Api.Plan("weekly", 900, interval: "weekly");
        await t.Api.Customer("wes");
        var id = (await t.Api.Subscribe("wes", "weekly")).Str("id");

        // One jump of 21 days: three renewals, each dated at its own boundary.
        var run = await t.Api.RunUntil(Utc(2027, 6, 22));

        Assert.Equal(3, run["invoicesCreated"]!.GetValue<int>());
        var invoices = await Invoices(t, id);
        Assert.Equal([Utc(2027, 6, 1), Utc(2027, 6, 8), Utc(2027, 6, 15), Utc(2027, 6, 22)], invoices.Select(i => i.PeriodStart));
        Assert.Equal(4 * 900, invoices.Sum(i => i.Total));
    }

    [Fact]
    public async Task Trial14Days_FirstInvoiceWhenTheTrialEnds_WithANoticeThreeDaysBefore()
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Utc(2027, 3, 1));
        await t.Api.Plan("trial", 4900, trialDays: 14);
        await t.Api.Customer("tia");
        var sub = await t.Api.Subscribe("tia", "trial");
        var id = sub.Str("id");
        Assert.Equal("trialing", sub.Str("status"));
        Assert.Equal(Utc(2027, 3, 15), sub.Date("trialEndsAt"));
        Assert.Empty(await Invoices(t, id));

        await t.Api.RunUntil(Utc(2027, 3, 12));
        Assert.Contains("trial.will_end", await EventTypes(t, id));
        Assert.Empty(await Invoices(t, id));

        await t.Api.RunUntil(Utc(2027, 3, 15));
        var after = await t.Api.Subscription(id);
        Assert.Equal("active", after.Str("status"));
        var invoice = Assert.Single(await Invoices(t, id));
        Assert.Equal((4900L, Utc(2027, 3, 15), Utc(2027, 4, 15), InvoiceStatus.Paid), (invoice.Total, invoice.PeriodStart, invoice.PeriodEnd, invoice.Status));
        Assert.Contains("trial.converted", await EventTypes(t, id));
    }

    [Fact]
    public async Task Upgrade29To99_TenDaysInto30_Charges7967_AndRestartsThePeriod()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var group = await api.Group();
        await api.Plan("starter", 2900, group, sortOrder: 0);
        await api.Plan("pro", 9900, group, sortOrder: 1);
        await api.Customer("upa");
        var id = (await api.Subscribe("upa", "starter")).Str("id");
        await api.SetClock(Utc(2027, 4, 11));

        var preview = await api.PostJson($"/api/v1/subscriptions/{id}/preview-change", new { planId = "pro" }).Ok();
        var change = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "pro" }).Ok();

        // 2900 × 20/30 = 1933.33 → 1933; 9900 − 1933 = 7967.
        Assert.Equal((1933L, 9900L, 7967L, 20, 30, true), (preview["currentPlanCredit"]!.GetValue<long>(), preview["newPlanCharge"]!.GetValue<long>(),
            preview["estimatedTotal"]!.GetValue<long>(), preview["daysRemaining"]!.GetValue<int>(), preview["totalDays"]!.GetValue<int>(), preview["isUpgrade"]!.GetValue<bool>()));
        Assert.Equal(7967, change["billing"]!["totalCharged"]!.GetValue<long>());
        Assert.Equal(1933, change["billing"]!["credit"]!.GetValue<long>());
        var invoice = (await Invoices(t, id)).Single(i => i.Type == InvoiceTypes.PlanChange);
        Assert.Equal((7967L, InvoiceStatus.Paid), (invoice.Total, invoice.Status));
        Assert.Equal([9900L, -1933L], invoice.Lines.OrderBy(l => l.Position).Select(l => l.Amount));
        Assert.Equal(invoice.Id, change.Str("invoiceId"));
        var after = await api.Subscription(id);
        Assert.Equal("Pro", after["plan"]!.Str("name"));
        Assert.Equal((Utc(2027, 4, 11), Utc(2027, 5, 11)), (after["currentPeriod"]!.Date("start"), after["currentPeriod"]!.Date("end")));
    }

    [Fact]
    public async Task Downgrade_IsScheduled_ChargesNothing_AndAppliesAtThePeriodEnd()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var group = await api.Group();
        await api.Plan("starter", 2900, group, sortOrder: 0);
        await api.Plan("pro", 9900, group, sortOrder: 1);
        await api.Customer("dov");
        var id = (await api.Subscribe("dov", "pro")).Str("id");
        await api.SetClock(Utc(2027, 4, 11));

        var change = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "starter" }).Ok();

        Assert.True(change["scheduled"]!.GetValue<bool>());
        Assert.Equal("subscription.plan_downgrade", change.Str("changeType"));
        Assert.Equal(Utc(2027, 5, 1), change.Date("scheduledFor"));
        Assert.Single(await Invoices(t, id));
        var during = await api.Subscription(id);
        Assert.Equal("Pro", during["plan"]!.Str("name"));
        Assert.Equal("Starter", during["scheduledPlanChange"]!.Str("newPlanName"));

        await api.RunUntil(Utc(2027, 5, 1));

        var after = await api.Subscription(id);
        Assert.Equal("Starter", after["plan"]!.Str("name"));
        Assert.Null(after["scheduledPlanChange"]);
        var renewal = (await Invoices(t, id))[^1];
        Assert.Equal((2900L, Utc(2027, 5, 1), InvoiceTypes.Recurring), (renewal.Total, renewal.PeriodStart, renewal.Type));
    }

    [Fact]
    public async Task ScheduledDowngrade_CanBeRevoked_BeforeItHappens()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var group = await api.Group();
        await api.Plan("starter", 2900, group, sortOrder: 0);
        await api.Plan("pro", 9900, group, sortOrder: 1);
        await api.Customer("rev");
        var id = (await api.Subscribe("rev", "pro")).Str("id");
        await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "starter" }).Ok();

        var revoked = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "pro" }).Ok();
        Assert.True(revoked["revoked"]!.GetValue<bool>());
        Assert.Null((await api.Subscription(id))["scheduledPlanChange"]);

        await api.RunUntil(Utc(2027, 5, 1));
        Assert.Equal(9900, (await Invoices(t, id))[^1].Total);
        Assert.Contains("subscription.plan_change_revoked", await EventTypes(t, id));
    }

    [Fact]
    public async Task CancelAtPeriodEnd_Uncancel_ThenCancelAgain_EndsAtThePeriodEndWithoutAnInvoice()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.Plan("basic", 4900);
        await api.Customer("cal");
        var id = (await api.Subscribe("cal", "basic")).Str("id");

        var canceled = await api.PostJson($"/api/v1/subscriptions/{id}/cancel", new { reason = "too_expensive" }).Ok();
        Assert.Equal("active", canceled.Str("status"));
        Assert.Equal(Utc(2027, 5, 1), canceled.Date("scheduledCancellationDate"));
        var scheduled = await api.Subscription(id);
        Assert.True(scheduled["cancelAtPeriodEnd"]!.GetValue<bool>());
        Assert.Equal("too_expensive", scheduled["cancellation"]!.Str("reason"));

        var uncanceled = await api.PostJson($"/api/v1/subscriptions/{id}/uncancel", new { }).Ok();
        Assert.Equal("active", uncanceled.Str("status"));
        Assert.False((await api.Subscription(id))["cancelAtPeriodEnd"]!.GetValue<bool>());

        await api.PostJson($"/api/v1/subscriptions/{id}/cancel", new { reason = "I found something simpler" }).Ok();
        await api.RunUntil(Utc(2027, 5, 1));

        var ended = await api.Subscription(id);
        Assert.Equal("canceled", ended.Str("status"));
        Assert.Equal(Utc(2027, 5, 1), ended.Date("endDate"));
        Assert.Single(await Invoices(t, id));
        var events = await EventTypes(t, id);
        Assert.Equal(["subscription.cancellation_scheduled", "subscription.cancellation_revoked", "subscription.cancellation_scheduled", "subscription.canceled"],
            events.Where(e => e.StartsWith("subscription.cancel", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ImmediateCancel_EndsNow()
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Utc(2027, 4, 1));
        await t.Api.Plan("basic", 4900);
        await t.Api.Customer("imm");
        var id = (await t.Api.Subscribe("imm", "basic")).Str("id");
        await t.Api.SetClock(Utc(2027, 4, 9));

        var canceled = await t.Api.PostJson($"/api/v1/subscriptions/{id}/cancel", new { immediate = true, reason = "unused" }).Ok();

        Assert.Equal("canceled", canceled.Str("status"));
        Assert.Equal(Utc(2027, 4, 9), canceled.Date("canceledAt"));
        await t.Api.RunUntil(Utc(2027, 5, 2));
        Assert.Single(await Invoices(t, id));
        Assert.Equal("customer_not_found", (await t.Api.GetJson("/api/v1/subscriptions/active?customerId=nobody")).ErrorCode);
        Assert.Null((await t.Api.GetJson("/api/v1/subscriptions/active?customerId=imm")).Body!["data"]);
    }

    [Fact]
    public async Task FailingCard_GoesPastDue_IsRetriedOnDays1_3_5_7_ThenCanceled_InvoiceUncollectible()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.Plan("basic", 4900);
        var customerId = await api.Customer("dun");
        var id = (await api.Subscribe("dun", "basic")).Str("id");
        await api.Card("dun", "4000000000000341");

        await api.RunUntil(Utc(2027, 5, 1));
        Assert.Equal("past_due", (await api.Subscription(id)).Str("status"));
        var renewal = (await Invoices(t, id))[^1];
        Assert.Equal(InvoiceStatus.Outstanding, renewal.Status);

        foreach (var day in new[] { 2, 4, 6 })
        {
            var run = await api.RunUntil(Utc(2027, 5, day));
            Assert.Equal(1, run["dunningRetried"]!.GetValue<int>());
            Assert.Equal("past_due", (await api.Subscription(id)).Str("status"));
        }
        var last = await api.RunUntil(Utc(2027, 5, 8));

        Assert.Equal(1, last["dunningFailed"]!.GetValue<int>());
        var ended = await api.Subscription(id);
        Assert.Equal("canceled", ended.Str("status"));
        Assert.Equal("dunning_exhausted", ended["cancellation"]!.Str("reason"));
        Assert.Equal(InvoiceStatus.Uncollectible, (await Invoices(t, id))[^1].Status);
        var attempts = (await Transactions(t, customerId)).Where(x => x.InvoiceId == renewal.Id).ToList();
        Assert.Equal(5, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(TransactionStatus.Failed, a.Status));
        Assert.Equal([Utc(2027, 5, 1), Utc(2027, 5, 2), Utc(2027, 5, 4), Utc(2027, 5, 6), Utc(2027, 5, 8)], attempts.Select(a => a.CreatedAt));
        var events = await EventTypes(t, id);
        Assert.Contains("subscription.past_due", events);
        Assert.Contains("payment.failed", events);
        Assert.Contains("payment.retry_failed", events);
    }

    [Fact]
    public async Task PastDueCustomer_UpdatingTo4242OnDay3_RecoversToActive()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.Plan("basic", 4900);
        await api.Customer("rec");
        var id = (await api.Subscribe("rec", "basic")).Str("id");
        await api.Card("rec", "4000000000000341");
        await api.RunUntil(Utc(2027, 5, 2));
        Assert.Equal("past_due", (await api.Subscription(id)).Str("status"));

        await api.SetClock(Utc(2027, 5, 3).AddHours(9));
        await api.Card("rec", "4242424242424242");
        await api.RunUntil(Utc(2027, 5, 4));

        var after = await api.Subscription(id);
        Assert.Equal("active", after.Str("status"));
        var invoice = (await Invoices(t, id))[^1];
        Assert.Equal(InvoiceStatus.Paid, invoice.Status);
        Assert.Contains("payment.recovered", await EventTypes(t, id));
        // Recovered subscriptions renew normally afterwards.
        await api.RunUntil(Utc(2027, 6, 1));
        Assert.Equal(InvoiceStatus.Paid, (await Invoices(t, id))[^1].Status);
    }

    [Fact]
    public async Task Canceled_Reactivates_WithAReactivationInvoice_AndANewAnchor()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.Plan("basic", 4900);
        await api.Customer("rea");
        var id = (await api.Subscribe("rea", "basic")).Str("id");
        await api.PostJson($"/api/v1/subscriptions/{id}/cancel", new { immediate = true }).Ok();
        await api.SetClock(Utc(2027, 4, 20));

        var reactivated = await api.PostJson($"/api/v1/subscriptions/{id}/reactivate", new { }).Ok();

        Assert.False(reactivated["retryInitiated"]!.GetValue<bool>());
        var after = await api.Subscription(id);
        Assert.Equal("active", after.Str("status"));
        Assert.Equal((Utc(2027, 4, 20), Utc(2027, 5, 20)), (after["currentPeriod"]!.Date("start"), after["currentPeriod"]!.Date("end")));
        var invoice = (await Invoices(t, id))[^1];
        Assert.Equal((InvoiceTypes.Reactivation, 4900L, InvoiceStatus.Paid), (invoice.Type, invoice.Total, invoice.Status));
    }

    [Fact]
    public async Task MonthlyToYearly_OnTheSamePlan_IsAnUpgrade_NowWithTheUnusedDaysCredited_AndTheYearStartsOnTheChange()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.Plan("pro", 4900);
        await api.PostJson("/api/v1/plans/pro/prices", new { billingInterval = "yearly", price = 49000 }).Ok();
        await api.Customer("myr");
        var id = (await api.Subscribe("myr", "pro", interval: "monthly")).Str("id");
        await api.SetClock(Utc(2027, 4, 11));

        // 20 of April's 30 days unused: credit round(4900 × 20 / 30) = round(3266.67) = 3267; 49000 − 3267 = 45733.
        var preview = await api.PostJson($"/api/v1/subscriptions/{id}/preview-change", new { planId = "pro", billingInterval = "yearly" }).Ok();
        Assert.Equal((20, 30, 3267L, 49000L, 45733L, true),
            (preview["daysRemaining"]!.GetValue<int>(), preview["totalDays"]!.GetValue<int>(), preview["currentPlanCredit"]!.GetValue<long>(),
             preview["newPlanCharge"]!.GetValue<long>(), preview["estimatedTotal"]!.GetValue<long>(), preview["isUpgrade"]!.GetValue<bool>()));
        var change = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newBillingInterval = "yearly" }).Ok();

        Assert.NotEqual(true, change["scheduled"]?.GetValue<bool>());
        Assert.Equal(45733L, change["billing"]!["totalCharged"]!.GetValue<long>());
        var after = await api.Subscription(id);
        Assert.Equal(("yearly", Utc(2027, 4, 11), Utc(2028, 4, 11)), (after.Str("billingInterval"), after["currentPeriod"]!.Date("start"), after["currentPeriod"]!.Date("end")));
        var invoices = await Invoices(t, id);
        Assert.Equal([4900L, 45733L], invoices.Select(i => i.Total));
        Assert.Equal((InvoiceTypes.PlanChange, InvoiceStatus.Paid), (invoices[1].Type, invoices[1].Status));

        // Nothing more until the year is over.
        await api.RunUntil(Utc(2028, 4, 10));
        Assert.Equal(2, (await Invoices(t, id)).Count);
        await api.RunUntil(Utc(2028, 4, 11));
        Assert.Equal(49000L, (await Invoices(t, id))[^1].Total);
    }

    [Fact]
    public async Task ChangeToAPlanOutsideTheGroup_IsPlansNotInSameGroup()
    {
        var t = await server.NewTenantAsync();
        var group = await t.Api.Group();
        await t.Api.Plan("starter", 2900, group);
        await t.Api.Plan("loner", 9900);
        await t.Api.Customer("grp");
        var id = (await t.Api.Subscribe("grp", "starter")).Str("id");

        var answer = await t.Api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "loner" });
        var preview = await t.Api.PostJson($"/api/v1/subscriptions/{id}/preview-change", new { planId = "loner" });

        Assert.Equal((HttpStatusCode.BadRequest, "plans_not_in_same_group"), (answer.Status, answer.ErrorCode));
        Assert.Equal("plans_not_in_same_group", preview.ErrorCode);
    }

    [Fact]
    public async Task PreviewOfADowngrade_IsPlanChangeScheduled()
    {
        var t = await server.NewTenantAsync();
        var group = await t.Api.Group();
        await t.Api.Plan("starter", 2900, group, sortOrder: 0);
        await t.Api.Plan("pro", 9900, group, sortOrder: 1);
        await t.Api.Customer("pdg");
        var id = (await t.Api.Subscribe("pdg", "pro")).Str("id");

        var answer = await t.Api.PostJson($"/api/v1/subscriptions/{id}/preview-change", new { planId = "starter" });

        Assert.Equal((HttpStatusCode.BadRequest, "plan_change_scheduled"), (answer.Status, answer.ErrorCode));
    }

    [Fact]
    public async Task ASecondLiveSubscription_IsAlreadyHasActiveSubscription()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Plan("basic", 4900);
        await t.Api.Customer("two");
        await t.Api.Subscribe("two", "basic");

        var second = await t.Api.PostJson("/api/v1/subscriptions", new { customerId = "two", planCode = "basic" });

        Assert.Equal((HttpStatusCode.Conflict, "already_has_active_subscription"), (second.Status, second.ErrorCode));
    }

    [Fact]
    public async Task ConcurrentCreates_ForOneCustomer_MakeOneSubscription()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Plan("basic", 4900);
        await t.Api.Customer("dbl");

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => t.Api.PostJson("/api/v1/subscriptions", new { customerId = "dbl", planCode = "basic" })));

        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => Assert.Equal("already_has_active_subscription", a.ErrorCode));
        await using var db = t.Db();
        Assert.Equal(1, await db.Invoices.CountAsync());
        Assert.Equal(1, await db.Transactions.CountAsync(x => x.Status == TransactionStatus.Succeeded));
    }

    [Fact]
    public async Task UncancelOfASubscriptionNotScheduledToCancel_IsRefused()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Plan("basic", 4900);
        await t.Api.Customer("unc");
        var id = (await t.Api.Subscribe("unc", "basic")).Str("id");

        var answer = await t.Api.PostJson($"/api/v1/subscriptions/{id}/uncancel", new { });

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "not_scheduled_for_cancellation"), (answer.Status, answer.ErrorCode));
    }

    [Fact]
    public async Task DeclinedCardAtCheckout_LeavesPendingPayment_AndChargesNothing()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Plan("basic", 4900);
        var customerId = await t.Api.Customer("dec", card: "4000000000000341");

        var sub = await t.Api.Subscribe("dec", "basic");

        Assert.Equal("pending_payment", sub.Str("status"));
        Assert.Contains("/pay/", sub.Str("checkoutUrl"), StringComparison.Ordinal);
        Assert.Null(sub["currentPeriod"]);
        var transactions = await Transactions(t, customerId);
        Assert.DoesNotContain(transactions, x => x.Status == TransactionStatus.Succeeded);
        Assert.Equal(InvoiceStatus.Outstanding, Assert.Single(await Invoices(t, sub.Str("id"))).Status);
        // Nothing is billed while it waits for the first payment.
        await t.Api.Advance(40);
        await t.Api.ProcessBilling();
        Assert.Single(await Invoices(t, sub.Str("id")));
    }

    [Fact]
    public async Task FreePlan_IsActiveAtOnce_WithoutAnInvoice()
    {
        var t = await server.NewTenantAsync();
        await t.Api.PostJson("/api/v1/plans/manage", new { code = "free", name = "Free", isFree = true }).Ok();
        await t.Api.Customer("fre", card: null);

        var sub = await t.Api.Subscribe("fre", "free");

        Assert.Equal("active", sub.Str("status"));
        Assert.Null(sub["billingInterval"]);
        Assert.Empty(await Invoices(t, sub.Str("id")));
    }

    [Fact]
    public async Task PaidPlan_WithoutACard_IsPendingPaymentWithACheckoutLink()
    {
        var t = await server.NewTenantAsync();
        await t.Api.Plan("basic", 4900);
        await t.Api.Customer("nocard", card: null);

        var sub = await t.Api.Subscribe("nocard", "basic");

        Assert.Equal("pending_payment", sub.Str("status"));
        Assert.StartsWith(server.BaseAddress.ToString().TrimEnd('/') + "/pay/", sub.Str("checkoutUrl"), StringComparison.Ordinal);
        var again = await t.Api.Subscription(sub.Str("id"));
        // Every read hands out a fresh signed link to the same checkout.
        Assert.Contains("/pay/", again.Str("checkoutUrl"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestClock_IsSandboxOnly_AndMovesForwardOnly()
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Utc(2027, 1, 1));

        var back = await t.Api.PostJson("/api/v1/test-clock", new { frozenTime = Utc(2026, 12, 31).ToString("O") });
        var zero = await t.Api.PostJson("/api/v1/test-clock", new { advanceDays = 0 });
        var live = await server.Client(ServerFixture.LiveKey).GetJson("/api/v1/test-clock");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, back.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, zero.Status);
        Assert.Equal((HttpStatusCode.Forbidden, "sandbox_only"), (live.Status, live.ErrorCode));
        var clock = await t.Api.GetJson("/api/v1/test-clock").Ok();
        Assert.Equal(Utc(2027, 1, 1), clock.Date("now"));
        Assert.True(clock["isActive"]!.GetValue<bool>());
    }
}

public sealed class BillingScenarioTests_Sqlite(SqliteServer server) : BillingScenarioTests<SqliteServer>(server);

public sealed class BillingScenarioTests_Postgres(PostgresServer server) : BillingScenarioTests<PostgresServer>(server);

/// <summary>Trials that end in a cancellation or a move to a free plan, and plan changes while past due.</summary>
public abstract class TrialEdgeTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Fact]
    public async Task CanceledDuringTheTrial_EndsWithTheTrial_WithoutACharge()
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Utc(2027, 3, 1));
        await t.Api.Plan("trial", 4900, trialDays: 14);
        await t.Api.Customer("tc");
        var id = (await t.Api.Subscribe("tc", "trial")).Str("id");

        var canceled = await t.Api.PostJson($"/api/v1/subscriptions/{id}/cancel", new { reason = "unused" }).Ok();
        Assert.Equal(Utc(2027, 3, 15), canceled.Date("scheduledCancellationDate"));
        await t.Api.RunUntil(Utc(2027, 3, 20));

        Assert.Equal("canceled", (await t.Api.Subscription(id)).Str("status"));
        await using var db = t.Db();
        Assert.Equal(0, await db.Invoices.CountAsync());
        Assert.Equal(0, await db.Transactions.CountAsync());
    }

    [Fact]
    public async Task DowngradeToFreeDuringTheTrial_AppliesWhenTheTrialEnds_WithoutACharge()
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Utc(2027, 3, 1));
        var group = await t.Api.Group();
        await t.Api.PostJson("/api/v1/plans/manage", new { code = "free", name = "Free", isFree = true, planGroupId = group, sortOrder = 0 }).Ok();
        await t.Api.Plan("trial", 4900, group, sortOrder: 1, trialDays: 14);
        await t.Api.Customer("tf");
        var id = (await t.Api.Subscribe("tf", "trial")).Str("id");

        var change = await t.Api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "free" }).Ok();
        Assert.True(change["scheduled"]!.GetValue<bool>());
        await t.Api.RunUntil(Utc(2027, 3, 16));

        var after = await t.Api.Subscription(id);
        Assert.Equal(("active", "Free"), (after.Str("status"), after["plan"]!.Str("name")));
        await using var db = t.Db();
        Assert.Equal(0, await db.Invoices.CountAsync());
    }

    [Fact]
    public async Task PlanChange_WhilePastDue_IsRefused()
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Utc(2027, 4, 1));
        var group = await t.Api.Group();
        await t.Api.Plan("starter", 2900, group, sortOrder: 0);
        await t.Api.Plan("pro", 9900, group, sortOrder: 1);
        await t.Api.Customer("pdc");
        var id = (await t.Api.Subscribe("pdc", "starter")).Str("id");
        await t.Api.Card("pdc", "4000000000000341");
        await t.Api.RunUntil(Utc(2027, 5, 1));

        var answer = await t.Api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "pro" });

        Assert.Equal("subscription_past_due", answer.ErrorCode);
    }
}

public sealed class TrialEdgeTests_Sqlite(SqliteServer server) : TrialEdgeTests<SqliteServer>(server);

public sealed class TrialEdgeTests_Postgres(PostgresServer server) : TrialEdgeTests<PostgresServer>(server);

using System.Net;
using System.Text.Json.Nodes;
using Commet.Domain.Billing;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// A scheduled downgrade and a cancellation at period end: the cancellation keeps the change dormant (it cannot
/// happen, the subscription ends that day), undoing the cancellation restores exactly that change, and an immediate
/// cancellation discards it. Pro is $49 a month, Starter $19; every amount is worked out by hand.
/// </summary>
public abstract class CancelScheduledChangeTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static async Task<List<Invoice>> Invoices(TestTenant t, string subscriptionId)
    {
        await using var db = t.Db();
        return await db.Invoices.Include(i => i.Lines).Where(i => i.SubscriptionId == subscriptionId).OrderBy(i => i.Number).ToListAsync();
    }

    private static async Task<List<(string Type, JsonObject Data)>> Events(TestTenant t, string subscriptionId)
    {
        await using var db = t.Db();
        var rows = await db.Events.AsNoTracking().Where(e => e.SubscriptionId == subscriptionId).OrderBy(e => e.OccurredAt).ThenBy(e => e.Id)
            .Select(e => new { e.Type, e.DataJson }).ToListAsync();
        return rows.Select(r => (r.Type, JsonNode.Parse(r.DataJson)!.AsObject())).ToList();
    }

    /// <summary>The cancellation and plan-change events, in order (subscription.plan_changed included).</summary>
    private static IEnumerable<string> Lifecycle(IEnumerable<(string Type, JsonObject Data)> events) =>
        events.Select(e => e.Type).Where(x => x.StartsWith("subscription.cancel", StringComparison.Ordinal) || x.StartsWith("subscription.plan_change", StringComparison.Ordinal));

    /// <summary>Pro ($49) with a downgrade to Starter ($19) scheduled on Apr 11 for the period end, May 1.</summary>
    private async Task<(TestTenant T, string Id)> ProWithScheduledDowngradeAsync(string customer)
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var group = await api.Group();
        await api.Plan("starter", 1900, group, sortOrder: 0);
        await api.Plan("pro", 4900, group, sortOrder: 1);
        await api.Customer(customer);
        var id = (await api.Subscribe(customer, "pro")).Str("id");
        await api.SetClock(Utc(2027, 4, 11));
        var change = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "starter" }).Ok();
        Assert.Equal(Utc(2027, 5, 1), change.Date("scheduledFor"));
        await api.SetClock(Utc(2027, 4, 15));
        return (t, id);
    }

    [Fact]
    public async Task CancelThenUndo_KeepsTheScheduledDowngrade_WhichAppliesAtThePeriodEnd()
    {
        var (t, id) = await ProWithScheduledDowngradeAsync("undo");
        var api = t.Api;
        var before = (await api.Subscription(id))["scheduledPlanChange"]!.ToJsonString();

        var canceled = await api.PostJson($"/api/v1/subscriptions/{id}/cancel", new { reason = "too_expensive" }).Ok();

        Assert.Equal(Utc(2027, 5, 1), canceled.Date("scheduledCancellationDate"));
        var pending = await api.Subscription(id);
        Assert.True(pending["cancelAtPeriodEnd"]!.GetValue<bool>());
        Assert.Null(pending["nextBillingDate"]);
        // The API keeps showing the change while the cancellation is pending, as the SDK's Subscription type allows
        // (cancellation and scheduledPlanChange are independent fields).
        Assert.Equal(before, pending["scheduledPlanChange"]!.ToJsonString());

        // A new downgrade cannot be scheduled on top of a pending cancellation; the dormant one is left as it was.
        var refused = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "starter", newBillingInterval = "monthly" });
        Assert.Equal((HttpStatusCode.Conflict, "already_scheduled"), (refused.Status, refused.ErrorCode));

        await api.SetClock(Utc(2027, 4, 20));
        var undone = await api.PostJson($"/api/v1/subscriptions/{id}/uncancel", new { }).Ok();
        Assert.Equal("active", undone.Str("status"));

        var restored = await api.Subscription(id);
        Assert.False(restored["cancelAtPeriodEnd"]!.GetValue<bool>());
        Assert.Null(restored["cancellation"]);
        Assert.Equal(before, restored["scheduledPlanChange"]!.ToJsonString());
        Assert.Equal(("plan_downgrade", "Starter", "monthly", Utc(2027, 5, 1)), (restored["scheduledPlanChange"]!.Str("changeType"),
            restored["scheduledPlanChange"]!.Str("newPlanName"), restored["scheduledPlanChange"]!.Str("newBillingInterval"), restored["scheduledPlanChange"]!.Date("scheduledFor")));

        await api.RunUntil(Utc(2027, 5, 1));

        var after = await api.Subscription(id);
        Assert.Equal(("active", "Starter"), (after.Str("status"), after["plan"]!.Str("name")));
        Assert.Null(after["scheduledPlanChange"]);
        // Apr 1: Pro, 4900. May 1: the renewal on Starter, 1900 (no proration: a downgrade takes effect at the boundary).
        var invoices = await Invoices(t, id);
        Assert.Equal([4900L, 1900L], invoices.Select(i => i.Total));
        Assert.Equal((InvoiceTypes.Recurring, Utc(2027, 5, 1), Utc(2027, 6, 1), InvoiceStatus.Paid),
            (invoices[1].Type, invoices[1].PeriodStart, invoices[1].PeriodEnd, invoices[1].Status));
        Assert.Equal([1900L], invoices[1].Lines.Select(l => l.Amount));

        var events = await Events(t, id);
        Assert.Equal(["subscription.plan_change_scheduled", "subscription.cancellation_scheduled", "subscription.cancellation_revoked", "subscription.plan_changed"],
            Lifecycle(events));
        var scheduled = events.Single(e => e.Type == "subscription.cancellation_scheduled").Data;
        Assert.Equal(("active", "too_expensive", Utc(2027, 4, 15), Utc(2027, 5, 1)),
            (scheduled.Str("status"), scheduled.Str("cancelReason"), scheduled.Date("canceledAt"), scheduled.Date("effectiveAt")));
        var revoked = events.Single(e => e.Type == "subscription.cancellation_revoked").Data;
        Assert.Equal(("active", Utc(2027, 5, 1)), (revoked.Str("status"), revoked.Date("currentPeriodEnd")));
        var changed = events.Single(e => e.Type == "subscription.plan_changed").Data;
        Assert.Equal(("Pro", "Starter"), (changed["previousPlan"]!.Str("name"), changed["currentPlan"]!.Str("name")));
    }

    [Fact]
    public async Task CancelWithoutUndo_EndsAtThePeriodEnd_AndTheScheduledChangeNeverApplies()
    {
        var (t, id) = await ProWithScheduledDowngradeAsync("ends");
        var api = t.Api;

        await api.PostJson($"/api/v1/subscriptions/{id}/cancel", new { }).Ok();
        await api.RunUntil(Utc(2027, 5, 1));

        var ended = await api.Subscription(id);
        Assert.Equal(("canceled", "Pro", Utc(2027, 5, 1)), (ended.Str("status"), ended["plan"]!.Str("name"), ended.Date("endDate")));
        Assert.Null(ended["scheduledPlanChange"]);
        await api.RunUntil(Utc(2027, 6, 1));
        // Only Apr 1's 4900: no renewal on either plan.
        Assert.Equal([4900L], (await Invoices(t, id)).Select(i => i.Total));
        var events = await Events(t, id);
        Assert.Equal(["subscription.plan_change_scheduled", "subscription.cancellation_scheduled", "subscription.canceled"], Lifecycle(events));
    }

    [Fact]
    public async Task ImmediateCancel_DropsTheScheduledChange()
    {
        var (t, id) = await ProWithScheduledDowngradeAsync("now");
        var api = t.Api;

        var canceled = await api.PostJson($"/api/v1/subscriptions/{id}/cancel", new { immediate = true }).Ok();

        Assert.Equal("canceled", canceled.Str("status"));
        var ended = await api.Subscription(id);
        Assert.Null(ended["scheduledPlanChange"]);
        Assert.Equal(Utc(2027, 4, 15), ended.Date("endDate"));
        await api.RunUntil(Utc(2027, 6, 1));
        Assert.Equal([4900L], (await Invoices(t, id)).Select(i => i.Total));
        Assert.DoesNotContain(await Events(t, id), e => e.Type == "subscription.plan_changed");
    }

    [Fact]
    public async Task AnIntervalChange_IsRestoredByUndo_AndAppliesAtTheYearEnd()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        var group = await api.Group();
        await api.Plan("pro", 49000, group, interval: "yearly");
        await api.PostJson("/api/v1/plans/pro/prices", new { billingInterval = "monthly", price = 4900 }).Ok();
        await api.Customer("yan");
        var id = (await api.Subscribe("yan", "pro", interval: "yearly")).Str("id");
        var change = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newBillingInterval = "monthly" }).Ok();
        Assert.Equal("subscription.interval_change", change.Str("changeType"));

        await api.PostJson($"/api/v1/subscriptions/{id}/cancel", new { }).Ok();
        await api.PostJson($"/api/v1/subscriptions/{id}/uncancel", new { }).Ok();

        var restored = (await api.Subscription(id))["scheduledPlanChange"]!;
        Assert.Equal(("interval_change", "monthly", Utc(2028, 4, 1)), (restored.Str("changeType"), restored.Str("newBillingInterval"), restored.Date("scheduledFor")));
        await api.RunUntil(Utc(2028, 4, 1));
        // Apr 1, 2027: one year of Pro, 49000. Apr 1, 2028: one month of Pro, 4900, for Apr 1 – May 1.
        var invoices = await Invoices(t, id);
        Assert.Equal([49000L, 4900L], invoices.Select(i => i.Total));
        Assert.Equal((Utc(2028, 4, 1), Utc(2028, 5, 1)), (invoices[1].PeriodStart, invoices[1].PeriodEnd));
        Assert.Equal("monthly", (await api.Subscription(id)).Str("billingInterval"));
    }

    [Fact]
    public async Task Portal_CancelReviewSaysWhatHappensToTheSwitch_AndUndoShowsItAgain()
    {
        var (t, id) = await ProWithScheduledDowngradeAsync("ann");
        using var ann = await PortalClient.OpenAsync(server, t.Api, "ann");
        const string Dormant = "Your switch to Starter on May 1, 2027 will not happen because the subscription ends that day; "
            + "if you undo the cancellation, the switch to Starter is kept.";

        var overview = await ann.GetAsync("/portal");
        Assert.Contains("Scheduled change:", Text(overview), StringComparison.Ordinal);

        var review = await ann.SubmitAsync("/portal/cancel", "/portal/cancel?handler=Review", new Dictionary<string, string?>
        {
            ["subscriptionId"] = id,
            ["Reason"] = "too_expensive",
        });
        Assert.True(review.Status == HttpStatusCode.OK, review.ToString());
        var text = Text(review);
        Assert.Contains("Are you sure?", text, StringComparison.Ordinal);
        Assert.Contains("Your subscription will end on May 1, 2027.", text, StringComparison.Ordinal);
        Assert.Contains(Dormant, text, StringComparison.Ordinal);

        var confirmed = await ann.PostAsync("/portal/cancel?handler=Confirm", new Dictionary<string, string?>
        {
            ["subscriptionId"] = id,
            ["Reason"] = "too_expensive",
        }, PortalClient.Token(review.Html));
        Assert.Equal("/portal?m=canceled", confirmed.Location);

        var canceling = Text(await ann.GetAsync("/portal"));
        Assert.Contains("Your subscription ends on May 1, 2027.", canceling, StringComparison.Ordinal);
        Assert.Contains("Your switch to Starter on May 1, 2027 will not happen because your subscription ends that day. "
            + "If you keep your subscription, the switch to Starter is kept.", canceling, StringComparison.Ordinal);
        Assert.DoesNotContain("Scheduled change:", canceling, StringComparison.Ordinal);

        var undone = await ann.ConfirmAsync("/portal", "/portal/cancel?handler=Undo");
        Assert.Equal("/portal?m=uncanceled", undone.Location);

        var again = Text(await ann.GetAsync("/portal"));
        Assert.Contains("Scheduled change:", again, StringComparison.Ordinal);
        Assert.Contains("your plan changes to Starter, billed monthly.", Squeeze(again), StringComparison.Ordinal);
        Assert.DoesNotContain("will not happen", again, StringComparison.Ordinal);
        Assert.Equal("Starter", (await t.Api.Subscription(id))["scheduledPlanChange"]!.Str("newPlanName"));
    }

    [Fact]
    public async Task Portal_CancelReview_WithoutAScheduledChange_SaysNothingAboutASwitch()
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Utc(2027, 4, 1));
        await t.Api.Plan("basic", 4900);
        await t.Api.Customer("bea");
        var id = (await t.Api.Subscribe("bea", "basic")).Str("id");
        using var bea = await PortalClient.OpenAsync(server, t.Api, "bea");

        var review = await bea.SubmitAsync("/portal/cancel", "/portal/cancel?handler=Review", new Dictionary<string, string?> { ["subscriptionId"] = id });

        var text = Text(review);
        Assert.Contains("Your subscription will end on May 1, 2027.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Your switch to", text, StringComparison.Ordinal);
    }

    private static string Text(PortalPage page)
    {
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        return WebUtility.HtmlDecode(page.Html);
    }

    /// <summary>The text with runs of whitespace (line breaks in the markup) as one space.</summary>
    private static string Squeeze(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
}

public sealed class CancelScheduledChangeTests_Sqlite(SqliteServer server) : CancelScheduledChangeTests<SqliteServer>(server);

public sealed class CancelScheduledChangeTests_Postgres(PostgresServer server) : CancelScheduledChangeTests<PostgresServer>(server);

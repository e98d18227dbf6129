using System.Net;
using Commet.Domain.Billing;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// An immediate plan change bills the overage accrued so far in the period it cuts short; the preview-change, the
/// portal's change page and the plan_change invoice agree on it to the cent. April 2027 has 30 days.
/// </summary>
public abstract class AccruedOverageChangeTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [Fact]
    public async Task Upgrade_WithAccruedOverage_PreviewPortalAndInvoiceAgree()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage" }).Ok();
        var group = await api.Group();
        await api.Plan("starter", 1900, group, sortOrder: 1);
        await api.Plan("pro", 4900, group, sortOrder: 2);
        // 10,000 included on Starter, then 20 on the 10,000 scale (0.002) per call; Pro includes 100,000.
        await api.PostJson("/api/v1/plans/starter/features", new { featureId = "api_calls", includedAmount = 10_000, overage = new { enabled = true, unitPrice = 20 } }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "api_calls", includedAmount = 100_000, overage = new { enabled = true, unitPrice = 20 } }).Ok();
        await api.Customer("ann");
        var id = (await api.Subscribe("ann", "starter")).Str("id");
        await api.SetClock(Utc(2027, 4, 5));
        await api.PostJson("/api/v1/usage/events", new { customerId = "ann", feature = "api_calls", value = 15_000 }).Ok(HttpStatusCode.Created);
        await api.SetClock(Utc(2027, 4, 11));

        // 20 of 30 days unused: credit round(19.00 × 20 / 30 = 12.666…) = 12.67; plan 49.00 − 12.67 = 36.33.
        // Overage accrued on Starter: 15,000 − 10,000 = 5,000 × 20 / 10,000 = 10.00. Total 36.33 + 10.00 = 46.33.
        var preview = await api.PostJson($"/api/v1/subscriptions/{id}/preview-change", new { planId = "pro" }).Ok();
        Assert.Equal((1267L, 4900L, 4633L), (preview["currentPlanCredit"]!.GetValue<long>(), preview["newPlanCharge"]!.GetValue<long>(), preview["estimatedTotal"]!.GetValue<long>()));

        using var ann = await PortalClient.OpenAsync(server, api, "ann");
        var pro = (await api.GetJson("/api/v1/plans/pro").Ok()).Str("id");
        var page = await ann.GetAsync($"/portal/plans/change?plan={pro}&interval=monthly");
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        var html = WebUtility.HtmlDecode(page.Html);
        Assert.Contains("API calls: 5,000 beyond the 10,000 included</th><td class=\"num\">$10.00", html, StringComparison.Ordinal);
        Assert.Contains("Total due today</th><td class=\"num\">$46.33", html, StringComparison.Ordinal);

        // The portal's form carries the total it showed; the change charges it only if the invoice says the same.
        var confirmed = await ann.ConfirmAsync($"/portal/plans/change?plan={pro}&interval=monthly", "/portal/plans/change");
        Assert.Equal((HttpStatusCode.Found, "/portal?m=upgraded"), (confirmed.Status, confirmed.Location));

        await using var db = t.Db();
        var invoice = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.SubscriptionId == id && i.Type == InvoiceTypes.PlanChange);
        Assert.Equal((4633L, InvoiceStatus.Paid), (invoice.Total, invoice.Status));
        Assert.Equal([(LineTypes.PlanBase, 4900L), (LineTypes.Credit, -1267L), (LineTypes.FeatureOverage, 1000L)],
            invoice.Lines.OrderBy(l => l.Position).Select(l => (l.LineType, l.Amount)).ToList());
    }

    [Fact]
    public async Task Upgrade_ThroughTheApi_ChargesThePreviewsTotal()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage" }).Ok();
        var group = await api.Group();
        await api.Plan("starter", 1900, group, sortOrder: 1);
        await api.Plan("pro", 4900, group, sortOrder: 2);
        await api.PostJson("/api/v1/plans/starter/features", new { featureId = "api_calls", includedAmount = 10_000, overage = new { enabled = true, unitPrice = 20 } }).Ok();
        await api.Customer("ann");
        var id = (await api.Subscribe("ann", "starter")).Str("id");
        await api.PostJson("/api/v1/usage/events", new { customerId = "ann", feature = "api_calls", value = 15_000 }).Ok(HttpStatusCode.Created);
        await api.SetClock(Utc(2027, 4, 16));

        // 15 of 30 days unused: credit 19.00 × 15 / 30 = 9.50; plan 49.00 − 9.50 = 39.50; overage 5,000 × 20 / 10,000 = 10.00. Total 49.50.
        var preview = await api.PostJson($"/api/v1/subscriptions/{id}/preview-change", new { planId = "pro" }).Ok();
        var changed = await api.PostJson($"/api/v1/subscriptions/{id}/change-plan", new { newPlanId = "pro" }).Ok();

        Assert.Equal(4950L, preview["estimatedTotal"]!.GetValue<long>());
        await using var db = t.Db();
        var invoice = await db.Invoices.SingleAsync(i => i.Id == changed.Str("invoiceId"));
        Assert.Equal((InvoiceTypes.PlanChange, 4950L), (invoice.Type, invoice.Total));
    }
}

public sealed class AccruedOverageChangeTests_Sqlite(SqliteServer server) : AccruedOverageChangeTests<SqliteServer>(server);

public sealed class AccruedOverageChangeTests_Postgres(PostgresServer server) : AccruedOverageChangeTests<PostgresServer>(server);

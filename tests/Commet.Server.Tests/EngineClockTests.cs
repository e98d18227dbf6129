using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The billing engine driven by a <c>FakeTimeProvider</c> instead of the test clock: the server's own clock is
/// fake, the engine is called directly, as the background worker calls it.
/// </summary>
public sealed class EngineClockTests(FakeClockSqliteServer server) : IClassFixture<FakeClockSqliteServer>
{
    [Fact]
    public async Task Monthly_FromJan31_2028_RenewsFeb29_Mar31_Apr30()
    {
        server.Clock.SetUtcNow(new DateTimeOffset(2028, 1, 31, 0, 0, 0, TimeSpan.Zero));
        var t = await server.NewTenantAsync();
        await t.Api.Plan("basic", 4900);
        await t.Api.Customer("fake");
        var id = (await t.Api.Subscribe("fake", "basic")).Str("id");
        var engine = server.Services.GetRequiredService<BillingEngine>();
        var tenant = new Tenant(t.OrganizationId, false);

        foreach (var day in new[] { Utc(2028, 2, 29), Utc(2028, 3, 31), Utc(2028, 4, 30) })
        {
            server.Clock.SetUtcNow(day.AddHours(1));
            var run = await engine.RunAsync(tenant, server.Clock.GetUtcNow().UtcDateTime, "http://localhost", CancellationToken.None);
            Assert.Equal(1, run.InvoicesCreated);
        }

        await using var db = t.Db();
        var starts = await db.Invoices.Where(i => i.SubscriptionId == id).OrderBy(i => i.Number).Select(i => i.PeriodStart).ToListAsync();
        Assert.Equal([Utc(2028, 1, 31), Utc(2028, 2, 29), Utc(2028, 3, 31), Utc(2028, 4, 30)], starts);
        var subscription = await t.Api.Subscription(id);
        Assert.Equal(Utc(2028, 5, 31), subscription["currentPeriod"]!.Date("end"));
    }

    [Fact]
    public async Task Dunning_WithTheFakeClock_EndsCanceledAfterTheDay7Retry()
    {
        server.Clock.SetUtcNow(new DateTimeOffset(2029, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var t = await server.NewTenantAsync();
        await t.Api.Plan("basic", 4900);
        await t.Api.Customer("fd");
        var id = (await t.Api.Subscribe("fd", "basic")).Str("id");
        await t.Api.Card("fd", "4000000000000341");
        var engine = server.Services.GetRequiredService<BillingEngine>();
        var tenant = new Tenant(t.OrganizationId, false);

        // Walk day by day, as a background worker would see time pass.
        for (var day = Utc(2029, 4, 1); day <= Utc(2029, 4, 9); day = day.AddDays(1))
        {
            server.Clock.SetUtcNow(day);
            await engine.RunAsync(tenant, day, "http://localhost", CancellationToken.None);
        }

        await using var db = t.Db();
        var s = await db.Subscriptions.SingleAsync(x => x.Id == id);
        Assert.Equal((SubscriptionStatus.Canceled, "dunning_exhausted", Utc(2029, 4, 8)), (s.Status, s.CancelReason, s.CanceledAt!.Value));
        Assert.Equal(5, await db.Transactions.CountAsync(x => x.Status == TransactionStatus.Failed));
    }
}

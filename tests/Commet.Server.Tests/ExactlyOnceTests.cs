using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The engine run twice, concurrently, and around its own lease still bills each renewal once: one invoice and
/// one charge per subscription, guaranteed by unique indexes and row locks rather than by timing.
/// </summary>
public abstract class ExactlyOnceTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static async Task<(TestTenant Tenant, List<string> Subscriptions)> DueSubscriptions(ServerFixture server, int count)
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Utc(2027, 1, 10));
        await t.Api.Plan("basic", 4900);
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            await t.Api.Customer($"c{i}");
            ids.Add((await t.Api.Subscribe($"c{i}", "basic")).Str("id"));
        }
        await t.Api.SetClock(Utc(2027, 2, 10));
        return (t, ids);
    }

    private static async Task AssertOneRenewalEach(TestTenant t, List<string> ids)
    {
        await using var db = t.Db();
        foreach (var id in ids)
        {
            var invoices = await db.Invoices.Where(i => i.SubscriptionId == id).ToListAsync();
            Assert.Equal(2, invoices.Count); // the first invoice and exactly one renewal
            var renewal = invoices.Single(i => i.PeriodStart == Utc(2027, 2, 10));
            Assert.Equal(1, await db.Transactions.CountAsync(x => x.InvoiceId == renewal.Id && x.Status == TransactionStatus.Succeeded));
        }
        var numbers = await db.Invoices.Select(i => i.Number).ToListAsync();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, numbers.Count).Select(n => $"INV-{n:D6}"), numbers.Order());
    }

    [Fact]
    public async Task RunTwiceForTheSameMoment_BillsOnce()
    {
        var (t, ids) = await DueSubscriptions(server, 3);

        var first = await t.Api.ProcessBilling();
        var second = await t.Api.ProcessBilling();

        Assert.Equal(3, first["invoicesCreated"]!.GetValue<int>());
        Assert.Equal(0, second["invoicesCreated"]!.GetValue<int>());
        await AssertOneRenewalEach(t, ids);
    }

    [Fact]
    public async Task RunFromTwoThreadsAtOnce_BillsOnce()
    {
        var (t, ids) = await DueSubscriptions(server, 12);

        var runs = await Task.WhenAll(t.Api.ProcessBilling(), server.Client(t.SandboxKey).ProcessBilling(), server.Client(t.SandboxKey).ProcessBilling());

        Assert.Equal(12, runs.Sum(r => r["invoicesCreated"]!.GetValue<int>()));
        await AssertOneRenewalEach(t, ids);
    }

    [Fact]
    public async Task ProcessingTheSameSubscriptionConcurrently_PastTheLease_StillBillsOnce()
    {
        var (t, ids) = await DueSubscriptions(server, 1);
        var engine = server.Services.GetRequiredService<BillingEngine>();
        var tenant = new Tenant(t.OrganizationId, false);

        // ProcessAsync is what runs after the lease is claimed; calling it from four places at once is what a lost
        // lease would look like. The row lock and the invoice's unique billing key leave one renewal.
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            try
            {
                return await engine.ProcessAsync(tenant, ids[0], Utc(2027, 2, 10), "http://localhost", CancellationToken.None);
            }
            catch (DbUpdateException)
            {
                return BillingRun.None; // refused by the unique index: the loser bills nothing
            }
        }));

        Assert.Equal(1, results.Sum(r => r.InvoicesCreated));
        await AssertOneRenewalEach(t, ids);
    }

    [Fact]
    public async Task ADuplicateRenewalInvoice_IsRefusedByTheDatabase()
    {
        var (t, ids) = await DueSubscriptions(server, 1);
        await t.Api.ProcessBilling();
        await using var db = t.Db();
        var renewal = await db.Invoices.AsNoTracking().SingleAsync(i => i.SubscriptionId == ids[0] && i.PeriodStart == Utc(2027, 2, 10));

        db.Invoices.Add(new Invoice
        {
            Id = Domain.Ids.New(Domain.Ids.Invoice),
            OrganizationId = t.OrganizationId,
            CustomerId = renewal.CustomerId,
            SubscriptionId = renewal.SubscriptionId,
            Number = "INV-999999",
            Type = InvoiceTypes.Recurring,
            BillingKey = renewal.BillingKey,
        });

        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.True(DbErrors.IsUniqueViolation(ex));
    }
}

public sealed class ExactlyOnceTests_Sqlite(SqliteServer server) : ExactlyOnceTests<SqliteServer>(server);

public sealed class ExactlyOnceTests_Postgres(PostgresServer server) : ExactlyOnceTests<PostgresServer>(server);

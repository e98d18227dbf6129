using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>Webhook delivery across server processes: a process killed with SIGKILL, and two processes on one PostgreSQL.</summary>
public sealed class WebhookProcessTests : IAsyncLifetime
{
    private const string Key = "ck_test_webhook_nodes_00000000001";
    private readonly string database = "commet_whp_" + Guid.NewGuid().ToString("N")[..10];
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N"));
    private string connectionString = "";

    public async Task InitializeAsync()
    {
        await using var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
        await create.ExecuteNonQueryAsync();
        connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = database }.ToString();
        Directory.CreateDirectory(dataDir);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Dictionary<string, string> Environment(bool postgres, bool dispatcher, int leaseSeconds = 0) => new()
    {
        ["Commet__Webhooks__LeaseSeconds"] = leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [postgres ? "COMMET_DATABASE_URL" : "COMMET_DATA_DIR"] = postgres ? connectionString : dataDir,
        ["COMMET_BOOTSTRAP_SANDBOX_KEY"] = Key,
        ["Commet__Billing__Worker"] = "false",
        ["Commet__Webhooks__Dispatcher"] = dispatcher ? "true" : "false",
        ["Commet__Webhooks__PollMilliseconds"] = "20",
    };

    private CommetDb Db(bool postgres) => postgres
        ? new PostgresCommetDb(new DbContextOptionsBuilder<PostgresCommetDb>().UseNpgsql(connectionString).Options)
        : new SqliteCommetDb(new DbContextOptionsBuilder<SqliteCommetDb>().UseSqlite($"Data Source={Path.Combine(dataDir, "commet.db")}").Options);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KilledAfterCommit_BeforeDelivery_DeliversAfterRestart(bool postgres)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        string secret;
        string subscriptionId;
        // The first process commits the changes and their events, and is killed (SIGKILL) before it delivers any:
        // its dispatcher is off, so "after commit, before delivery" is certain rather than a race.
        await using (var first = await ServerProcess.StartAsync(Environment(postgres, dispatcher: false)))
        {
            var api = first.Client(Key);
            secret = (await api.PostJson("/api/v1/webhooks", new { url = receiver.Url.ToString(), events = new[] { "*" } }).Ok()).Str("secretKey");
            await api.Plan("basic", 4900);
            await api.Customer("kim");
            subscriptionId = (await api.Subscribe("kim", "basic")).Str("id");
        }
        Assert.Empty(receiver.Received);
        List<string> undelivered;
        await using (var db = Db(postgres))
        {
            undelivered = await db.Events.IgnoreQueryFilters().Where(e => e.DispatchedAt == null).Select(e => e.Id).ToListAsync();
        }
        Assert.Contains(undelivered, _ => true);

        await using var second = await ServerProcess.StartAsync(Environment(postgres, dispatcher: true));
        var ids = undelivered.Select(Commet.Server.Webhooks.WebhookDispatcher.MessageId).ToHashSet();
        var received = await receiver.WaitForAsync(r => ids.All(id => r.Any(x => x.Id == id)), "the events committed before the kill");
        Assert.Equal(ids.Count, received.Count);
        Assert.All(received, r => Assert.True(WebhookVerify.Both(r, secret)));
        Assert.Contains(received, r => r.Event == "subscription.created" && r.Json["data"]!.Str("subscriptionId") == subscriptionId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task KilledMidDelivery_AnotherStartRepeatsTheAttempt_AtLeastOnce(bool postgres)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string secret;
        HashSet<string> ids;
        // The dispatcher sends the events and the receiver holds every request open: the process is killed with the
        // attempts in flight, so no outcome was recorded. A 3-second lease lets the restarted process take them over.
        await using (var first = await ServerProcess.StartAsync(Environment(postgres, dispatcher: true, leaseSeconds: 3)))
        {
            var api = first.Client(Key);
            secret = (await api.PostJson("/api/v1/webhooks", new { url = receiver.Url.ToString(), events = new[] { "subscription.created" } }).Ok()).Str("secretKey");
            await api.Plan("basic", 4900);
            await api.Customer("lee");
            await api.Subscribe("lee", "basic");
            await using (var db = Db(postgres))
            {
                ids = (await db.Events.IgnoreQueryFilters().Where(e => e.Type == "subscription.created").Select(e => e.Id).ToListAsync())
                    .Select(Commet.Server.Webhooks.WebhookDispatcher.MessageId).ToHashSet();
            }
            await receiver.WaitForAsync(r => r.Count == ids.Count, "the attempt in flight");
        }
        receiver.Hold.SetResult();
        receiver.Hold = null;

        await using var second = await ServerProcess.StartAsync(Environment(postgres, dispatcher: true, leaseSeconds: 3));
        var received = await receiver.WaitForAsync(r => r.Count == 2 * ids.Count, "the repeated attempt");
        // At least once: the event the killed process had sent arrives again with the same webhook-id, and the repeat is
        // recorded as delivered. The bound seen: one repeat per attempt that was in flight at the kill.
        Assert.Equal(ids.Order(), received.Select(r => r.Id).Distinct().Order());
        Assert.All(received, r => Assert.True(WebhookVerify.Both(r, secret)));
        Assert.All(ids, id => Assert.Equal(2, received.Count(r => r.Id == id)));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var db = Db(postgres);
            if (await db.WebhookDeliveries.IgnoreQueryFilters().CountAsync(d => d.Status == WebhookDeliveryStatus.Succeeded) == ids.Count)
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "The repeated delivery was not recorded.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task TwoProcessesOnOnePostgres_DeliverEachEventOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var nodeA = await ServerProcess.StartAsync(Environment(postgres: true, dispatcher: true));
        await using var nodeB = await ServerProcess.StartAsync(Environment(postgres: true, dispatcher: true));
        var a = nodeA.Client(Key);
        var b = nodeB.Client(Key);
        var secret = (await a.PostJson("/api/v1/webhooks", new { url = receiver.Url.ToString(), events = new[] { "*" } }).Ok()).Str("secretKey");
        await a.Plan("basic", 4900);
        const int customers = 20;
        await Task.WhenAll(Enumerable.Range(0, customers).Select(async i =>
        {
            var api = i % 2 == 0 ? a : b;
            await api.Customer($"n{i}");
            await api.Subscribe($"n{i}", "basic");
        }));

        List<string> ids;
        await using (var db = Db(postgres: true))
        {
            ids = (await db.Events.IgnoreQueryFilters().Select(e => e.Id).ToListAsync()).Select(Commet.Server.Webhooks.WebhookDispatcher.MessageId).ToList();
        }
        await receiver.WaitForAsync(r => ids.All(id => r.Any(x => x.Id == id)), "every event");
        // Both dispatchers keep polling; once every delivery row is recorded as delivered, nothing more can be sent.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var db = Db(postgres: true);
            if (await db.WebhookDeliveries.IgnoreQueryFilters().CountAsync(d => d.Status == WebhookDeliveryStatus.Succeeded) == ids.Count)
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "Deliveries were not all recorded.");
            await Task.Delay(50);
        }

        // At least once allows a repeat when a node dies mid-delivery or a lease (70 s) runs out; neither happens here,
        // so the bound this run holds to is zero repeats: every event arrived exactly once.
        var received = receiver.Received;
        Assert.Equal(ids.Count, received.Count);
        Assert.Equal(ids.Order(), received.Select(r => r.Id).Order());
        Assert.All(received, r => Assert.True(WebhookVerify.Both(r, secret)));
        Assert.DoesNotContain("Unhandled", nodeA.Output + nodeB.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", nodeA.Output + nodeB.Output, StringComparison.Ordinal);
    }
}

using System.Text.Json.Nodes;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The idempotency-key lookup of usage ingestion (<see cref="TrackReads.RecordedEventsAsync"/>, also the first statement
/// of a cached group's read): it finds exactly the tenant's events recorded under the keys, and on PostgreSQL it is an
/// index probe per key whatever the plan (the earlier <c>= ANY(@keys)</c> form scanned the tenant's events).
/// </summary>
public abstract class UsageKeyLookupTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    protected TServer Server => server;

    protected static async Task<string> RecordAsync(HttpClient api, string customer, string key) =>
        (await api.PostJson("/api/v1/usage/events", new { customerId = customer, feature = "lk", value = 1, idempotencyKey = key }).Ok()).ToJsonString();

    protected static async Task SetUpAsync(HttpClient api, string customer)
    {
        await api.PostJson("/api/v1/features/manage", new { code = "lk", name = "lk", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "lk_plan", name = "lk_plan", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/lk_plan/prices", new { billingInterval = "monthly", price = 100, includedCredits = 100 }).Ok();
        await api.PostJson("/api/v1/plans/lk_plan/features", new { featureId = "lk", creditsPerUnit = 1 }).Ok();
        await api.Customer(customer);
        await api.Subscribe(customer, "lk_plan");
    }

    [Fact]
    public async Task RecordedEvents_AreTheTenantsOwnUnderTheGivenKeys()
    {
        var t = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        await SetUpAsync(t.Api, "lk_c");
        await SetUpAsync(other.Api, "lk_c");
        var run = Guid.NewGuid().ToString("N");
        string K(string name) => $"{run}-{name}";
        await RecordAsync(t.Api, "lk_c", K("a"));
        await RecordAsync(t.Api, "lk_c", K("b"));
        await RecordAsync(t.Api, "lk_c", K("c"));
        // The same key string recorded by another tenant is not this tenant's.
        await RecordAsync(other.Api, "lk_c", K("shared"));

        await using var db = t.Db();
        var ids = await db.UsageEvents.AsNoTracking().Where(e => e.IdempotencyKey != null && e.IdempotencyKey.StartsWith(run))
            .ToDictionaryAsync(e => e.IdempotencyKey!, e => e.Id);
        Assert.Equal(3, ids.Count);

        var seen = await db.RecordedEventsAsync(t.OrganizationId, false, [K("a"), K("c"), K("absent"), K("shared")], CancellationToken.None);

        Assert.Equal(new[] { K("a"), K("c") }, seen.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ids[K("a")], seen[K("a")].Id);
        Assert.Equal(ids[K("c")], seen[K("c")].Id);
        Assert.Equal(1m, seen[K("c")].Value);
    }
}

public sealed class UsageKeyLookupTests_Sqlite(SqliteServer server) : UsageKeyLookupTests<SqliteServer>(server);

public sealed class UsageKeyLookupTests_Postgres(PostgresServer server) : UsageKeyLookupTests<PostgresServer>(server)
{
    /// <summary>
    /// The lookup as a prepared statement with a generic plan (what Npgsql's automatic preparation ends with): every
    /// access to usage_events is a probe of the unique (OrganizationId, Livemode, IdempotencyKey) index with the key in
    /// the index condition, never a scan with the key as a filter.
    /// </summary>
    [Fact]
    public async Task Lookup_ProbesTheUniqueKeyIndex_InAGenericPlan()
    {
        var t = await Server.NewTenantAsync();
        await SetUpAsync(t.Api, "lk_g");
        for (var i = 0; i < 20; i++)
        {
            await RecordAsync(t.Api, "lk_g", $"g-{Guid.NewGuid():N}");
        }

        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var statement = TrackReads.RecordedKeysSql.Replace("@org", "$1").Replace("@live", "$2").Replace("@k", "$3");
        await using (var prepare = new NpgsqlCommand($"SET LOCAL plan_cache_mode = force_generic_plan; PREPARE lookup(text, boolean, text[]) AS {statement}", connection, tx))
        {
            await prepare.ExecuteNonQueryAsync();
        }
        // EXPLAIN takes no bind parameters: the tenant goes in as a literal (an ID the server generated).
        var org = t.OrganizationId.Replace("'", "''", StringComparison.Ordinal);
        await using var explain = new NpgsqlCommand($"EXPLAIN (FORMAT JSON) EXECUTE lookup('{org}', false, ARRAY['x', 'y', 'z'])", connection, tx);
        var plan = JsonNode.Parse((string)(await explain.ExecuteScalarAsync())!)![0]!["Plan"]!;

        var onEvents = QueryPlans.Nodes(plan).Where(n => (string?)n["Relation Name"] == "usage_events").ToList();
        Assert.NotEmpty(onEvents);
        foreach (var node in onEvents)
        {
            Assert.Contains((string)node["Node Type"]!, new[] { "Index Scan", "Index Only Scan" });
            Assert.Equal("IX_usage_events_OrganizationId_Livemode_IdempotencyKey", (string?)node["Index Name"]);
            Assert.Contains("IdempotencyKey", (string?)node["Index Cond"] ?? "");
            Assert.Null(node["Filter"]);
        }
    }
}

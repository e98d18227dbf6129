using System.Data.Common;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Commet.Domain.Usage;
using Commet.Server.Tests.Infrastructure;
using Commet.Server.Usage;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Tests;

/// <summary>
/// The dashboard's read of a customer's newest ledger entries (<see cref="LedgerQueries"/>): the right entries in the
/// right order over several subscriptions, and, with a subscription holding thousands of entries, an index range read
/// backwards from its end (the <c>(SubscriptionId, At)</c> index) instead of a sort of every entry it ever had.
/// </summary>
public abstract partial class LedgerQueriesTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static readonly DateTime Start = new(2027, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private static LedgerEntry Entry(TestTenant t, string id, string subscription, DateTime at) => new()
    {
        Id = id, OrganizationId = t.OrganizationId, Livemode = false, SubscriptionId = subscription, Kind = AccountKinds.Credits,
        Bucket = Buckets.Plan, Amount = -1, Reason = "usage", At = at,
    };

    [Fact]
    public async Task Newest_OverTwoSubscriptions_NewestFirst_TiesByIdDescending()
    {
        var t = await server.NewTenantAsync();
        var run = Guid.NewGuid().ToString("N")[..12];
        string Sub(string name) => $"sub_{run}_{name}";
        string Id(string name) => $"led_{run}_{name}";
        await using (var db = t.Db())
        {
            db.Ledger.AddRange(
                Entry(t, Id("a1"), Sub("a"), Start.AddMinutes(1)),
                Entry(t, Id("a2"), Sub("a"), Start.AddMinutes(4)),
                Entry(t, Id("a3"), Sub("a"), Start.AddMinutes(6)),
                Entry(t, Id("b1"), Sub("b"), Start.AddMinutes(2)),
                Entry(t, Id("b2"), Sub("b"), Start.AddMinutes(5)),
                // Same time as b2: the larger ID comes first, as the single query ordered them.
                Entry(t, Id("b3"), Sub("b"), Start.AddMinutes(5)),
                // Another subscription of the tenant, not asked for.
                Entry(t, Id("c1"), Sub("c"), Start.AddMinutes(9)));
            await db.SaveChangesAsync();
        }

        await using var read = t.Db();
        var newest = await LedgerQueries.NewestAsync(read, [Sub("a"), Sub("b"), Sub("a")], 4, CancellationToken.None);

        // By time: a3 (6), then b2 and b3 (5; b3 > b2), then a2 (4). Not c1 (another subscription), not a1 or b1 (older).
        Assert.Equal(new[] { Id("a3"), Id("b3"), Id("b2"), Id("a2") }, newest.Select(e => e.Id));
        Assert.Equal(new[] { Id("b3"), Id("b2") }, (await LedgerQueries.NewestAsync(read, [Sub("b")], 2, CancellationToken.None)).Select(e => e.Id));
        Assert.Empty(await LedgerQueries.NewestAsync(read, [], 4, CancellationToken.None));
    }

    /// <summary>Seeds one subscription with 4,000 entries and returns the plan of the query for its newest 11.</summary>
    protected async Task<string> PlanOfNewestAsync(Func<DbConnection, string, Task<string>> explain)
    {
        var t = await server.NewTenantAsync();
        var subscription = $"sub_{Guid.NewGuid():N}"[..30];
        await using var db = t.Db();
        db.Ledger.AddRange(Enumerable.Range(0, 4000).Select(i => Entry(t, $"led_{subscription}_{i:D5}", subscription, Start.AddSeconds(i))));
        await db.SaveChangesAsync();
        var sql = Inline(LedgerQueries.Newest(db, subscription, 11).ToQueryString());
        await db.Database.OpenConnectionAsync();
        return await explain(db.Database.GetDbConnection(), sql);
    }

    /// <summary>
    /// The SQL of <c>ToQueryString()</c> with its parameters written in as literals (a literal gives the planner what a
    /// custom plan of the prepared statement sees). Its leading lines name them: <c>-- @name='value'</c> from Npgsql,
    /// <c>.param set @name value</c> (already a literal) from SQLite.
    /// </summary>
    private static string Inline(string text)
    {
        var lines = text.Split('\n');
        static bool Declares(string line) => line.StartsWith("--", StringComparison.Ordinal) || line.StartsWith(".param", StringComparison.Ordinal);
        var literals = new Dictionary<string, string>();
        foreach (var line in lines.TakeWhile(Declares))
        {
            if (SqliteParameterLine().Match(line) is { Success: true } sqlite)
            {
                literals[sqlite.Groups[1].Value] = sqlite.Groups[2].Value.TrimEnd('\r');
                continue;
            }
            var m = NpgsqlParameterLine().Match(line);
            Assert.True(m.Success, $"unexpected parameter line: {line}");
            var value = m.Groups[2].Value;
            literals[m.Groups[1].Value] = value is "True" or "False" ? value.ToUpperInvariant()
                : long.TryParse(value, out _) ? value : $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
        }
        var sql = string.Join('\n', lines.SkipWhile(Declares));
        foreach (var (name, literal) in literals.OrderByDescending(v => v.Key.Length))
        {
            sql = sql.Replace("@" + name, literal, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("@", sql, StringComparison.Ordinal);
        return sql;
    }

    [GeneratedRegex(@"^-- @(\w+)='(.*)'( \(.*\))?\r?$")]
    private static partial Regex NpgsqlParameterLine();

    [GeneratedRegex(@"^\.param set @(\w+) (.*)$")]
    private static partial Regex SqliteParameterLine();
}

public sealed class LedgerQueriesTests_Sqlite(SqliteServer server) : LedgerQueriesTests<SqliteServer>(server)
{
    [Fact]
    public async Task Newest_SearchesTheSubscriptionAtIndex()
    {
        var plan = await PlanOfNewestAsync(async (connection, sql) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
            await using var reader = await command.ExecuteReaderAsync();
            var details = new List<string>();
            while (await reader.ReadAsync())
            {
                details.Add(reader.GetString(3));
            }
            return string.Join('\n', details);
        });

        // A search of the index on the subscription, read in time order; at most the ties on one time are sorted.
        Assert.Contains("SEARCH l USING INDEX IX_ledger_entries_SubscriptionId_At (SubscriptionId=?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("USE TEMP B-TREE FOR ORDER BY", plan, StringComparison.Ordinal);
    }
}

public sealed class LedgerQueriesTests_Postgres(PostgresServer server) : LedgerQueriesTests<PostgresServer>(server)
{
    [Fact]
    public async Task Newest_ReadsTheSubscriptionAtIndexBackwards_WithoutAFullSort()
    {
        var plan = await PlanOfNewestAsync(async (connection, sql) =>
        {
            await using (var analyze = connection.CreateCommand())
            {
                analyze.CommandText = "ANALYZE ledger_entries";
                await analyze.ExecuteNonQueryAsync();
            }
            await using var command = connection.CreateCommand();
            command.CommandText = "EXPLAIN (FORMAT JSON) " + sql;
            return (string)(await command.ExecuteScalarAsync())!;
        });

        var nodes = QueryPlans.Nodes(JsonNode.Parse(plan)![0]!["Plan"]!).ToList();
        var scan = Assert.Single(nodes, n => (string?)n["Relation Name"] == "ledger_entries");
        Assert.Equal("Index Scan", (string?)scan["Node Type"]);
        Assert.Equal("IX_ledger_entries_SubscriptionId_At", (string?)scan["Index Name"]);
        Assert.Equal("Backward", (string?)scan["Scan Direction"]);
        Assert.Contains("SubscriptionId", (string?)scan["Index Cond"] ?? "", StringComparison.Ordinal);
        // The ties on one time may be sorted (an incremental sort); a sort of all the subscription's entries may not.
        Assert.DoesNotContain(nodes, n => (string?)n["Node Type"] == "Sort");
    }
}

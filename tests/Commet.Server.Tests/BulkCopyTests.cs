using Commet.Domain.Usage;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Commet.Server.Tests;

/// <summary>
/// PostgreSQL: <see cref="BulkCopy.WriteAsync"/> encodes the rows in COPY's binary format itself. Each row it writes must
/// be the row EF Core's INSERT (Npgsql's own encoders) writes for the same entity: numerics of every shape, timestamps
/// before and after PostgreSQL's epoch and the infinities, text beyond ASCII, empty text and NULLs.
/// </summary>
public sealed class BulkCopyTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private static readonly decimal[] Values =
    [
        0m, 1m, 0.5m, 0.000001m, 1.10m, 10000m, 10000.0001m, 123456.789012m, 99999999.999999m, 1_000_000_000_000m,
        12345678901234567890.123456m, -2.5m, -0.000001m, 100000000m,
    ];

    private static readonly DateTime[] Times =
    [
        new DateTime(2026, 12, 1, 5, 30, 36, DateTimeKind.Utc).AddTicks(1234567),
        new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9999999),
        new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(15),
        DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc),
        DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc),
    ];

    private static readonly string?[] Texts = [null, "", "plain", "ñandú € 😀 \u00ff", new string('x', 255)];

    private static UsageEvent Event(string org, int i) => new()
    {
        Id = $"{org}_{i}",
        OrganizationId = org,
        Livemode = i % 2 == 0,
        CustomerId = "cus_" + i,
        SubscriptionId = i % 3 == 0 ? null : "sub_" + i,
        FeatureId = "ftr_" + i,
        FeatureCode = Texts[i % 4] ?? "code",
        Value = Values[i % Values.Length],
        Timestamp = Times[i % Times.Length],
        IdempotencyKey = Texts[(i + 1) % 4] is { } key ? key + i : null, // unique per organization and mode
        PropertiesJson = i % 4 == 0 ? null : "{\"k\":\"" + Texts[(i + 3) % Texts.Length] + "\"}",
        Kind = i % 5 == 0 ? "adjustment" : "event",
        PreviousValue = i % 2 == 0 ? null : Values[(i + 5) % Values.Length],
        Reason = Texts[(i + 2) % Texts.Length],
        CreatedAt = Times[(i + 1) % Times.Length],
    };

    private static LedgerEntry Entry(string org, int i) => new()
    {
        Id = $"{org}_l{i}",
        OrganizationId = org,
        Livemode = i % 2 == 1,
        SubscriptionId = "sub_" + i,
        Kind = "credits",
        Bucket = i % 2 == 0 ? "plan" : "purchased",
        Amount = new[] { 0L, -1L, 1L, long.MaxValue, long.MinValue, -123456789012L, 65536L }[i % 7],
        Reason = "usage",
        Reference = Texts[i % Texts.Length],
        Note = Texts[(i + 2) % Texts.Length],
        At = Times[i % Times.Length],
    };

    [Fact]
    public async Task CopiedRows_AreTheRowsAnInsertWrites()
    {
        const int n = 70; // every combination of the value lists above
        var factory = server.Services.GetRequiredService<IDbContextFactory<CommetDb>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.UsageEvents.AddRange(Enumerable.Range(0, n).Select(i => Event("org_inserted", i)));
            db.Ledger.AddRange(Enumerable.Range(0, n).Select(i => Entry("org_inserted", i)));
            await db.SaveChangesAsync();
        }
        await using (var db = await factory.CreateDbContextAsync())
        {
            await db.Database.OpenConnectionAsync();
            await using var tx = await db.Database.BeginTransactionAsync();
            var rows = new BulkCopy.Rows()
                .Add(db, Enumerable.Range(0, n).Select(i => Event("org_copied", i)).ToList())
                .Add(db, Enumerable.Range(0, n).Select(i => Entry("org_copied", i)).ToList());
            await BulkCopy.WriteAsync(db, rows, CancellationToken.None);
            await tx.CommitAsync();
        }

        await using var check = await factory.CreateDbContextAsync();
        // Every column but the organization (and the id, which names it), as PostgreSQL prints it.
        var events = await RowsAsync(check, """
            SELECT split_part("Id", '_', 3) AS "Key", "OrganizationId" AS "Org", ("Livemode", "CustomerId", "SubscriptionId", "FeatureId", "FeatureCode",
                "Value", "Timestamp", "IdempotencyKey", "PropertiesJson", "Kind", "PreviousValue", "Reason", "CreatedAt")::text AS "Text"
            FROM usage_events WHERE "OrganizationId" IN ('org_inserted', 'org_copied')
            """);
        var ledger = await RowsAsync(check, """
            SELECT split_part("Id", '_', 3) AS "Key", "OrganizationId" AS "Org", ("Livemode", "SubscriptionId", "Kind", "Bucket", "Amount", "Reason",
                "Reference", "Note", "At")::text AS "Text"
            FROM ledger_entries WHERE "OrganizationId" IN ('org_inserted', 'org_copied')
            """);
        foreach (var table in new[] { events, ledger })
        {
            Assert.Equal(n, table["org_inserted"].Count);
            Assert.Equal(table["org_inserted"], table["org_copied"]);
        }

        // And the values read back are the entities' (numeric(28,6) keeps these exactly; timestamps keep microseconds).
        var copied = await check.UsageEvents.IgnoreQueryFilters().AsNoTracking().Where(e => e.OrganizationId == "org_copied").ToListAsync();
        foreach (var e in copied)
        {
            var i = int.Parse(e.Id.Split('_')[2], System.Globalization.CultureInfo.InvariantCulture);
            var expected = Event("org_copied", i);
            Assert.Equal(expected.Value, e.Value);
            Assert.Equal(expected.PreviousValue, e.PreviousValue);
            Assert.Equal(Truncated(expected.Timestamp), e.Timestamp);
            Assert.Equal(expected.IdempotencyKey, e.IdempotencyKey);
            Assert.Equal(expected.PropertiesJson, e.PropertiesJson);
            Assert.Equal(expected.Reason, e.Reason);
        }
        Assert.Equal(12345678901234567890.123456m, copied.Single(e => e.Id == "org_copied_10").Value);
        Assert.Equal(-0.000001m, copied.Single(e => e.Id == "org_copied_12").Value);
        Assert.Equal(long.MinValue, (await check.Ledger.IgnoreQueryFilters().AsNoTracking().SingleAsync(e => e.Id == "org_copied_l4")).Amount);
    }

    [Fact]
    public async Task ADuplicateKey_FailsTheCopy_AsADbUpdateException()
    {
        var factory = server.Services.GetRequiredService<IDbContextFactory<CommetDb>>();
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var twice = new List<UsageEvent> { Event("org_dup", 1), Event("org_dup", 1) };
        await Assert.ThrowsAsync<DbUpdateException>(() => BulkCopy.WriteAsync(db, new BulkCopy.Rows().Add(db, twice), CancellationToken.None));
    }

    /// <summary>
    /// PostgreSQL keeps microseconds: Npgsql truncates the ticks toward its epoch (2000-01-01), so a time just before it
    /// reads back later; the infinities read back as the extremes.
    /// </summary>
    private static DateTime Truncated(DateTime t) =>
        t == DateTime.MinValue || t == DateTime.MaxValue ? t : new DateTime(t.Ticks - (t.Ticks - 630822816000000000) % 10, DateTimeKind.Utc);

    private static async Task<Dictionary<string, List<string>>> RowsAsync(CommetDb db, string sql)
    {
        var byOrg = new Dictionary<string, List<(int Key, string Text)>>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var key = int.Parse(reader.GetString(0).TrimStart('l'), System.Globalization.CultureInfo.InvariantCulture);
            var org = reader.GetString(1);
            (byOrg.TryGetValue(org, out var list) ? list : byOrg[org] = []).Add((key, reader.GetString(2)));
        }
        return byOrg.ToDictionary(kv => kv.Key, kv => kv.Value.OrderBy(r => r.Key).Select(r => r.Text).ToList());
    }
}

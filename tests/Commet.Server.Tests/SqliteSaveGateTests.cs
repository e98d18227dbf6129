using System.Net;
using Commet.Domain;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Commet.Server.Tests;

/// <summary>
/// On SQLite a save outside a transaction queues on the write gate (CommetDb.SaveChangesAsync) and gives it back whether it
/// succeeds or fails: concurrent creates, with and without Idempotency-Key, all answer, and a save that failed on a
/// unique index or on a concurrency check does not keep the next writer waiting. PostgreSQL runs the same requests
/// without the gate.
/// </summary>
public abstract class SqliteSaveGateTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TwentyCreatesOfOneCustomerAtOnce_OneRowAndEveryAnswerNamesIt()
    {
        var t = await server.NewTenantAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            t.Api.PostJson("/api/v1/customers", new { id = "same_one", email = "same@example.com" }))).WaitAsync(Bound);

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.Created, a.ToString()));
        Assert.Single(answers.Select(a => a.Data.Str("id")).Distinct());
        // The losers' saves failed on the unique index; a later write still goes through at once.
        var after = await t.Api.PostJson("/api/v1/customers", new { id = "after_race", email = "after@example.com" }).WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.Created, after.Status);
        await using var db = t.Db();
        Assert.Equal(1, await db.Customers.CountAsync(c => c.ExternalId == "same_one"));
    }

    [Fact]
    public async Task FortyCreatesWithTheirOwnIdempotencyKeys_AllCreatedAndReplayable()
    {
        var t = await server.NewTenantAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            t.Api.PostJson("/api/v1/customers", new { id = $"keyed_{i}", email = $"k{i}@example.com" }, idempotencyKey: $"create-{i}"))).WaitAsync(Bound);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        var replay = await t.Api.PostJson("/api/v1/customers", new { id = "keyed_7", email = "k7@example.com" }, idempotencyKey: "create-7");
        Assert.Equal(answers[7].Data.Str("id"), replay.Data.Str("id"));
        await using var db = t.Db();
        Assert.Equal(40, await db.Customers.CountAsync(c => c.ExternalId!.StartsWith("keyed_")));
    }

    [Fact]
    public async Task AFailedSaveOutsideATransaction_GivesTheGateBack()
    {
        var factory = server.Services.GetRequiredService<IDbContextFactory<CommetDb>>();
        var orgId = Ids.New(Ids.Organization);
        await using (var db = factory.CreateDbContext())
        {
            db.Organizations.Add(new Organization { Id = orgId, Name = "Gate", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }
        for (var i = 0; i < 3; i++)
        {
            await using var duplicate = factory.CreateDbContext();
            duplicate.Organizations.Add(new Organization { Id = orgId, Name = "Gate again", CreatedAt = DateTime.UtcNow });
            var failed = await Assert.ThrowsAsync<DbUpdateException>(() => duplicate.SaveChangesAsync().WaitAsync(Bound));
            Assert.True(DbErrors.IsUniqueViolation(failed), failed.ToString());
        }
        await using (var db = factory.CreateDbContext())
        {
            db.Organizations.Add(new Organization { Id = Ids.New(Ids.Organization), Name = "Next", CreatedAt = DateTime.UtcNow });
            Assert.Equal(1, await db.SaveChangesAsync().WaitAsync(Bound));
        }
    }
}

public sealed class SqliteSaveGateTests_Sqlite(SqliteServer server) : SqliteSaveGateTests<SqliteServer>(server);

public sealed class SqliteSaveGateTests_Postgres(PostgresServer server) : SqliteSaveGateTests<PostgresServer>(server);

/// <summary>
/// Every SQLite connection of the server has a busy handler: a statement that finds the write lock taken (by a write
/// outside the gate, or by another process) waits in SQLite's own handler, a few milliseconds at a time, instead of
/// failing and sleeping 150 ms in Microsoft.Data.Sqlite's retry loop while the writes queued behind it wait too.
/// </summary>
public sealed class SqliteBusyHandlerTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task ServerConnections_HaveABusyTimeout_OfMicrosoftDataSqlitesCommandTimeout()
    {
        await using var db = server.Services.GetRequiredService<IDbContextFactory<CommetDb>>().CreateDbContext();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout;";

        Assert.Equal(30_000L, (long)(await command.ExecuteScalarAsync())!);
    }
}

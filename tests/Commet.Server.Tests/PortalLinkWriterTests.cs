using System.Data.Common;
using System.Net;
using Commet.Server.Persistence;
using Commet.Server.Portal;
using Commet.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Commet.Server.Tests;

/// <summary>
/// Portal links are written in groups (<see cref="PortalLinkWriter"/>): links that queue while a group is written commit
/// together, each with its own answer, and a row that fails fails only its request.
/// </summary>
public abstract class PortalLinkWriterTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private PortalLinkWriter Writer => server.Services.GetRequiredService<PortalLinkWriter>();

    private static Task<ApiResponse> Link(TestTenant t, string customerId) =>
        t.Api.PostJson("/api/v1/portal/request-access", new { customerId });

    private async Task WaitForAsync(Func<(int Writing, int Waiting, long Groups, long GroupedLinks, int LargestGroup), bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition(Writer.Load()))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The link writer never got there ({what}): {Writer.Load()}");
            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Keeps every link write waiting until disposed: on SQLite the process's write gate (a group waits for it before it
    /// gathers its links), on PostgreSQL a transaction holding <c>portal_sessions</c> in SHARE mode (an insert, its links
    /// already gathered, waits for it).
    /// </summary>
    private async Task<IAsyncDisposable> HoldWritesAsync(CommetDb db)
    {
        if (server is PostgresServer pg)
        {
            var connection = new NpgsqlConnection(pg.ConnectionString);
            await connection.OpenAsync();
            var tx = await connection.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand("LOCK TABLE portal_sessions IN SHARE MODE", connection, tx))
            {
                await command.ExecuteNonQueryAsync();
            }
            return new Held(async () =>
            {
                await tx.RollbackAsync();
                await connection.DisposeAsync();
            });
        }
        var gate = await SqliteWriteGate.WaitAsync(db, CancellationToken.None) ?? throw new InvalidOperationException("No SQLite write gate.");
        return new Held(() =>
        {
            gate.Release();
            return Task.CompletedTask;
        });
    }

    private sealed class Held(Func<Task> release) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await release();
    }

    [Fact]
    public async Task LinksQueuedBehindAWrite_CommitAsOneGroup_EachWithItsOwnAnswer()
    {
        var t = await server.NewTenantAsync();
        var ann = await t.Api.Customer("ann", card: null);
        var bob = await t.Api.Customer("bob", card: null);
        var before = Writer.Load();

        Task<ApiResponse> first;
        Task<ApiResponse>[] queued;
        await using (var db = t.Db())
        {
            await using (await HoldWritesAsync(db))
            {
                // The first link leads and waits for the gate; five more queue behind it, one of them for nobody.
                first = Link(t, ann);
                await WaitForAsync(l => l.Writing == 1, "the first link is being written");
                queued = [Link(t, "ann"), Link(t, bob), Link(t, "nobody"), Link(t, "bob"), Link(t, ann)];
                await WaitForAsync(l => l.Waiting == 5, "five links wait behind it");
            }
        }
        ApiResponse[] answers = [await first, .. await Task.WhenAll(queued)];

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.OK],
            answers.Select(a => a.Status));
        Assert.Equal("customer_not_found", answers[3].ErrorCode);
        // SQLite gathers a group once it holds the gate, so the first link is in it; on PostgreSQL the first link was
        // already being inserted (alone) and the five behind it form the group.
        var after = Writer.Load();
        Assert.Equal(server is PostgresServer ? (1L, 5L) : (1L, 6L), (after.Groups - before.Groups, after.GroupedLinks - before.GroupedLinks));

        // Each link is stored once, for the customer it was asked for, and opens that customer's portal once.
        string?[] owners = [ann, ann, bob, null, bob, ann];
        await using var check = t.Db();
        Assert.Equal(5, await check.PortalSessions.IgnoreQueryFilters().CountAsync(s => s.OrganizationId == t.OrganizationId));
        for (var i = 0; i < answers.Length; i++)
        {
            if (owners[i] is not { } owner)
            {
                continue;
            }
            var url = answers[i].Data["portalUrl"]!.GetValue<string>();
            var hash = PortalTokens.Hash(url[(url.IndexOf(RequestAccess.AccessPath, StringComparison.Ordinal) + RequestAccess.AccessPath.Length)..]);
            Assert.Equal(owner, (await check.PortalSessions.AsNoTracking().SingleAsync(s => s.LinkHash == hash)).CustomerId);
            using var browser = new PortalClient(server.BaseAddress);
            Assert.Equal((HttpStatusCode.Found, "/portal"), ((await browser.GetAsync(url)).Status, browser.Last!.Location));
        }
    }

    [Fact]
    public async Task ARowThatFailsInAGroup_FailsOnlyItsOwnRequest()
    {
        var t = await server.NewTenantAsync();
        var ann = await t.Api.Customer("ann", card: null);
        var before = Writer.Load();
        var now = DateTime.UtcNow;
        PortalLinkRow Row(string id) =>
            new(id, t.OrganizationId, false, ann, PortalTokens.Hash(PortalTokens.New()), null, null, now, now.AddHours(2), 7200, now.AddDays(1));
        var unique = Guid.NewGuid().ToString("N");
        var (taken, second, last) = ($"pts_a{unique}", $"pts_b{unique}", $"pts_c{unique}");
        var clashing = Row(taken);

        Task<bool> leader, next, clash, tail;
        await using var db = t.Db();
        await using (await HoldWritesAsync(db))
        {
            leader = Writer.InsertAsync(db, Row(taken));
            await WaitForAsync(l => l.Writing == 1, "the first row is being written");
            // The third row reuses the first row's ID: its insert fails inside the group's transaction.
            (next, clash, tail) = (Writer.InsertAsync(db, Row(second)), Writer.InsertAsync(db, clashing), Writer.InsertAsync(db, Row(last)));
            await WaitForAsync(l => l.Waiting == 3, "three rows wait behind it");
        }

        Assert.True(await leader);
        Assert.True(await next);
        Assert.True(await tail);
        var refused = await Assert.ThrowsAnyAsync<DbException>(() => clash);
        Assert.True(refused is SqliteException { SqliteErrorCode: 19 } or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation },
            $"Not a unique violation: {refused}"); // 19: SQLITE_CONSTRAINT
        // The group's write stored nothing and its rows were written one by one: no group was committed.
        Assert.Equal(before.Groups, Writer.Load().Groups);
        var stored = await db.PortalSessions.AsNoTracking().Where(s => s.Id.EndsWith(unique)).OrderBy(s => s.Id).Select(s => new { s.Id, s.LinkHash }).ToListAsync();
        Assert.Equal([taken, second, last], stored.Select(s => s.Id));
        Assert.NotEqual(clashing.LinkHash, stored[0].LinkHash);
    }
}

public sealed class PortalLinkWriterTests_Sqlite(SqliteServer server) : PortalLinkWriterTests<SqliteServer>(server);

public sealed class PortalLinkWriterTests_Postgres(PostgresServer server) : PortalLinkWriterTests<PostgresServer>(server);

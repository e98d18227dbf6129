using System.Net;
using Commet.Server.Persistence;
using Commet.Server.Portal;
using Commet.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Commet.Server.Tests;

/// <summary>
/// SQLite's portal links are written in groups on one connection (<see cref="SqliteLinkWriter"/>): links that queue
/// while a group is written commit together, each with its own answer, and a row that fails fails only its request.
/// </summary>
public sealed class SqliteLinkWriterTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private SqliteLinkWriter Writer => server.Services.GetRequiredService<SqliteLinkWriter>();

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

    /// <summary>Holds the process's SQLite write gate (every group waits for it) until disposed.</summary>
    private static async Task<IDisposable> HoldGateAsync(CommetDb db) =>
        new Held(await SqliteWriteGate.WaitAsync(db, CancellationToken.None) ?? throw new InvalidOperationException("No SQLite write gate."));

    private sealed class Held(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
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
            using (await HoldGateAsync(db))
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
        var after = Writer.Load();
        Assert.Equal((1L, 6L), (after.Groups - before.Groups, after.GroupedLinks - before.GroupedLinks));

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
        using (await HoldGateAsync(db))
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
        var refused = await Assert.ThrowsAsync<SqliteException>(() => clash);
        Assert.Equal(19, refused.SqliteErrorCode); // SQLITE_CONSTRAINT
        // The group's transaction was rolled back and its rows written one by one: no group was committed.
        Assert.Equal(before.Groups, Writer.Load().Groups);
        var stored = await db.PortalSessions.AsNoTracking().Where(s => s.Id.EndsWith(unique)).OrderBy(s => s.Id).Select(s => new { s.Id, s.LinkHash }).ToListAsync();
        Assert.Equal([taken, second, last], stored.Select(s => s.Id));
        Assert.NotEqual(clashing.LinkHash, stored[0].LinkHash);
    }
}

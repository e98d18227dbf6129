using System.Collections.Concurrent;
using Commet.Server.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace Commet.Server.Portal;

/// <summary>A portal link to store: the row <see cref="CommetDb.InsertPortalLinkAsync"/> writes.</summary>
public sealed record PortalLinkRow(string Id, string OrganizationId, bool Livemode, string CustomerKey, string LinkHash, string? ReturnUrl,
    string? Locale, DateTime Now, DateTime LinkExpiresAt, int IdleTimeoutSeconds, DateTime AbsoluteExpiresAt);

/// <summary>
/// Portal links (the API's request-access by customer ID) are written in groups. A link request that arrives while
/// another group of its database is being written waits; when that write ends, the first waiting request takes every
/// link waiting (up to <see cref="MaxGroup"/>) and writes them together. There is no timer: a lone request is written
/// at once, as a group of one. Each request answers only after its row has committed, and each gets its own answer
/// (its customer found or not). When a group's write fails, nothing of it is kept and its links are written again one
/// by one, so a failing row fails only its own request.
/// <list type="bullet">
/// <item>SQLite: on one connection kept for links, in one transaction per group (under the process's write gate).
/// Every link is a write and SQLite has one writer: written one by one on pooled connections, each link was a commit of
/// its own, and each connection read again the pages another connection's commit had made stale. One connection keeps
/// its page cache across its own commits; one commit per group writes each touched page once.</item>
/// <item>PostgreSQL: on the leading request's pooled connection, in one statement per group
/// (<see cref="CommetDb.InsertPortalLinksAsync"/>): one round trip, one statement and one commit for the group.</item>
/// </list>
/// </summary>
public sealed class PortalLinkWriter : IDisposable
{
    public const int MaxGroup = 64;

    private sealed class Pending(PortalLinkRow row)
    {
        public PortalLinkRow Row { get; } = row;

        /// <summary>True when the customer was found and the row committed; an exception when its write failed.</summary>
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set when this waiting request is to write the next group.</summary>
        public TaskCompletionSource Lead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The queue of one database, and (SQLite) the connection its groups are written on.</summary>
    private sealed class Lane(string connectionString)
    {
        public string ConnectionString { get; } = connectionString;
        public Queue<Pending> Waiting { get; } = new();
        public bool Writing { get; set; }
        public SqliteConnection? Connection { get; set; }
    }

    private readonly ConcurrentDictionary<string, Lane> lanes = new(StringComparer.Ordinal);
    private long groups;
    private long groupedLinks;
    private int largestGroup;
    private bool disposed;

    /// <summary>
    /// What the writer is doing now (groups being written, requests waiting, over every database) and has done: groups of
    /// two or more links committed, the links in them, and the largest group.
    /// </summary>
    internal (int Writing, int Waiting, long Groups, long GroupedLinks, int LargestGroup) Load()
    {
        int writing = 0, waiting = 0;
        foreach (var lane in lanes.Values)
        {
            lock (lane)
            {
                writing += lane.Writing ? 1 : 0;
                waiting += lane.Waiting.Count;
            }
        }
        return (writing, waiting, Interlocked.Read(ref groups), Interlocked.Read(ref groupedLinks), Volatile.Read(ref largestGroup));
    }

    /// <summary>
    /// Stores <paramref name="row"/> once it has committed: true, or false when the tenant has no customer with its key.
    /// <paramref name="db"/> names the database (its connection is not used). Not cancelled once queued: the request's
    /// row may be in a group another request is writing.
    /// </summary>
    public async Task<bool> InsertAsync(CommetDb db, PortalLinkRow row)
    {
        var connectionString = db.Database.GetConnectionString() ?? throw new InvalidOperationException("The database has no connection string.");
        var lane = lanes.GetOrAdd(connectionString, static c => new Lane(c));
        var me = new Pending(row);
        bool lead;
        lock (lane)
        {
            lead = !lane.Writing;
            if (lead)
            {
                lane.Writing = true;
            }
            else
            {
                lane.Waiting.Enqueue(me);
            }
        }
        if (!lead && await Task.WhenAny(me.Done.Task, me.Lead.Task) == me.Done.Task)
        {
            return await me.Done.Task;
        }

        try
        {
            await WriteGroupAsync(db, lane, me);
        }
        finally
        {
            lock (lane)
            {
                if (lane.Waiting.TryDequeue(out var next))
                {
                    next.Lead.TrySetResult();
                }
                else
                {
                    lane.Writing = false;
                    if (disposed)
                    {
                        lane.Connection?.Dispose();
                        lane.Connection = null;
                    }
                }
            }
        }
        return await me.Done.Task;
    }

    /// <summary>Writes <paramref name="leader"/>'s row with every link that has queued up to the moment it can write.</summary>
    private async Task WriteGroupAsync(CommetDb db, Lane lane, Pending leader)
    {
        if (db.IsPostgres)
        {
            await WritePostgresAsync(db, Gather(lane, leader));
            return;
        }
        // The gate every SQLite writer of this process queues on: the group's transaction does not wait on SQLite's lock.
        using var gate = await SqliteWriteGate.EnterAsync(db, CancellationToken.None);
        WriteSqlite(lane, Gather(lane, leader));
    }

    private static List<Pending> Gather(Lane lane, Pending leader)
    {
        var group = new List<Pending> { leader };
        lock (lane)
        {
            while (group.Count < MaxGroup && lane.Waiting.TryDequeue(out var next))
            {
                group.Add(next);
            }
        }
        return group;
    }

    private void Counted(int size)
    {
        Interlocked.Increment(ref groups);
        Interlocked.Add(ref groupedLinks, size);
        if (size > Volatile.Read(ref largestGroup))
        {
            Volatile.Write(ref largestGroup, size);
        }
    }

    /// <summary>PostgreSQL: one statement for the group (all rows or none), or the single-row statement for a group of one.</summary>
    private async Task WritePostgresAsync(CommetDb db, List<Pending> group)
    {
        if (group.Count > 1)
        {
            try
            {
                var stored = await db.InsertPortalLinksAsync(group.Select(p => p.Row).ToList(), CancellationToken.None);
                foreach (var p in group)
                {
                    p.Done.TrySetResult(stored.Contains(p.Row.Id));
                }
                Counted(group.Count);
                return;
            }
            catch (Exception)
            {
                // The statement stored nothing: each link again, on its own.
            }
        }
        foreach (var p in group)
        {
            try
            {
                p.Done.TrySetResult(await db.InsertPortalLinkAsync(p.Row, CancellationToken.None));
            }
            catch (Exception e)
            {
                p.Done.TrySetException(e);
            }
        }
    }

    /// <summary>SQLite: one transaction for the group on the lane's connection, or an autocommit insert for a group of one.</summary>
    private void WriteSqlite(Lane lane, List<Pending> group)
    {
        try
        {
            var connection = lane.Connection ??= Open(lane.ConnectionString);
            if (group.Count == 1)
            {
                group[0].Done.TrySetResult(Insert(connection, group[0].Row));
                return;
            }
            var stored = new bool[group.Count];
            Execute(connection, "BEGIN IMMEDIATE;");
            for (var i = 0; i < group.Count; i++)
            {
                stored[i] = Insert(connection, group[i].Row);
            }
            Execute(connection, "COMMIT;");
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Done.TrySetResult(stored[i]);
            }
            Counted(group.Count);
        }
        catch (Exception) when (group.Count > 1)
        {
            // Nothing of the group is kept (rolled back, or the connection dropped): each link again, in a transaction of its own.
            Reset(lane);
            foreach (var p in group)
            {
                try
                {
                    p.Done.TrySetResult(Insert(lane.Connection ??= Open(lane.ConnectionString), p.Row));
                }
                catch (Exception e)
                {
                    Reset(lane);
                    p.Done.TrySetException(e);
                }
            }
        }
        catch (Exception e)
        {
            Reset(lane);
            group[0].Done.TrySetException(e);
        }
    }

    /// <summary>Rolls back what is open and drops the connection: the next write opens a fresh one.</summary>
    private static void Reset(Lane lane)
    {
        if (lane.Connection is not { } connection)
        {
            return;
        }
        lane.Connection = null;
        try
        {
            if (connection.Handle is { } handle && raw.sqlite3_get_autocommit(handle) == 0)
            {
                Execute(connection, "ROLLBACK;");
            }
        }
        catch (Exception)
        {
            // The connection is dropped either way; SQLite rolls back what it still holds when it closes.
        }
        connection.Dispose();
    }

    /// <summary>One statement: the customer found and the row stored together; false when there is no such customer.</summary>
    private static bool Insert(SqliteConnection connection, PortalLinkRow r) => CommetDb.InsertPortalLinkSqlite(connection, r);

    private SqliteConnection Open(string connectionString)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = SqlitePragmas.For(backgroundCheckpoints: true);
        pragmas.ExecuteNonQuery();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        var stmt = SqliteStatements.Get(connection, sql);
        try
        {
            while (SqliteStatements.Step(connection, stmt, connection.DefaultTimeout))
            {
            }
        }
        finally
        {
            SqliteStatements.Reset(stmt);
        }
    }

    public void Dispose()
    {
        disposed = true;
        foreach (var lane in lanes.Values)
        {
            lock (lane)
            {
                if (!lane.Writing)
                {
                    lane.Connection?.Dispose();
                    lane.Connection = null;
                }
            }
        }
    }
}

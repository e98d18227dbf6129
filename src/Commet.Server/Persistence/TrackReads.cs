using System.Data.Common;
using Commet.Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Commet.Server.Persistence;

/// <summary>
/// What a single usage event reads before it is applied, named by what the caller already knows: the tenant, the
/// event's idempotency key, and (when the customer's resolution is cached) the subscription, feature, allowance
/// window, day and account kind. Without a subscription only the catalog version and the key are read.
/// </summary>
public sealed record TrackKeys(string OrganizationId, bool Livemode, string? IdempotencyKey,
    string? SubscriptionId = null, string? FeatureId = null, DateTime WindowStart = default, DateTime Day = default, string? AccountKind = null);

/// <summary>
/// What <see cref="TrackReads.ReadForTrackAsync"/> found: the catalog version, the event already recorded under the
/// key, the subscription's status and concurrency version (locked), and the counter, daily row and account the event
/// will move (the account locked). The rows are not tracked; the caller attaches those it keeps.
/// </summary>
public sealed record TrackRows(long CatalogVersion, string? DuplicateEventId, string? SubscriptionStatus, long? SubscriptionVersion,
    UsageCounter? Counter, UsageDaily? Daily, ConsumptionAccount? Account, DateTime? Clock = null);

/// <summary>What a group of single events with cached resolutions names for <see cref="TrackReads.ReadForGroupAsync"/>.</summary>
public sealed class GroupKeys(string organizationId, bool livemode)
{
    public string OrganizationId { get; } = organizationId;
    public bool Livemode { get; } = livemode;
    public List<string> IdempotencyKeys { get; } = [];
    public HashSet<string> SubscriptionIds { get; } = new(StringComparer.Ordinal);
    public List<(string SubscriptionId, string FeatureId, DateTime WindowStart)> Counters { get; } = [];
    public List<(string SubscriptionId, string FeatureId, DateTime Day)> Daily { get; } = [];
    public List<(string SubscriptionId, string Kind)> Accounts { get; } = [];

    /// <summary>Read the organization's test clock first (<see cref="GroupRows.Clock"/>).</summary>
    public bool ReadClock { get; set; }
}

/// <summary>
/// What <see cref="TrackReads.ReadForGroupAsync"/> found: the catalog version, the keys already recorded (key → event
/// ID), each subscription's status and version (locked), and the counters, daily rows and accounts that exist.
/// </summary>
public sealed class GroupRows
{
    public long CatalogVersion { get; set; }
    public Dictionary<string, string> RecordedKeys { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, (string Status, long Version)> Subscriptions { get; } = new(StringComparer.Ordinal);
    public Dictionary<(string, string, DateTime), UsageCounter> Counters { get; } = [];
    public Dictionary<(string, string, DateTime), UsageDaily> Daily { get; } = [];
    public Dictionary<(string, string), ConsumptionAccount> Accounts { get; } = [];

    /// <summary>The test clock's time when <see cref="GroupKeys.ReadClock"/> asked for it (null: none set, or not asked).</summary>
    public DateTime? Clock { get; set; }
}

public static class TrackReads
{
    /// <summary>The organization's test clock, as the first statement of a read (parameter <c>@org</c>).</summary>
    private const string TestClockStatement = """SELECT "SimulatedTime" FROM test_clocks WHERE "OrganizationId" = @org;""";

    /// <summary>
    /// One round trip (one command of several statements) inside the open transaction: the catalog version first,
    /// then the idempotency key, then the subscription row locked (PostgreSQL <c>FOR UPDATE</c>; SQLite's single
    /// writer already excludes the others), then, under that lock, the counter, the daily row and the account (locked
    /// too). Statements run in that order, each seeing what committed before it, so the rows read after the lock are
    /// the ones the previous holder left. With <paramref name="readClock"/> the organization's test clock comes first
    /// (<see cref="TrackRows.Clock"/>, null when none is set), so that a sandbox event needs no read of its own for it.
    /// </summary>
    public static async Task<TrackRows> ReadForTrackAsync(this CommetDb db, TrackKeys k, CancellationToken ct, bool readClock = false)
    {
        var tx = db.Database.CurrentTransaction ?? throw new InvalidOperationException("ReadForTrackAsync runs inside a transaction.");
        var forUpdate = db.IsPostgres ? " FOR UPDATE" : "";
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = tx.GetDbTransaction();
        var sql = new System.Text.StringBuilder();
        Add(command, "org", k.OrganizationId);
        Add(command, "live", k.Livemode);
        if (readClock)
        {
            sql.Append(TestClockStatement).Append('\n');
        }
        sql.Append("""SELECT "Version" FROM catalog_versions WHERE "OrganizationId" = @org AND "Livemode" = @live;""").Append('\n');
        if (k.IdempotencyKey is not null)
        {
            Add(command, "key", k.IdempotencyKey);
            sql.Append("""SELECT "Id" FROM usage_events WHERE "OrganizationId" = @org AND "Livemode" = @live AND "IdempotencyKey" = @key;""").Append('\n');
        }
        var withSubscription = k.SubscriptionId is not null;
        if (withSubscription)
        {
            Add(command, "sub", k.SubscriptionId!);
            sql.Append("""SELECT "Status", "Version" FROM subscriptions WHERE "Id" = @sub AND "OrganizationId" = @org AND "Livemode" = @live""" + forUpdate + ";").Append('\n');
        }
        var withFeature = withSubscription && k.FeatureId is not null;
        if (withFeature)
        {
            Add(command, "feature", k.FeatureId!);
            Add(command, "window", k.WindowStart);
            Add(command, "day", k.Day);
            sql.Append("""SELECT "Quantity", "UpdatedAt" FROM usage_counters WHERE "SubscriptionId" = @sub AND "FeatureId" = @feature AND "WindowStart" = @window;""").Append('\n');
            sql.Append("""SELECT "Quantity" FROM usage_daily WHERE "SubscriptionId" = @sub AND "FeatureId" = @feature AND "Day" = @day;""").Append('\n');
        }
        var withAccount = withSubscription && k.AccountKind is not null;
        if (withAccount)
        {
            Add(command, "kind", k.AccountKind!);
            sql.Append("""SELECT "PlanAmount", "PurchasedAmount", "Allowance", "WindowStart", "UpdatedAt", "RefillLevel" FROM consumption_accounts WHERE "SubscriptionId" = @sub AND "Kind" = @kind""" + forUpdate + ";").Append('\n');
        }
        command.CommandText = sql.ToString();
        RoundTripMeter.Of(db)?.Add();

        await using var reader = await command.ExecuteReaderAsync(ct);
        DateTime? clock = null;
        if (readClock)
        {
            if (await reader.ReadAsync(ct) && !reader.IsDBNull(0))
            {
                clock = Utc(reader.GetDateTime(0));
            }
            await reader.NextResultAsync(ct);
        }
        long catalog = await reader.ReadAsync(ct) ? reader.GetInt64(0) : 0;
        string? duplicate = null;
        if (k.IdempotencyKey is not null)
        {
            await reader.NextResultAsync(ct);
            duplicate = await reader.ReadAsync(ct) ? reader.GetString(0) : null;
        }
        string? status = null;
        long? version = null;
        if (withSubscription)
        {
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                status = reader.GetString(0);
                version = reader.GetInt64(1);
            }
        }
        UsageCounter? counter = null;
        UsageDaily? daily = null;
        if (withFeature)
        {
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                counter = new UsageCounter
                {
                    SubscriptionId = k.SubscriptionId!, FeatureId = k.FeatureId!, WindowStart = k.WindowStart,
                    Quantity = reader.GetDecimal(0), UpdatedAt = Utc(reader.GetDateTime(1)),
                };
            }
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                daily = new UsageDaily { SubscriptionId = k.SubscriptionId!, FeatureId = k.FeatureId!, Day = k.Day, Quantity = reader.GetDecimal(0) };
            }
        }
        ConsumptionAccount? account = null;
        if (withAccount)
        {
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                account = new ConsumptionAccount
                {
                    SubscriptionId = k.SubscriptionId!, Kind = k.AccountKind!,
                    PlanAmount = reader.GetInt64(0), PurchasedAmount = reader.GetInt64(1), Allowance = reader.GetInt64(2),
                    WindowStart = Utc(reader.GetDateTime(3)), UpdatedAt = Utc(reader.GetDateTime(4)),
                    RefillLevel = reader.GetInt64(5),
                };
            }
        }
        return new TrackRows(catalog, duplicate, status, version, counter, daily, account, clock);
    }

    /// <summary>
    /// The group-commit variant of <see cref="ReadForTrackAsync"/>: one round trip (one command of up to six statements,
    /// each set-based) for the events of a group whose customers' resolutions are cached. In order: the catalog version;
    /// the idempotency keys already recorded; the subscriptions locked in Id order (the order every other multi-row lock
    /// of subscriptions takes, so two groups or batches wait for each other instead of deadlocking); then, under those
    /// locks, the counters, the daily rows, and the accounts (locked, in key order). Rows are not tracked. With
    /// <see cref="GroupKeys.ReadClock"/> the organization's test clock comes first, as in <see cref="ReadForTrackAsync"/>.
    /// </summary>
    public static async Task<GroupRows> ReadForGroupAsync(this CommetDb db, GroupKeys k, CancellationToken ct)
    {
        var tx = db.Database.CurrentTransaction ?? throw new InvalidOperationException("ReadForGroupAsync runs inside a transaction.");
        var pg = db.IsPostgres;
        var forUpdate = pg ? " FOR UPDATE" : "";
        var connection = db.Database.GetDbConnection();
        // PostgreSQL: every statement in one command (one round trip). SQLite: one command per statement, run in the same
        // order: Microsoft.Data.Sqlite binds every parameter of a command to every statement in it (a name lookup each),
        // which for a group of 30 events was hundreds of parameters times six statements inside the single writer's turn.
        var commands = new List<(DbCommand Command, System.Text.StringBuilder Sql)>();
        (DbCommand Command, System.Text.StringBuilder Sql) Statement()
        {
            if (pg && commands.Count > 0)
            {
                return commands[0];
            }
            var command = connection.CreateCommand();
            command.Transaction = tx.GetDbTransaction();
            Add(command, "org", k.OrganizationId);
            Add(command, "live", k.Livemode);
            commands.Add((command, new System.Text.StringBuilder(256)));
            return commands[^1];
        }
        try
        {
            var (c, sql) = Statement();
            if (k.ReadClock)
            {
                sql.Append(TestClockStatement).Append('\n');
                (c, sql) = Statement();
            }
            sql.Append("""SELECT "Version" FROM catalog_versions WHERE "OrganizationId" = @org AND "Livemode" = @live;""").Append('\n');
            if (k.IdempotencyKeys.Count > 0)
            {
                (c, sql) = Statement();
                AppendRecordedKeys(db, c, sql, k.IdempotencyKeys);
            }
            var subscriptions = k.SubscriptionIds.Order(StringComparer.Ordinal).ToList();
            (c, sql) = Statement();
            sql.Append("""SELECT "Id", "Status", "Version" FROM subscriptions WHERE "OrganizationId" = @org AND "Livemode" = @live AND "Id" """);
            AppendIn(db, c, sql, ["s"], [subscriptions.ToArray()]);
            sql.Append(""" ORDER BY "Id" """).Append(forUpdate).Append(";\n");
            if (k.Counters.Count > 0)
            {
                (c, sql) = Statement();
                sql.Append("""SELECT "SubscriptionId", "FeatureId", "WindowStart", "Quantity", "UpdatedAt" FROM usage_counters WHERE ("SubscriptionId", "FeatureId", "WindowStart") """);
                AppendIn(db, c, sql, ["cs", "cf", "cw"],
                    [k.Counters.Select(x => x.SubscriptionId).ToArray(), k.Counters.Select(x => x.FeatureId).ToArray(), k.Counters.Select(x => x.WindowStart).ToArray()]);
                sql.Append(";\n");
            }
            if (k.Daily.Count > 0)
            {
                (c, sql) = Statement();
                sql.Append("""SELECT "SubscriptionId", "FeatureId", "Day", "Quantity" FROM usage_daily WHERE ("SubscriptionId", "FeatureId", "Day") """);
                AppendIn(db, c, sql, ["ds", "df", "dd"],
                    [k.Daily.Select(d => d.SubscriptionId).ToArray(), k.Daily.Select(d => d.FeatureId).ToArray(), k.Daily.Select(d => d.Day).ToArray()]);
                sql.Append(";\n");
            }
            var accounts = k.Accounts.OrderBy(a => a.SubscriptionId, StringComparer.Ordinal).ThenBy(a => a.Kind, StringComparer.Ordinal).ToList();
            if (accounts.Count > 0)
            {
                (c, sql) = Statement();
                sql.Append("""SELECT "SubscriptionId", "Kind", "PlanAmount", "PurchasedAmount", "Allowance", "WindowStart", "UpdatedAt", "RefillLevel" FROM consumption_accounts WHERE ("SubscriptionId", "Kind") """);
                AppendIn(db, c, sql, ["as", "ak"], [accounts.Select(a => a.SubscriptionId).ToArray(), accounts.Select(a => a.Kind).ToArray()]);
                sql.Append(""" ORDER BY "SubscriptionId", "Kind" """).Append(forUpdate).Append(";\n");
            }
            foreach (var (command, text) in commands)
            {
                command.CommandText = text.ToString();
                RoundTripMeter.Of(db)?.Add();
            }

            var rows = new GroupRows();
            DbDataReader? reader = null;
            var next = 0;
            // The next statement's rows: the command's next result on PostgreSQL, the next command's on SQLite.
            async Task<DbDataReader> NextAsync()
            {
                if (reader is not null && pg)
                {
                    await reader.NextResultAsync(ct);
                    return reader;
                }
                if (reader is not null)
                {
                    await reader.DisposeAsync();
                }
                reader = await commands[next++].Command.ExecuteReaderAsync(ct);
                return reader;
            }
            try
            {
                var r = await NextAsync();
                if (k.ReadClock)
                {
                    rows.Clock = await r.ReadAsync(ct) && !r.IsDBNull(0) ? Utc(r.GetDateTime(0)) : null;
                    r = await NextAsync();
                }
                rows.CatalogVersion = await r.ReadAsync(ct) ? r.GetInt64(0) : 0;
                if (k.IdempotencyKeys.Count > 0)
                {
                    r = await NextAsync();
                    while (await r.ReadAsync(ct))
                    {
                        if (!r.IsDBNull(1))
                        {
                            rows.RecordedKeys[r.GetString(0)] = r.GetString(1);
                        }
                    }
                }
                r = await NextAsync();
                while (await r.ReadAsync(ct))
                {
                    rows.Subscriptions[r.GetString(0)] = (r.GetString(1), r.GetInt64(2));
                }
                if (k.Counters.Count > 0)
                {
                    r = await NextAsync();
                    while (await r.ReadAsync(ct))
                    {
                        var counter = new UsageCounter
                        {
                            SubscriptionId = r.GetString(0), FeatureId = r.GetString(1), WindowStart = Utc(r.GetDateTime(2)),
                            Quantity = r.GetDecimal(3), UpdatedAt = Utc(r.GetDateTime(4)),
                        };
                        rows.Counters[(counter.SubscriptionId, counter.FeatureId, counter.WindowStart)] = counter;
                    }
                }
                if (k.Daily.Count > 0)
                {
                    r = await NextAsync();
                    while (await r.ReadAsync(ct))
                    {
                        var d = new UsageDaily { SubscriptionId = r.GetString(0), FeatureId = r.GetString(1), Day = Utc(r.GetDateTime(2)), Quantity = r.GetDecimal(3) };
                        rows.Daily[(d.SubscriptionId, d.FeatureId, d.Day)] = d;
                    }
                }
                if (accounts.Count > 0)
                {
                    r = await NextAsync();
                    while (await r.ReadAsync(ct))
                    {
                        var a = new ConsumptionAccount
                        {
                            SubscriptionId = r.GetString(0), Kind = r.GetString(1),
                            PlanAmount = r.GetInt64(2), PurchasedAmount = r.GetInt64(3), Allowance = r.GetInt64(4),
                            WindowStart = Utc(r.GetDateTime(5)), UpdatedAt = Utc(r.GetDateTime(6)), RefillLevel = r.GetInt64(7),
                        };
                        rows.Accounts[(a.SubscriptionId, a.Kind)] = a;
                    }
                }
            }
            finally
            {
                if (reader is not null)
                {
                    await reader.DisposeAsync();
                }
            }
            return rows;
        }
        finally
        {
            foreach (var (command, _) in commands)
            {
                await command.DisposeAsync();
            }
        }
    }

    /// <summary>The PostgreSQL statement of <see cref="AppendRecordedKeys"/> (parameters @org, @live and the key array @k).</summary>
    internal const string RecordedKeysSql =
        """SELECT u.k, (SELECT e."Id" FROM usage_events AS e WHERE e."OrganizationId" = @org AND e."Livemode" = @live AND e."IdempotencyKey" = u.k) FROM unnest(@k) AS u(k)""";

    /// <summary>
    /// Appends the statement that finds which of <paramref name="keys"/> are already recorded as usage events of the
    /// tenant (parameters @org and @live): rows of (key, event ID), the ID null for a key not recorded. PostgreSQL: one
    /// lookup of the unique (OrganizationId, Livemode, IdempotencyKey) index per key, as a subquery per element of the
    /// key array. <c>"IdempotencyKey" = ANY(@keys)</c> is not used: in a generic plan, or before the new table has
    /// statistics, the planner may scan the tenant's whole part of that index and filter the keys (measured at 2–9 ms
    /// per group against 0.02 ms per key), and that cost grows with the table. SQLite: <c>IN (one parameter per key)</c>.
    /// </summary>
    private static void AppendRecordedKeys(CommetDb db, DbCommand command, System.Text.StringBuilder sql, IReadOnlyCollection<string> keys)
    {
        if (db.IsPostgres)
        {
            Add(command, "k", keys.ToArray());
            sql.Append(RecordedKeysSql).Append(";\n");
            return;
        }
        sql.Append("""SELECT "IdempotencyKey", "Id" FROM usage_events WHERE "OrganizationId" = @org AND "Livemode" = @live AND "IdempotencyKey" """);
        AppendIn(db, command, sql, ["k"], [keys.ToArray()]);
        sql.Append(";\n");
    }

    /// <summary>
    /// The usage events of the tenant already recorded under any of <paramref name="keys"/>, by key (no tracking), read
    /// through the unique key index (see <see cref="AppendRecordedKeys"/>), inside the open transaction if there is one.
    /// </summary>
    public static async Task<Dictionary<string, UsageEvent>> RecordedEventsAsync(this CommetDb db, string organizationId, bool livemode,
        IReadOnlyCollection<string> keys, CancellationToken ct) =>
        (await RecordedEventsAndClockAsync(db, organizationId, livemode, keys, readClock: false, ct)).Seen;

    /// <summary>
    /// As <see cref="RecordedEventsAsync"/>, and with <paramref name="readClock"/> also the organization's test clock
    /// (<see cref="Billing.BillingClock.SimulatedAsync"/>; null when none is set). On PostgreSQL with keys to look up, the
    /// clock is the first statement of the same command: one round trip for both, where the batch endpoint made two
    /// (a profile under the batch load put the separate read at about 9 % of the server's samples, its async frames included). Otherwise the clock is its own query.
    /// </summary>
    public static async Task<(Dictionary<string, UsageEvent> Seen, DateTime? Clock)> RecordedEventsAndClockAsync(this CommetDb db,
        string organizationId, bool livemode, IReadOnlyCollection<string> keys, bool readClock, CancellationToken ct)
    {
        var seen = new Dictionary<string, UsageEvent>(StringComparer.Ordinal);
        DateTime? clock = null;
        var clockHere = readClock && keys.Count > 0 && db.IsPostgres;
        if (readClock && !clockHere)
        {
            clock = await Billing.BillingClock.SimulatedAsync(db, organizationId, ct);
        }
        if (keys.Count == 0)
        {
            return (seen, clock);
        }
        var ids = new List<string>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var sql = new System.Text.StringBuilder(256);
            Add(command, "org", organizationId);
            Add(command, "live", livemode);
            if (clockHere)
            {
                sql.Append(TestClockStatement).Append('\n');
            }
            AppendRecordedKeys(db, command, sql, keys);
            command.CommandText = sql.ToString();
            RoundTripMeter.Of(db)?.Add();
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (clockHere)
            {
                if (await reader.ReadAsync(ct) && !reader.IsDBNull(0))
                {
                    clock = Utc(reader.GetDateTime(0));
                }
                await reader.NextResultAsync(ct);
            }
            while (await reader.ReadAsync(ct))
            {
                if (!reader.IsDBNull(1))
                {
                    ids.Add(reader.GetString(1));
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        if (ids.Count > 0)
        {
            foreach (var earlier in await db.UsageEvents.AsNoTracking().Where(e => ids.Contains(e.Id)).ToListAsync(ct))
            {
                seen[earlier.IdempotencyKey!] = earlier;
            }
        }
        return (seen, clock);
    }

    /// <summary>The tenant's catalog version, read inside the open transaction (0 when nothing was ever versioned).</summary>
    public static async Task<long> ReadCatalogVersionAsync(this CommetDb db, string organizationId, bool livemode, CancellationToken ct) =>
        await db.CatalogVersions.AsNoTracking().Where(v => v.OrganizationId == organizationId && v.Livemode == livemode)
            .Select(v => (long?)v.Version).FirstOrDefaultAsync(ct) ?? 0;

    /// <summary>
    /// Appends "IN (the given tuples)" for one or more key columns. PostgreSQL: one array parameter per column and
    /// <c>unnest</c>, so the statement's text is the same whatever the group's size (it stays in the auto-prepared
    /// statements instead of churning them); SQLite: one parameter per value.
    /// </summary>
    private static void AppendIn(CommetDb db, DbCommand command, System.Text.StringBuilder sql, string[] names, Array[] columns)
    {
        if (db.IsPostgres)
        {
            if (names.Length == 1)
            {
                sql.Append("= ANY(@").Append(names[0]).Append(')');
                Add(command, names[0], columns[0]);
                return;
            }
            sql.Append("IN (SELECT * FROM unnest(");
            for (var c = 0; c < names.Length; c++)
            {
                sql.Append(c == 0 ? "@" : ", @").Append(names[c]);
                Add(command, names[c], columns[c]);
            }
            sql.Append("))");
            return;
        }
        sql.Append("IN (");
        for (var i = 0; i < columns[0].Length; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(names.Length == 1 ? "" : "(");
            for (var c = 0; c < names.Length; c++)
            {
                sql.Append(c == 0 ? "@" : ", @").Append(names[c]).Append(i);
                Add(command, names[c] + i, columns[c].GetValue(i)!);
            }
            sql.Append(names.Length == 1 ? "" : ")");
        }
        sql.Append(')');
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}

using System.Data.Common;
using System.Text;
using Commet.Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Commet.Server.Persistence;

/// <summary>
/// The usage hot path's updates without EF Core's per-row save: the counters, daily rows and consumption accounts a
/// unit of work changed (loaded, and locked, earlier in its transaction) are written with one set-based UPDATE per
/// table, all in one command, inside the open transaction. PostgreSQL: <c>UPDATE … FROM unnest(arrays)</c>, whose
/// text is the same whatever the number of rows (it stays auto-prepared); SQLite: <c>UPDATE … FROM (VALUES …)</c>.
/// The rows written are marked unchanged, so the save that follows leaves them alone; new rows and every other
/// change are still saved by EF Core.
/// </summary>
public static class UsageWrites
{
    /// <summary>
    /// Writes the changed usage rows; on PostgreSQL, <paramref name="inserts"/> (new rows taken out of the change tracker
    /// by <see cref="BulkCopy.TakeAdded"/>) are inserted by the same command (see <see cref="BulkCopy.AppendInserts"/>).
    /// A duplicate key among them is reported as a <see cref="DbUpdateException"/>, as a save would report it.
    /// </summary>
    public static async Task WriteChangedAsync(CommetDb db, CancellationToken ct, BulkCopy.Rows? inserts = null)
    {
        var counters = new List<UsageCounter>();
        var daily = new List<UsageDaily>();
        var accounts = new List<ConsumptionAccount>();
        var written = new List<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry>();
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            if (entry.State != EntityState.Modified)
            {
                continue;
            }
            switch (entry.Entity)
            {
                case UsageCounter c:
                    counters.Add(c);
                    break;
                case UsageDaily d:
                    daily.Add(d);
                    break;
                case ConsumptionAccount a:
                    accounts.Add(a);
                    break;
                default:
                    continue;
            }
            written.Add(entry);
        }
        if (written.Count == 0 && inserts is null)
        {
            return;
        }
        if (!db.IsPostgres && inserts is not null)
        {
            throw new NotSupportedException("On SQLite new rows are written by SqliteInserts.");
        }
        await WriteRowsAsync(db, counters, daily, accounts, inserts, ct);
        foreach (var entry in written)
        {
            entry.State = EntityState.Unchanged;
        }
    }

    /// <summary>
    /// Writes the rows of an <see cref="UntrackedUsageRows"/> (the batch endpoint's counters, daily rows and accounts, which
    /// EF Core never tracks): those loaded and changed since with one set-based UPDATE per table, as
    /// <see cref="WriteChangedAsync"/> writes tracked ones, and the new ones with one INSERT per table. PostgreSQL: all of
    /// it in one command (<c>UPDATE … FROM unnest</c>, <c>INSERT … SELECT * FROM unnest</c>); SQLite: prepared single-row
    /// statements. Rows loaded and not changed (every event on them refused) are not written, as EF Core would not.
    /// <paramref name="alsoInsert"/> (rows built outside the change tracker, such as a group's events and spend entries) are
    /// inserted after the new usage rows: on PostgreSQL by the same command, on SQLite by the same prepared INSERTs.
    /// </summary>
    public static async Task WriteAsync(CommetDb db, UntrackedUsageRows rows, CancellationToken ct, BulkCopy.Rows? alsoInsert = null)
    {
        var (counters, daily, accounts) = rows.Changed();
        var inserts = rows.HasNew
            ? new BulkCopy.Rows().Add(db, rows.NewCounters).Add(db, rows.NewDaily).Add(db, rows.NewAccounts)
            : null;
        if (alsoInsert is not null)
        {
            inserts ??= new BulkCopy.Rows();
            inserts.Tables.AddRange(alsoInsert.Tables);
        }
        if (counters.Count + daily.Count + accounts.Count == 0 && inserts is null)
        {
            return;
        }
        if (db.IsPostgres)
        {
            await WriteRowsAsync(db, counters, daily, accounts, inserts, ct);
            return;
        }
        await WriteRowsAsync(db, counters, daily, accounts, null, ct);
        if (inserts is not null)
        {
            await SqliteInserts.WriteAsync(db, inserts, ct);
        }
    }

    /// <summary>Updates the given rows (each must exist: it was read under its lock in this transaction) and, on PostgreSQL, inserts <paramref name="inserts"/>.</summary>
    private static async Task WriteRowsAsync(CommetDb db, List<UsageCounter> counters, List<UsageDaily> daily, List<ConsumptionAccount> accounts,
        BulkCopy.Rows? inserts, CancellationToken ct)
    {
        var expected = counters.Count + daily.Count + accounts.Count;
        var tx = db.Database.CurrentTransaction ?? throw new InvalidOperationException("WriteChangedAsync runs inside a transaction.");
        if (!db.IsPostgres)
        {
            if (expected > 0)
            {
                WriteRowsSqlite(db, tx.GetDbTransaction(), counters, daily, accounts, expected);
            }
            return;
        }
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = tx.GetDbTransaction();
        var sql = new StringBuilder(512);
        var pg = db.IsPostgres;
        if (counters.Count > 0)
        {
            Update(sql, command, pg, "usage_counters", ["SubscriptionId", "FeatureId", "WindowStart"], ["Quantity", "UpdatedAt"], "c",
                [counters.Select(c => c.SubscriptionId).ToArray(), counters.Select(c => c.FeatureId).ToArray(), counters.Select(c => c.WindowStart).ToArray(),
                 counters.Select(c => c.Quantity).ToArray(), counters.Select(c => c.UpdatedAt).ToArray()]);
        }
        if (daily.Count > 0)
        {
            Update(sql, command, pg, "usage_daily", ["SubscriptionId", "FeatureId", "Day"], ["Quantity"], "d",
                [daily.Select(d => d.SubscriptionId).ToArray(), daily.Select(d => d.FeatureId).ToArray(), daily.Select(d => d.Day).ToArray(),
                 daily.Select(d => d.Quantity).ToArray()]);
        }
        if (accounts.Count > 0)
        {
            Update(sql, command, pg, "consumption_accounts", ["SubscriptionId", "Kind"], ["PlanAmount", "PurchasedAmount", "Allowance", "WindowStart", "UpdatedAt", "RefillLevel"], "a",
                [accounts.Select(a => a.SubscriptionId).ToArray(), accounts.Select(a => a.Kind).ToArray(), accounts.Select(a => a.PlanAmount).ToArray(),
                 accounts.Select(a => a.PurchasedAmount).ToArray(), accounts.Select(a => a.Allowance).ToArray(), accounts.Select(a => a.WindowStart).ToArray(),
                 accounts.Select(a => a.UpdatedAt).ToArray(), accounts.Select(a => a.RefillLevel).ToArray()]);
        }
        var inserted = inserts is null ? 0 : BulkCopy.AppendInserts(inserts, (Npgsql.NpgsqlCommand)command, sql);
        if (sql.Length == 0)
        {
            return;
        }
        command.CommandText = sql.ToString();
        RoundTripMeter.Of(db)?.Add();
        int affected;
        try
        {
            affected = await command.ExecuteNonQueryAsync(ct) - inserted;
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation)
        {
            throw new DbUpdateException("A new usage row violates a unique index.", ex);
        }
        if (affected != expected)
        {
            // Every row was read under its lock in this transaction: a missing one is a fault of ours, not a row deleted
            // by somebody else, so it must not surface as a 4xx "deleted meanwhile" (which DbUpdateConcurrencyException
            // maps to); it is an internal error, logged, and nothing of the work commits.
            throw new InvalidOperationException($"Usage rows: {expected} to update, {affected} updated.");
        }
    }

    /// <summary>
    /// SQLite: one prepared single-row UPDATE per table, executed once per row (binding only that row's values). One
    /// command of <c>UPDATE … FROM (VALUES …)</c> statements made Microsoft.Data.Sqlite bind every parameter of the
    /// command to every statement (a name lookup each, <c>sqlite3VListNameToNum</c> and <c>strncmp</c> at the top of the
    /// profile) and parse a new text for every group size, all inside the single writer's turn. Values are bound as
    /// before (the same parameters, one row at a time), so the stored text is unchanged.
    /// </summary>
    private static void WriteRowsSqlite(CommetDb db, DbTransaction tx, List<UsageCounter> counters, List<UsageDaily> daily,
        List<ConsumptionAccount> accounts, int expected)
    {
        var connection = db.Database.GetDbConnection();
        var affected = 0;
        if (counters.Count > 0)
        {
            affected += UpdateRows(db, connection, tx, "usage_counters", ["SubscriptionId", "FeatureId", "WindowStart"], ["Quantity", "UpdatedAt"],
                counters, c => [c.SubscriptionId, c.FeatureId, c.WindowStart, c.Quantity, c.UpdatedAt]);
        }
        if (daily.Count > 0)
        {
            affected += UpdateRows(db, connection, tx, "usage_daily", ["SubscriptionId", "FeatureId", "Day"], ["Quantity"],
                daily, d => [d.SubscriptionId, d.FeatureId, d.Day, d.Quantity]);
        }
        if (accounts.Count > 0)
        {
            affected += UpdateRows(db, connection, tx, "consumption_accounts", ["SubscriptionId", "Kind"],
                ["PlanAmount", "PurchasedAmount", "Allowance", "WindowStart", "UpdatedAt", "RefillLevel"],
                accounts, a => [a.SubscriptionId, a.Kind, a.PlanAmount, a.PurchasedAmount, a.Allowance, a.WindowStart, a.UpdatedAt, a.RefillLevel]);
        }
        if (affected != expected)
        {
            // As on PostgreSQL: every row was read in this transaction, so a missing one is our fault (see above).
            throw new InvalidOperationException($"Usage rows: {expected} to update, {affected} updated.");
        }
    }

    /// <summary><c>UPDATE table SET values… WHERE keys…</c> prepared once, run per row; <paramref name="row"/> gives the keys, then the values.</summary>
    private static int UpdateRows<T>(CommetDb db, DbConnection connection, DbTransaction tx, string table, string[] keys, string[] values,
        List<T> rows, Func<T, object[]> row)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        var sql = new StringBuilder(256).Append("UPDATE ").Append(table).Append(" SET ");
        for (var i = 0; i < values.Length; i++)
        {
            sql.Append(i == 0 ? "\"" : ", \"").Append(values[i]).Append("\" = @p").Append(keys.Length + i);
        }
        sql.Append(" WHERE ");
        for (var k = 0; k < keys.Length; k++)
        {
            sql.Append(k == 0 ? "\"" : " AND \"").Append(keys[k]).Append("\" = @p").Append(k);
        }
        command.CommandText = sql.ToString();
        var parameters = new DbParameter[keys.Length + values.Length];
        for (var c = 0; c < parameters.Length; c++)
        {
            parameters[c] = command.CreateParameter();
            parameters[c].ParameterName = "@p" + c;
            command.Parameters.Add(parameters[c]);
        }
        RoundTripMeter.Of(db)?.Add();
        var affected = 0;
        foreach (var item in rows)
        {
            var v = row(item);
            for (var c = 0; c < parameters.Length; c++)
            {
                parameters[c].Value = v[c];
            }
            // Microsoft.Data.Sqlite keeps the statement prepared while the command's text stays the same.
            affected += command.ExecuteNonQuery();
        }
        return affected;
    }

    /// <summary>One UPDATE of <paramref name="table"/> from the given columns (keys first, then the values set), one value per row.</summary>
    private static void Update(StringBuilder sql, DbCommand command, bool pg, string table, string[] keys, string[] values, string prefix, Array[] columns)
    {
        var all = keys.Concat(values).ToArray();
        sql.Append("UPDATE ").Append(table).Append(" AS t SET ");
        for (var i = 0; i < values.Length; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append('"').Append(values[i]).Append("\" = v.");
            sql.Append(pg ? prefix + (keys.Length + i) : "column" + (keys.Length + i + 1));
        }
        if (pg)
        {
            sql.Append(" FROM unnest(");
            for (var c = 0; c < all.Length; c++)
            {
                sql.Append(c == 0 ? "@" : ", @").Append(prefix).Append(c);
                Add(command, prefix + c, columns[c]);
            }
            sql.Append(") AS v(");
            for (var c = 0; c < all.Length; c++)
            {
                sql.Append(c == 0 ? "" : ", ").Append(prefix).Append(c);
            }
            sql.Append(')');
        }
        else
        {
            sql.Append(" FROM (VALUES ");
            for (var row = 0; row < columns[0].Length; row++)
            {
                sql.Append(row == 0 ? "(" : ", (");
                for (var c = 0; c < all.Length; c++)
                {
                    var name = prefix + c + "_" + row;
                    sql.Append(c == 0 ? "@" : ", @").Append(name);
                    Add(command, name, columns[c].GetValue(row)!);
                }
                sql.Append(')');
            }
            sql.Append(") AS v");
        }
        sql.Append(" WHERE ");
        for (var k = 0; k < keys.Length; k++)
        {
            sql.Append(k == 0 ? "" : " AND ").Append("t.\"").Append(keys[k]).Append("\" = v.").Append(pg ? prefix + k : "column" + (k + 1));
        }
        sql.Append(";\n");
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}

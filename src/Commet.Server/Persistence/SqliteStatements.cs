using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Commet.Server.Persistence;

/// <summary>
/// SQLite: statements kept prepared on each native connection, for the few hot statements this server sends itself.
/// Microsoft.Data.Sqlite prepares a command's statements again for every command object, and a command cannot outlive
/// its <see cref="SqliteConnection"/> being closed (closing disposes the connection's commands), while the native
/// connection underneath is pooled and lives on. So the statement is kept on the native handle (as
/// <see cref="SqlitePragmas"/> keeps its setting), prepared once per native connection, and reset after each use.
/// A native connection is used by one <see cref="SqliteConnection"/> at a time, and that by one flow at a time, so a
/// handle's statements are never used concurrently.
/// </summary>
internal static class SqliteStatements
{
    private static readonly ConditionalWeakTable<sqlite3, Dictionary<string, sqlite3_stmt>> Prepared = new();

    /// <summary>The statement <paramref name="sql"/> (one statement) prepared on the open connection's native handle.</summary>
    public static sqlite3_stmt Get(SqliteConnection connection, string sql)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var statements = Prepared.GetValue(handle, static _ => new Dictionary<string, sqlite3_stmt>(StringComparer.Ordinal));
        if (!statements.TryGetValue(sql, out var stmt))
        {
            SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(handle, sql, out stmt), handle);
            statements[sql] = stmt;
        }
        return stmt;
    }

    public static void Text(sqlite3_stmt stmt, string name, string? value)
    {
        var index = Index(stmt, name);
        Check(stmt, value is null ? raw.sqlite3_bind_null(stmt, index) : raw.sqlite3_bind_text(stmt, index, value));
    }

    public static void Integer(sqlite3_stmt stmt, string name, long value) => Check(stmt, raw.sqlite3_bind_int64(stmt, Index(stmt, name), value));

    public static void Boolean(sqlite3_stmt stmt, string name, bool value) => Integer(stmt, name, value ? 1 : 0);

    /// <summary>A time as Microsoft.Data.Sqlite (and so EF Core) stores one: text, <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>.</summary>
    public static void Time(sqlite3_stmt stmt, string name, DateTime value) =>
        Text(stmt, name, value.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture));

    /// <summary>
    /// Steps the statement: true for a row, false when done. Waits and retries while the database is busy or locked, as
    /// Microsoft.Data.Sqlite does, up to <paramref name="timeoutSeconds"/>.
    /// </summary>
    public static bool Step(SqliteConnection connection, sqlite3_stmt stmt, int timeoutSeconds)
    {
        var started = Environment.TickCount64;
        while (true)
        {
            var rc = raw.sqlite3_step(stmt);
            if (rc == raw.SQLITE_ROW)
            {
                return true;
            }
            if (rc == raw.SQLITE_DONE)
            {
                return false;
            }
            if ((rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED) && Environment.TickCount64 - started < timeoutSeconds * 1000L)
            {
                raw.sqlite3_reset(stmt);
                Thread.Sleep(150);
                continue;
            }
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            return false;
        }
    }

    /// <summary>Makes the statement ready for its next use (and releases what it holds of the database).</summary>
    public static void Reset(sqlite3_stmt stmt)
    {
        raw.sqlite3_reset(stmt);
        raw.sqlite3_clear_bindings(stmt);
    }

    private static int Index(sqlite3_stmt stmt, string name)
    {
        var index = raw.sqlite3_bind_parameter_index(stmt, name);
        return index > 0 ? index : throw new InvalidOperationException($"The statement has no parameter {name}.");
    }

    private static void Check(sqlite3_stmt stmt, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"Binding a parameter failed (SQLite error {rc}).");
        }
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Commet.Server.Persistence;

public static class DbErrors
{
    /// <summary>True when a write failed on a unique index, on either provider.</summary>
    public static bool IsUniqueViolation(DbUpdateException ex) => ex.InnerException switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>
    /// True when PostgreSQL rolled back a statement or transaction because it met a concurrent one: a deadlock
    /// (<c>40P01</c>) or a serialization failure (<c>40001</c>). Nothing of it was committed; running it again is safe.
    /// </summary>
    public static bool IsConcurrencyAbort(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is PostgresException p)
            {
                return p.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;
            }
        }
        return false;
    }

    /// <summary>
    /// True when <paramref name="ex"/> (or an exception inside it) says the database cannot be reached right now: the
    /// connection was refused or broken, the server is shutting down or starting up, or it has no connection slot left.
    /// Such a request was not carried out (or its transaction was rolled back), so the client may retry it.
    /// </summary>
    public static bool IsUnavailable(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException p:
                    // 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now; 53300: too many connections.
                    return p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState is "57P01" or "57P02" or "57P03" or "53300";
                case NpgsqlException n when n.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException
                    || n.IsTransient:
                    return true;
                case SqliteException s when s.SqliteErrorCode is 5 or 6:
                    // SQLITE_BUSY / SQLITE_LOCKED past the busy timeout: another process holds the file.
                    return true;
            }
        }
        return false;
    }
}

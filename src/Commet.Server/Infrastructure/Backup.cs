using Commet.Server.Persistence;
using Microsoft.Data.Sqlite;

namespace Commet.Server.Infrastructure;

/// <summary>
/// <c>Commet.Server backup FILE</c>: copies the SQLite database with SQLite's online backup API while the server
/// keeps running. The copy is one consistent snapshot (writers committing meanwhile are either wholly in it or
/// wholly not); it is written to a temporary file next to FILE and renamed into place when complete.
/// PostgreSQL is backed up with <c>pg_dump</c> instead.
/// </summary>
public static class Backup
{
    public const string Command = "backup";

    /// <summary>True when the command line asks for a backup rather than the server.</summary>
    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Command;

    /// <summary>Runs the command; answers the process exit code.</summary>
    public static int Run(string[] args, IConfiguration configuration, TextWriter output)
    {
        if (args.Length != 2 || string.IsNullOrWhiteSpace(args[1]))
        {
            output.WriteLine("Usage: Commet.Server backup <file>");
            return 2;
        }
        var options = configuration.GetSection(CommetOptions.Section).Get<CommetOptions>() ?? new CommetOptions();
        var (provider, connectionString) = Database.Resolve(options, configuration);
        if (provider != DatabaseProvider.Sqlite)
        {
            output.WriteLine("This server stores its data in PostgreSQL: back it up with pg_dump (see docs/operations.md).");
            return 2;
        }
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (!File.Exists(source))
        {
            output.WriteLine($"No database at {source}.");
            return 1;
        }
        var target = Path.GetFullPath(args[1]);
        ToFile(connectionString, target);
        output.WriteLine($"Backed up {source} to {target}.");
        return 0;
    }

    /// <summary>Copies the database behind <paramref name="connectionString"/> to <paramref name="target"/> (replacing it).</summary>
    public static void ToFile(string connectionString, string target)
    {
        var temporary = target + ".partial";
        File.Delete(temporary);
        var sourceBuilder = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 60 };
        using (var source = new SqliteConnection(sourceBuilder.ToString()))
        using (var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temporary, Pooling = false }.ToString()))
        {
            source.Open();
            destination.Open();
            // Microsoft.Data.Sqlite retries a busy command itself (DefaultTimeout) but sets no SQLite busy handler, and the
            // backup API uses only that: without one, a lock held for a moment by a writer's commit or checkpoint failed
            // the backup at once with "database is locked". With it, the backup waits for the lock as a command would.
            using (var wait = source.CreateCommand())
            {
                wait.CommandText = "PRAGMA busy_timeout = 60000;";
                wait.ExecuteNonQuery();
            }
            // One pass under a read transaction: in WAL mode writers go on meanwhile, and the copy is the state at its start.
            source.BackupDatabase(destination);
            using var journal = destination.CreateCommand();
            journal.CommandText = "PRAGMA journal_mode=DELETE;";
            journal.ExecuteNonQuery();
        }
        File.Move(temporary, target, overwrite: true);
    }
}

using Commet.Server.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Commet.Server.Tests;

/// <summary>The background checkpoint copies SQLite's write-ahead log into the database file, and stops with the host.</summary>
public sealed class SqliteCheckpointsTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("commet-checkpoints-");

    [Fact]
    public async Task CopiesTheLogIntoTheDatabaseFile_AndStopsWithTheHost()
    {
        var path = Path.Combine(dir.FullName, "commet.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        // The writer stays open through the test: closing the last connection would checkpoint the log itself.
        using var writer = new SqliteConnection(connectionString);
        writer.Open();
        Execute(writer, "PRAGMA journal_mode=WAL;");
        Execute(writer, "PRAGMA wal_autocheckpoint=0;");
        Execute(writer, "CREATE TABLE t (x BLOB NOT NULL);");
        Execute(writer, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) INSERT INTO t SELECT randomblob(1000) FROM n;");
        // 400 rows of 1,000 bytes are in the log, not yet in the database file.
        Assert.True(new FileInfo(path).Length < 100_000, $"database file {new FileInfo(path).Length} bytes before any checkpoint");
        Assert.True(new FileInfo(path + "-wal").Length > 400_000);

        using var checkpoints = new SqliteCheckpoints(connectionString, NullLogger<SqliteCheckpoints>.Instance);
        await checkpoints.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (new FileInfo(path).Length < 400_000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.True(new FileInfo(path).Length >= 400_000, $"database file {new FileInfo(path).Length} bytes 15 s after the checkpoints started");
        // The loop has a thread of its own: each checkpoint blocks for its fsyncs, which must not hold a pool worker.
        Assert.False(checkpoints.OnThreadPool);

        // Stopping returns once the loop has ended (it waits on the host's token, not on a full interval). StopAsync gives
        // up after 10 s rather than hang the suite, and the loop's task is then unfinished.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await checkpoints.StopAsync(patience.Token);
        Assert.True(checkpoints.ExecuteTask!.IsCompletedSuccessfully);

        // Every row is still there, read through the database file and the log alike.
        using var count = writer.CreateCommand();
        count.CommandText = "SELECT count(*) FROM t;";
        Assert.Equal(400L, (long)count.ExecuteScalar()!);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // Both the test's connection and the service's are unpooled, so nothing holds the files once the test has ended.
    public void Dispose() => dir.Delete(recursive: true);
}

using System.Diagnostics;
using System.Net;
using Commet.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Commet.Server.Tests;

/// <summary>
/// <c>Commet.Server backup FILE</c> on a running SQLite server with writes going on; a new server started on the
/// copy finds every customer acknowledged before the backup began. (PostgreSQL is backed up with pg_dump.)
/// </summary>
public sealed class BackupTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task BackupWhileWriting_RestoresToAServerThatFindsTheData()
    {
        var t = await server.NewTenantAsync();
        var before = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            before.Add(await t.Api.Customer($"before_{i}", card: null));
        }

        // Writers keep going while the backup runs.
        using var stop = new CancellationTokenSource();
        var written = 0;
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            using var api = t.Api;
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var created = await api.PostJson("/api/v1/customers", new { id = $"during_{w}_{i}", email = $"d{w}_{i}@example.com" });
                Assert.Equal(HttpStatusCode.Created, created.Status);
                Interlocked.Increment(ref written);
            }
        })).ToList();

        var restoreDir = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(restoreDir);
        var file = Path.Combine(restoreDir, "commet.db");
        var (exit, output) = await RunBackupAsync(server.DataDir, file);
        var writtenDuringBackup = Volatile.Read(ref written);
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        Assert.True(exit == 0, output);
        Assert.Contains("Backed up", output);
        Assert.True(writtenDuringBackup > 0, "no write happened while the backup ran");

        using (var copy = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            copy.Open();
            using var check = copy.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", check.ExecuteScalar() as string);
        }

        // Restore: a server started on the copy.
        await using var restored = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["COMMET_DATA_DIR"] = restoreDir,
            ["COMMET_BOOTSTRAP_SANDBOX_KEY"] = ServerFixture.SandboxKey,
        });
        using var api = restored.Client(t.SandboxKey);
        foreach (var id in before)
        {
            var found = await api.GetJson($"/api/v1/customers/{id}");
            Assert.True(found.Status == HttpStatusCode.OK, found.ToString());
        }
        // The copy takes writes of its own.
        Assert.Equal(HttpStatusCode.Created, (await api.PostJson("/api/v1/customers", new { id = "after_restore", email = "after@example.com" })).Status);
    }

    [Fact]
    public async Task Backup_WithoutAFile_PrintsUsageAndFails()
    {
        var (exit, output) = await RunBackupAsync(server.DataDir, null);
        Assert.Equal(2, exit);
        Assert.Contains("Usage", output);
    }

    private static async Task<(int Exit, string Output)> RunBackupAsync(string dataDir, string? file)
    {
        var args = new List<string> { ServerProcess.ServerDll(), "backup" };
        if (file is not null)
        {
            args.Add(file);
        }
        var info = new ProcessStartInfo("dotnet", args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["COMMET_DATA_DIR"] = dataDir;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

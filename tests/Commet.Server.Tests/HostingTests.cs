using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests;

/// <summary>
/// The server as a newcomer starts it: the built executable, from a folder that is not its own, with default logging.
/// SQLite only: what is checked (which settings file is read, where ./data lands) does not depend on the database.
/// </summary>
public sealed class HostingTests : IDisposable
{
    private readonly string workingDirectory = Path.Combine(Path.GetTempPath(), "commet-hosting", Guid.NewGuid().ToString("N"));

    public HostingTests() => Directory.CreateDirectory(workingDirectory);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platforms; the temp folder is cleaned up by the OS.
        }
    }

    [Fact]
    public async Task StartedFromAnotherFolder_ReadsItsOwnSettings_KeepsDataInTheWorkingFolder_AndShowsTheKeyFirst()
    {
        // Information is the default level of appsettings.json; only its per-category levels keep EF Core quiet.
        var environment = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Information" };
        var server = await ServerProcess.StartAsync(environment, workingDirectory);
        using (var http = new HttpClient { BaseAddress = server.BaseAddress })
        {
            Assert.Equal("ok", await http.GetStringAsync("/healthz"));
        }
        await server.DisposeAsync(); // waits for the process to exit, so every line it wrote is in Output
        var output = server.Output;

        // appsettings.json was read from the server's folder: EF Core logs at Warning, so no SQL on the console.
        Assert.DoesNotContain("Microsoft.EntityFrameworkCore", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Executed DbCommand", output, StringComparison.Ordinal);
        // ./data is relative to the folder the server was started from.
        Assert.True(File.Exists(Path.Combine(workingDirectory, "data", "commet.db")), output);
        Assert.True(File.Exists(Path.Combine(workingDirectory, "data", "sandbox-key.txt")), output);
        // The one-time key banner comes before the host's own start-up lines.
        var banner = output.IndexOf("Your sandbox API key", StringComparison.Ordinal);
        var listening = output.IndexOf("Now listening on", StringComparison.Ordinal);
        Assert.True(banner >= 0 && listening > banner, output);
    }
}

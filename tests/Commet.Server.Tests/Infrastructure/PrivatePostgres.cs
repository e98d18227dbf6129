using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of the test's own (same binaries as scripts/postgres.sh, its own data folder and port), so a
/// test can stop and restart it without touching the shared one that other tests use.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string bin;
    private readonly string dataDir;

    private PrivatePostgres(string bin, string dataDir, int port)
    {
        this.bin = bin;
        this.dataDir = dataDir;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = BinDirectory();
        var dataDir = Path.Combine(Path.GetTempPath(), "commet-private-pg-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dataDir);
        var server = new PrivatePostgres(bin, dataDir, FreePort());
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "postgres:postgres", dataDir);
        }
        await server.RunPgAsync("initdb", "-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        await server.StartServerAsync();
        return server;
    }

    /// <summary>The folder of the PostgreSQL programs (pg_ctl, pg_dump, pg_restore…) that scripts/postgres.sh uses.</summary>
    public static string BinDirectory() =>
        (Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
            : null) ?? throw new InvalidOperationException("PostgreSQL is not installed (see scripts/setup.sh).");

    /// <summary>Starts the stopped server on the same port and waits until it accepts connections.</summary>
    public Task StartServerAsync() =>
        RunPgAsync("pg_ctl", "-D", dataDir, "-l", Path.Combine(dataDir, "server.log"), "-w", "-t", "60", "-o",
            $"-p {Port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100",
            "start");

    /// <summary>Stops the server the quick way (<c>-m fast</c>: sessions are ended, open transactions roll back).</summary>
    public Task StopServerAsync() => RunPgAsync("pg_ctl", "-D", dataDir, "-m", "fast", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunPgAsync("pg_ctl", "-D", dataDir, "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task RunPgAsync(string tool, params string[] args) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. args])
            : RunAsync(Path.Combine(bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stdout}{await stderr}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>The real server as a separate operating-system process (the built Commet.Server.dll), for multi-node tests.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly System.Text.StringBuilder output = new();
    private int disposed;

    private ServerProcess(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>The log entries of unhandled errors (with their exception text) in <paramref name="output"/>, for a failure message.</summary>
    public static string Unhandled(string output)
    {
        var lines = output.Split('\n');
        var found = new System.Text.StringBuilder();
        for (var i = 0; i < lines.Length && found.Length < 6000; i++)
        {
            if (lines[i].Contains("Unhandled", StringComparison.Ordinal))
            {
                found.AppendJoin('\n', lines.Skip(i).Take(40).Where(l => !l.Contains("at Microsoft.EntityFrameworkCore.ChangeTracking", StringComparison.Ordinal))).Append('\n');
            }
        }
        return found.ToString();
    }

    /// <summary>
    /// Starts the built server and waits until it answers <c>/readyz</c>. Logs are at Warning unless
    /// <paramref name="environment"/> sets <c>Logging__LogLevel__Default</c>; <paramref name="workingDirectory"/>
    /// defaults to the test run's own.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(IDictionary<string, string> environment, string? workingDirectory = null)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [ServerDll(), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Commet__RateLimits__RequestsPerSecond"] = "10000000";
        info.Environment["Commet__RateLimits__Burst"] = "10000000";
        info.Environment["Commet__RateLimits__ExpensiveConcurrency"] = "100000";
        info.Environment["Commet__RateLimits__ExpensiveQueue"] = "100000";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server process.");
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("The server process exited: " + server.Output);
            }
            try
            {
                if ((await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        await server.DisposeAsync();
        throw new TimeoutException("The server process did not become ready: " + server.Output);
    }

    public HttpClient Client(string apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Add("x-api-key", apiKey);
        return client;
    }

    /// <summary>Kills the process (SIGKILL, with anything it started) and waits for it; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    /// <summary>The server built next to this test run (same configuration), found from the repository root.</summary>
    internal static string ServerDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Commet.slnx")))
        {
            dir = dir.Parent;
        }
        if (dir is null)
        {
            throw new InvalidOperationException("Could not find the repository root (Commet.slnx).");
        }
        var dll = Path.Combine(dir.FullName, "src", "Commet.Server", "bin", configuration, "net10.0", "Commet.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the server first.", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>The real server as a separate operating-system process (the built Commet.Server.dll), for multi-node tests.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly System.Text.StringBuilder output = new();
    private int disposed;

    /// <summary>The address the server says it listens on (its "Now listening on" line), once it has said it.</summary>
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process)
    {
        this.process = process;
    }

    public Uri BaseAddress { get; private set; } = null!;

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
    /// <remarks>
    /// The server binds port 0 and the address is taken from its own "Now listening on" line. A port found free here
    /// and handed to the server could be taken in between by another test's server, whose <c>/readyz</c> then answered
    /// for this one (and whose API keys are not this one's: a 401 on the first call).
    /// </remarks>
    public static async Task<ServerProcess> StartAsync(IDictionary<string, string> environment, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet", [ServerDll(), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        info.Environment["Commet__RateLimits__RequestsPerSecond"] = "10000000";
        info.Environment["Commet__RateLimits__Burst"] = "10000000";
        info.Environment["Commet__RateLimits__ExpensiveConcurrency"] = "100000";
        info.Environment["Commet__RateLimits__ExpensiveQueue"] = "100000";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server process.");
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(180);
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(server.listening.Task, exited, Task.Delay(deadline - DateTime.UtcNow)) != server.listening.Task)
        {
            var output = server.Output;
            await server.DisposeAsync();
            throw exited.IsCompleted
                ? new InvalidOperationException("The server process exited: " + output)
                : new TimeoutException("The server process did not start listening: " + output);
        }
        server.BaseAddress = await server.listening.Task;
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
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
        const string Listening = "Now listening on: ";
        if (line.IndexOf(Listening, StringComparison.Ordinal) is >= 0 and var at)
        {
            listening.TrySetResult(new Uri(line[(at + Listening.Length)..].Trim()));
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
}

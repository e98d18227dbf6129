using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Commet.Browser.Tests;

/// <summary>
/// samples/Acme as its own process (dotnet Acme.dll, real Kestrel on a loopback port), configured as its README says:
/// Commet:ApiKey, Commet:BaseUrl, Commet:WebhookSecret; its SQLite file in a temporary folder.
/// </summary>
public sealed class SampleApp : IAsyncDisposable
{
    private readonly Process process;
    private readonly string dataDir;

    private SampleApp(Process process, string dataDir, Uri baseAddress)
    {
        this.process = process;
        this.dataDir = dataDir;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>A loopback port that was free a moment ago (for a webhook URL that must be known before the sample starts).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the sample and returns once Kestrel says it is listening.</summary>
    public static async Task<SampleApp> StartAsync(Uri commetUrl, string apiKey, string? webhookSecret = null, int port = 0)
    {
        var root = RepoRoot();
        var configuration = ThisConfiguration();
        var dll = Path.Combine(root, "samples", "Acme", "bin", configuration, "net10.0", "Acme.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution (the test project references the sample to build it first).");
        }
        var dataDir = Path.Combine(Path.GetTempPath(), "commet-tests", "acme-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = Path.Combine(root, "samples", "Acme"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Commet__ApiKey"] = apiKey;
        start.Environment["Commet__BaseUrl"] = commetUrl.ToString();
        start.Environment["Commet__WebhookSecret"] = webhookSecret ?? "";
        start.Environment["Acme__DataDir"] = dataDir;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The sample exited early:\n" + Snapshot()));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using (timeout.Token.Register(() => listening.TrySetException(new TimeoutException("The sample did not start listening within 90 s:\n" + Snapshot()))))
        {
            try
            {
                var address = await listening.Task;
                return new SampleApp(process, dataDir, address);
            }
            catch
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw;
            }
        }

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (log)
            {
                log.AppendLine(line);
            }
            const string marker = "Now listening on: ";
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(line[(at + marker.Length)..].Trim()));
            }
        }

        string Snapshot()
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up with the temporary folder.
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Commet.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Commet.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Release or Debug: the sample was built with the same configuration as this test assembly (…/bin/Release/net10.0/).</summary>
    private static string ThisConfiguration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
}

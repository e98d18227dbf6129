using Commet.Server.Tests.Infrastructure;

namespace Commet.Cli.Tests.Infrastructure;

/// <summary>What one run of <c>commet</c> printed and returned.</summary>
public sealed record CliRun(int Exit, string Out, string Err)
{
    public override string ToString() => $"exit {Exit}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>
/// Runs the command line in-process, as a terminal would: its own standard output and error, no terminal input, and an
/// environment holding only COMMET_URL, COMMET_API_KEY and a temporary config folder (no saved profile leaks in).
/// </summary>
public sealed class CommandLine(Uri server, string apiKey) : IDisposable
{
    public string ConfigDir { get; } = Directory.CreateTempSubdirectory("commet-cli-config-").FullName;

    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>An HTTP handler for the command's calls (to alter what the server answers); null for a plain one.</summary>
    public HttpMessageHandler? Handler { get; set; }

    public async Task<CliRun> RunAsync(params string[] args)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["COMMET_URL"] = server.ToString(), ["COMMET_API_KEY"] = apiKey, ["COMMET_CONFIG_DIR"] = ConfigDir,
        };
        foreach (var (k, v) in Environment)
        {
            env[k] = v;
        }
        using var output = new StringWriter();
        using var error = new StringWriter();
        var host = new CliHost(output, error, new StringReader(""), name => env.GetValueOrDefault(name), inputRedirected: true) { Handler = Handler };
        var exit = await CliApp.RunAsync(args, host);
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs a long-lived command (listen) writing to <paramref name="output"/> until <paramref name="ct"/> stops it.</summary>
    public async Task<CliRun> RunAsync(TextWriter output, CancellationToken ct, params string[] args)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["COMMET_URL"] = server.ToString(), ["COMMET_API_KEY"] = apiKey, ["COMMET_CONFIG_DIR"] = ConfigDir,
        };
        using var error = new StringWriter();
        var host = new CliHost(output, error, new StringReader(""), name => env.GetValueOrDefault(name), inputRedirected: true);
        var exit = await CliApp.RunAsync(args, host, ct);
        return new CliRun(exit, output.ToString() ?? "", error.ToString());
    }

    public static CommandLine For(TestTenant tenant) => new(tenant.Server.BaseAddress, tenant.SandboxKey);

    public void Dispose()
    {
        try
        {
            Directory.Delete(ConfigDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

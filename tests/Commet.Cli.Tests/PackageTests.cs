using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Cli.Tests;

/// <summary>
/// What a merchant's developer does: <c>dotnet pack</c> the tool into a folder, <c>dotnet tool install</c> it from there
/// (into a private tool path, not the machine's global tools), then run <c>commet --version</c> and <c>commet doctor</c>
/// against a running server.
/// </summary>
public sealed class PackageTests(SqliteServer server) : IClassFixture<SqliteServer>, IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("commet-cli-pack-").FullName;

    // A version no earlier run used, so the machine's package cache cannot hand back a stale copy.
    private readonly string version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Commet.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Commet.slnx not found above " + AppContext.BaseDirectory);
    }

    private static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    /// <summary>The folder of the dotnet running these tests (shared/Microsoft.NETCore.App/x.y.z is three levels below it).</summary>
    private static string DotnetRoot => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));

    private static async Task<(int Exit, string Output)> RunAsync(string file, string workingDirectory, IDictionary<string, string>? env, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_ROOT"] = DotnetRoot;
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<string> DotnetAsync(string workingDirectory, params string[] args)
    {
        var (exit, output) = await RunAsync("dotnet", workingDirectory, null, args);
        Assert.True(exit == 0, $"dotnet {string.Join(' ', args)} failed ({exit}):\n{output}");
        return output;
    }

    [Fact]
    public async Task Pack_InstallFromALocalFolder_ThenVersionAndDoctorWork()
    {
        var root = RepoRoot();
        var feed = Directory.CreateDirectory(Path.Combine(work, "feed")).FullName;
        var tools = Path.Combine(work, "tools");
        var packed = await DotnetAsync(root, "pack", "src/Commet.Cli/Commet.Cli.csproj", "-c", Configuration, "--no-build", "-o", feed, $"-p:Version={version}", "-nodeReuse:false");
        Assert.DoesNotContain("warning", packed, StringComparison.OrdinalIgnoreCase);
        using (var zip = ZipFile.OpenRead(Path.Combine(feed, $"Commet.Cli.{version}.nupkg")))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("README.md", entries);
            Assert.Contains("LICENSE", entries);
            Assert.Contains("commet.config.schema.json", entries);
            Assert.Contains("tools/net10.0/any/Commet.Cli.dll", entries);
            Assert.Contains("tools/net10.0/any/Commet.dll", entries);
            Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", entries);
            using var reader = new StreamReader(zip.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open());
            Assert.Contains("<Command Name=\"commet\"", await reader.ReadToEndAsync(), StringComparison.Ordinal);
        }

        // The local folder and the machine's usual sources (System.CommandLine is bundled in the tool, so nothing else is fetched).
        await DotnetAsync(work, "tool", "install", "--tool-path", tools, "--add-source", feed, "--version", version, "Commet.Cli");
        var commet = Path.Combine(tools, OperatingSystem.IsWindows() ? "commet.exe" : "commet");
        Assert.True(File.Exists(commet), "no commet command in " + tools);

        var tenant = await server.NewTenantAsync();
        var env = new Dictionary<string, string>
        {
            ["COMMET_URL"] = server.BaseAddress.ToString(), ["COMMET_API_KEY"] = tenant.SandboxKey,
            ["COMMET_CONFIG_DIR"] = Path.Combine(work, "config"),
        };
        var versionRun = await RunAsync(commet, work, env, "--version");
        var doctor = await RunAsync(commet, work, env, "doctor");

        // --version prints the assembly's informational version (the one the build stamped, which --no-build keeps).
        var expected = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.True(versionRun.Exit == 0, versionRun.Output);
        Assert.Equal(expected, versionRun.Output.Trim());
        Assert.True(doctor.Exit == 0, doctor.Output);
        Assert.Matches(@"reachable\s+ok", doctor.Output);
        Assert.Matches(@"api key\s+ok\s+" + System.Text.RegularExpressions.Regex.Escape("Acme "), doctor.Output);
        Assert.Matches(@"mode\s+ok\s+sandbox", doctor.Output);
        Assert.Matches(@"server version\s+ok\s+\d+\.\d+\.\d+", doctor.Output);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(work, recursive: true);
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var cached = Path.Combine(packages, "commet.cli", version);
            if (Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
            if (Directory.Exists(Path.GetDirectoryName(cached)) && !Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(cached)!).Any())
            {
                Directory.Delete(Path.GetDirectoryName(cached)!);
            }
        }
        catch (IOException)
        {
        }
    }
}

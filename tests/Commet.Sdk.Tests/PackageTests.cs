using System.Diagnostics;
using System.IO.Compression;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Sdk.Tests;

/// <summary>
/// What a NuGet user does: <c>dotnet pack</c> the package into a folder, make a fresh console project whose
/// nuget.config names that folder (beside the machine's usual source), restore <c>Commet</c> and <c>Commet.AspNetCore</c>,
/// and call a running server.
/// </summary>
public sealed class PackageTests(SqliteServer server) : IClassFixture<SqliteServer>, IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("commet-pack-").FullName;

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

    private static async Task<string> DotnetAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed ({process.ExitCode}):\n{output}");
        return output;
    }

    [Fact]
    public async Task Pack_ThenRestoreIntoAFreshProject_AndCallTheServer()
    {
        var root = RepoRoot();
        var feed = Directory.CreateDirectory(Path.Combine(work, "feed")).FullName;
        var packed = await DotnetAsync(root, "pack", "src/Commet.Sdk/Commet.Sdk.csproj", "-c", Configuration, "--no-build", "-o", feed, $"-p:Version={version}", "-nodeReuse:false")
            + await DotnetAsync(root, "pack", "src/Commet.AspNetCore/Commet.AspNetCore.csproj", "-c", Configuration, "--no-build", "-o", feed, $"-p:Version={version}", "-nodeReuse:false");
        // Packing is quiet, with or without a git remote (SourceLink comes from the .NET SDK, which does not warn without one).
        Assert.DoesNotContain("warning", packed, StringComparison.OrdinalIgnoreCase);
        using (var zip = ZipFile.OpenRead(Path.Combine(feed, $"Commet.AspNetCore.{version}.nupkg")))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("README.md", entries);
            Assert.Contains("icon.png", entries);
            Assert.Contains("LICENSE", entries);
            Assert.Contains("lib/net10.0/Commet.AspNetCore.dll", entries);
            Assert.Contains("lib/net10.0/Commet.AspNetCore.xml", entries);
            using var reader = new StreamReader(zip.GetEntry("Commet.AspNetCore.nuspec")!.Open());
            var nuspec = await reader.ReadToEndAsync();
            Assert.Contains($"<dependency id=\"Commet\" version=\"{version}\"", nuspec, StringComparison.Ordinal);
            Assert.Contains("<frameworkReference name=\"Microsoft.AspNetCore.App\" />", nuspec, StringComparison.Ordinal);
        }

        var nupkg = Path.Combine(feed, $"Commet.{version}.nupkg");
        Assert.True(File.Exists(Path.Combine(feed, $"Commet.{version}.snupkg")), "no symbol package");
        using (var zip = ZipFile.OpenRead(nupkg))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("README.md", entries);
            Assert.Contains("icon.png", entries);
            Assert.Contains("LICENSE", entries);
            Assert.Contains("lib/net10.0/Commet.dll", entries);
            Assert.Contains("lib/net10.0/Commet.xml", entries);
            using var reader = new StreamReader(zip.GetEntry("Commet.nuspec")!.Open());
            var nuspec = await reader.ReadToEndAsync();
            Assert.Contains("<license type=\"expression\">MIT</license>", nuspec, StringComparison.Ordinal);
            Assert.Contains("<icon>icon.png</icon>", nuspec, StringComparison.Ordinal);
            Assert.Contains("<readme>README.md</readme>", nuspec, StringComparison.Ordinal);
            using (var license = new StreamReader(zip.GetEntry("LICENSE")!.Open()))
            {
                Assert.StartsWith("MIT License", await license.ReadToEndAsync(), StringComparison.Ordinal);
            }
            Assert.Contains("id=\"Microsoft.Extensions.Http\"", nuspec, StringComparison.Ordinal);
            using var readme = new StreamReader(zip.GetEntry("README.md")!.Open());
            Assert.Contains("new CommetClient(", await readme.ReadToEndAsync(), StringComparison.Ordinal);
        }

        var app = Directory.CreateDirectory(Path.Combine(work, "app")).FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Commet" Version="{version}" />
                <PackageReference Include="Commet.AspNetCore" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using Commet;
            using Commet.Models;

            var commet = new CommetClient(args[1], new CommetClientOptions { BaseUrl = new Uri(args[0]) });
            var customer = await commet.Customers.CreateAsync(new CreateCustomerRequest { Id = "nuget_user", Email = "nuget@example.com" });
            var portal = await commet.Portal.GetUrlAsync("nuget_user");
            Console.WriteLine($"customer {customer.Id} {customer.ExternalId}");
            Console.WriteLine($"portal {portal.AbsolutePath}");
            """);

        var tenant = await server.NewTenantAsync();
        var output = await DotnetAsync(app, "run", "--", server.BaseAddress.ToString(), tenant.SandboxKey);

        Assert.Matches(@"customer cus_\w+ nuget_user", output);
        Assert.Contains("portal /portal/", output, StringComparison.Ordinal);
        // The customer is really there, seen through the server's own API.
        using var api = tenant.Api;
        Assert.Equal(System.Net.HttpStatusCode.OK, (await api.GetAsync("/api/v1/customers/nuget_user")).StatusCode);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(work, recursive: true);
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var id in new[] { "commet", "commet.aspnetcore" })
            {
                var cached = Path.Combine(packages, id, version);
                if (Directory.Exists(cached))
                {
                    Directory.Delete(cached, recursive: true);
                }
                if (Directory.Exists(Path.GetDirectoryName(cached)) && !Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(cached)!).Any())
                {
                    Directory.Delete(Path.GetDirectoryName(cached)!);
                }
            }
        }
        catch (IOException)
        {
        }
    }
}

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests;

public class BootstrapTests
{
    [Fact]
    public async Task FirstStart_OnEmptyDatabase_WritesAUsableSandboxKey_OwnerOnly()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N"));
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Commet:DataDir", dataDir);
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("urls", "http://127.0.0.1:0");
        });
        using var client = factory.CreateClient();

        var file = Path.Combine(dataDir, "sandbox-key.txt");
        Assert.True(File.Exists(file));
        Assert.True(File.Exists(Path.Combine(dataDir, "commet.db")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        var key = (await File.ReadAllTextAsync(file)).Trim();
        Assert.StartsWith("ck_test_", key);

        client.DefaultRequestHeaders.Add("x-api-key", key);
        var answer = await client.GetJson("/api/v1/customers");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }
}

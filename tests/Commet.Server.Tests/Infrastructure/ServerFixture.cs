using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on a random port over a real database. One per test class and database:
/// <see cref="SqliteServer"/> uses a fresh SQLite file, <see cref="PostgresServer"/> a fresh database on the
/// PostgreSQL server that the test script starts (COMMET_TEST_PG, default 127.0.0.1:5433).
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    public const string SandboxKey = "ck_test_fixture_sandbox_key_0001";
    public const string LiveKey = "ck_live_fixture_live_key_000001";

    private WebApplicationFactory<Program>? factory;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => factory!.Services;

    public abstract string Name { get; }

    protected abstract Task<IDictionary<string, string?>> PrepareDatabaseAsync();

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    /// <summary>Settings of a particular fixture (tighter rate limits, for instance), applied last.</summary>
    protected virtual void AdjustSettings(IDictionary<string, string?> settings)
    {
    }

    /// <summary>Extra service registrations (a fake clock, for instance).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        var settings = await PrepareDatabaseAsync();
        settings["Commet:BootstrapSandboxKey"] = SandboxKey;
        settings["Commet:BootstrapLiveKey"] = LiveKey;
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["urls"] = "http://127.0.0.1:0";
        // The engine runs when a test asks (test clock process-billing), not on a timer behind its back.
        settings["Commet:Billing:Worker"] = "false";
        // Tests open many portal links from one address in a short time; the limits have tests of their own.
        settings["Commet:Portal:RedemptionsPerMinutePerIp"] = "100000";
        settings["Commet:Portal:LinkRequestBurst"] = "100000";
        // The pseudo-localisation language (qps-ploc) is offered in tests, to find text missing from the resources.
        settings["Commet:Portal:PseudoLocalization"] = "true";
        // Likewise the per-key request rate and the cap on expensive requests (tested in LimitsTests).
        settings["Commet:RateLimits:RequestsPerSecond"] = "10000000";
        settings["Commet:RateLimits:Burst"] = "10000000";
        settings["Commet:RateLimits:ExpensiveConcurrency"] = "100000";
        settings["Commet:RateLimits:ExpensiveQueue"] = "100000";
        // Tests read the round trips of what they send (RoundTripMeter); a production server does not count them.
        settings["Commet:CountRoundTrips"] = "true";
        AdjustSettings(settings);
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
            b.ConfigureServices(ConfigureServices);
        });
        factory.UseKestrel();
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }
        NpgsqlConnection.ClearAllPools();
        await DropDatabaseAsync();
    }

    /// <summary>An HTTP client for the real server, with the given key (sandbox by default).</summary>
    public HttpClient Client(string? apiKey = SandboxKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", apiKey);
        }
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }
}

public class SqliteServer : ServerFixture
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N"));

    public override string Name => "sqlite";

    public string DataDir => dataDir;

    protected override Task<IDictionary<string, string?>> PrepareDatabaseAsync()
    {
        Directory.CreateDirectory(dataDir);
        return Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?> { ["Commet:DataDir"] = dataDir });
    }

    protected override Task DropDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platforms; the temp folder is cleaned up by the OS.
        }
        return Task.CompletedTask;
    }
}

public class PostgresServer : ServerFixture
{
    private readonly string database = "commet_test_" + Guid.NewGuid().ToString("N")[..12];

    public override string Name => "postgres";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("COMMET_TEST_PG") is { Length: > 0 } cs ? cs : "Host=127.0.0.1;Port=5433;Username=postgres;Database=postgres";

    public string ConnectionString => new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ToString();

    protected override async Task<IDictionary<string, string?>> PrepareDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        try
        {
            await connection.OpenAsync();
        }
        catch (NpgsqlException ex)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at '{AdminConnectionString}'. Run the tests with ./test.sh, which starts it, or set COMMET_TEST_PG.", ex);
        }
        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        return new Dictionary<string, string?> { ["Commet:DatabaseUrl"] = ConnectionString };
    }

    protected override async Task DropDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>SQLite with a <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/> as the server's clock.</summary>
public sealed class FakeClockSqliteServer : ServerFixture
{
    private readonly SqliteServer inner = new();

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2028, 1, 31, 0, 0, 0, TimeSpan.Zero));

    public override string Name => "sqlite-fake-clock";

    protected override Task<IDictionary<string, string?>> PrepareDatabaseAsync() =>
        Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>
        {
            ["Commet:DataDir"] = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N")),
        });

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Clock);
    }
}

using Commet.Server.Tests.Infrastructure;
using Npgsql;

namespace Commet.Server.Tests.Stripe;

/// <summary>A server whose Stripe.net clients talk to a <see cref="StripeStandIn"/> started with it.</summary>
public interface IStripeServer
{
    StripeStandIn Stripe { get; }

    ServerFixture Server { get; }
}

public sealed class StripeSqliteServer : ServerFixture, IStripeServer
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N"));

    public StripeStandIn Stripe { get; private set; } = null!;

    public ServerFixture Server => this;

    public override string Name => "sqlite-stripe";

    protected override async Task<IDictionary<string, string?>> PrepareDatabaseAsync()
    {
        Stripe = await StripeStandIn.StartAsync();
        Directory.CreateDirectory(dataDir);
        return new Dictionary<string, string?> { ["Commet:DataDir"] = dataDir };
    }

    protected override void AdjustSettings(IDictionary<string, string?> settings) => StripeSettings.Apply(settings, Stripe);

    protected override async Task DropDatabaseAsync()
    {
        await Stripe.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platforms; the temp folder is cleaned up by the OS.
        }
    }
}

public sealed class StripePostgresServer : ServerFixture, IStripeServer
{
    private readonly string database = "commet_test_" + Guid.NewGuid().ToString("N")[..12];

    public StripeStandIn Stripe { get; private set; } = null!;

    public ServerFixture Server => this;

    public override string Name => "postgres-stripe";

    protected override async Task<IDictionary<string, string?>> PrepareDatabaseAsync()
    {
        Stripe = await StripeStandIn.StartAsync();
        await using var connection = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        return new Dictionary<string, string?>
        {
            ["Commet:DatabaseUrl"] = new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = database }.ToString(),
        };
    }

    protected override void AdjustSettings(IDictionary<string, string?> settings) => StripeSettings.Apply(settings, Stripe);

    protected override async Task DropDatabaseAsync()
    {
        await Stripe.DisposeAsync();
        await using var connection = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

internal static class StripeSettings
{
    public static void Apply(IDictionary<string, string?> settings, StripeStandIn stripe)
    {
        settings["Commet:Stripe:ApiBase"] = stripe.ApiBase;
        // Short, so the timeout test does not wait long; Stripe.net then retries with the same idempotency key.
        settings["Commet:Stripe:TimeoutSeconds"] = "3";
        settings["Commet:Stripe:MaxNetworkRetries"] = "2";
    }
}

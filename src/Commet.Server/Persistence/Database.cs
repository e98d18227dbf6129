using Commet.Server.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Commet.Server.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Chooses the provider from configuration and registers the contexts.</summary>
public static class Database
{
    public static (DatabaseProvider Provider, string ConnectionString) Resolve(CommetOptions options, IConfiguration configuration)
    {
        var url = options.DatabaseUrl;
        if (string.IsNullOrWhiteSpace(url))
        {
            url = configuration.GetConnectionString("Commet");
        }
        if (!string.IsNullOrWhiteSpace(url))
        {
            return (DatabaseProvider.Postgres, WithPoolDefaults(ToNpgsqlConnectionString(url)));
        }

        var dataDir = Path.GetFullPath(options.DataDir);
        Directory.CreateDirectory(dataDir);
        var sqlite = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDir, "commet.db"),
            Pooling = true,
            DefaultTimeout = 30,
        };
        return (DatabaseProvider.Sqlite, sqlite.ToString());
    }

    /// <summary>
    /// Npgsql settings this server's traffic wants, unless the operator's connection string sets them: connections go
    /// back to the pool without <c>DISCARD ALL</c> (the server keeps no session state on them), and the statements a
    /// connection sends often are prepared automatically (parsed and planned once per connection). Npgsql's multiplexing
    /// is refused with a message saying why: some of the server's commands run synchronously (the Data Protection key
    /// ring's reads), which multiplexing does not support.
    /// </summary>
    public static string WithPoolDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Has(params string[] names) => names.Any(given.ContainsKey);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Multiplexing)
        {
            // Without this the server stops at start-up on the first synchronous read (the Data Protection key ring).
            throw new InvalidOperationException(
                "The PostgreSQL connection string sets Multiplexing=true, which Commet does not support: multiplexing allows no synchronous " +
                "commands, and some of Commet's run synchronously (the Data Protection key ring's reads). Remove Multiplexing from COMMET_DATABASE_URL (or ConnectionStrings:Commet).");
        }
        if (!Has("No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
        if (!Has("Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 32;
        }
        return builder.ToString();
    }

    /// <summary>Accepts both <c>postgres://user:pass@host:port/db</c> and Npgsql key=value strings.</summary>
    public static string ToNpgsqlConnectionString(string value)
    {
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            && !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return value;
        }
        var uri = new Uri(value);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length > 1)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(kv[0])] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
        }
        return builder.ToString();
    }

    /// <summary>
    /// Registers the pooled contexts. With <paramref name="countRoundTrips"/> off the <see cref="RoundTripMeter"/> is still
    /// registered but stays at 0: no counting interceptor is added (see <c>CommetOptions.CountRoundTrips</c>).
    /// </summary>
    public static IServiceCollection AddCommetDatabase(this IServiceCollection services, DatabaseProvider provider, string connectionString,
        bool countRoundTrips = false)
    {
        var meter = new RoundTripMeter();
        services.AddSingleton(meter);
        if (provider == DatabaseProvider.Postgres)
        {
            services.AddPooledDbContextFactory<PostgresCommetDb>(o => o.UseNpgsql(connectionString).ConfigureWarnings(IgnoreFilterWarning)
                .AddInterceptors(countRoundTrips ? new IInterceptor[] { new ForUpdateInterceptor(), new RoundTripCounter(meter) } : [new ForUpdateInterceptor()]));
            services.AddSingleton<IDbContextFactory<CommetDb>>(sp =>
                new Upcast<PostgresCommetDb>(sp.GetRequiredService<IDbContextFactory<PostgresCommetDb>>()));
        }
        else
        {
            services.AddPooledDbContextFactory<SqliteCommetDb>(o => o.UseSqlite(connectionString).ConfigureWarnings(IgnoreFilterWarning)
                .AddInterceptors(countRoundTrips
                    ? new IInterceptor[] { new SqlitePragmas(backgroundCheckpoints: true), new RoundTripCounter(meter) }
                    : [new SqlitePragmas(backgroundCheckpoints: true)]));
            services.AddHostedService(sp => new SqliteCheckpoints(connectionString, sp.GetRequiredService<ILogger<SqliteCheckpoints>>()));
            services.AddSingleton<IDbContextFactory<CommetDb>>(sp =>
                new Upcast<SqliteCommetDb>(sp.GetRequiredService<IDbContextFactory<SqliteCommetDb>>()));
        }
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<CommetDb>>().CreateDbContext());
        return services;
    }

    // Plans and the features they use always share one tenant, so the tenant filter on Feature cannot hide a plan's feature.
    // A failed write is the caller's to judge: a unique-index conflict that settles a race (two requests with one
    // Idempotency-Key, say) is expected, and a write that really fails is logged with its request by
    // RequestEnvelopeMiddleware or by the worker that made it. So EF Core's own error lines (with stack traces) are debug.
    private static void IgnoreFilterWarning(Microsoft.EntityFrameworkCore.Diagnostics.WarningsConfigurationBuilder w) =>
        w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.PossibleIncorrectRequiredNavigationWithQueryFilterInteractionWarning)
            .Log((Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.SaveChangesFailed, LogLevel.Debug),
                (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError, LogLevel.Debug));

    /// <summary>
    /// Brings the schema up to date and sets SQLite to write-ahead logging (readers never wait for the writer).
    /// Returns false when nothing was pending: then EF's migrator (its lock, its check of the model against the
    /// snapshot, about a third of a second of CPU at every start) is not run at all.
    /// </summary>
    public static async Task<bool> MigrateAsync(CommetDb db, CancellationToken ct)
    {
        if (!db.IsPostgres)
        {
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL;", ct);
        }
        if (!await HasPendingMigrationsAsync(db, ct))
        {
            return false;
        }
        await db.Database.MigrateAsync(ct);
        return true;
    }

    /// <summary>
    /// Whether a migration of this build is missing from the database's history: one query of the history table
    /// (none when the table does not exist yet, an empty database). A database with migrations this build does not
    /// know (a newer build ran on it) is left to the migrator, which reports it.
    /// </summary>
    public static async Task<bool> HasPendingMigrationsAsync(CommetDb db, CancellationToken ct)
    {
        var known = db.Database.GetMigrations().ToList();
        var applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToHashSet(StringComparer.Ordinal);
        return known.Count != applied.Count || !known.All(applied.Contains);
    }

    private sealed class Upcast<T>(IDbContextFactory<T> inner) : IDbContextFactory<CommetDb>
        where T : CommetDb
    {
        public CommetDb CreateDbContext()
        {
            // Contexts are pooled (creating one is a large part of a small request); one coming back from the pool
            // must not keep the tenant of its previous request.
            var db = inner.CreateDbContext();
            db.Unscope();
            return db;
        }
    }
}

/// <summary>Used by <c>dotnet ef</c> to build the SQLite migrations.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCommetDb>
{
    public SqliteCommetDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCommetDb>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Used by <c>dotnet ef</c> to build the PostgreSQL migrations.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCommetDb>
{
    public PostgresCommetDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCommetDb>().UseNpgsql("Host=localhost;Database=design").Options);
}

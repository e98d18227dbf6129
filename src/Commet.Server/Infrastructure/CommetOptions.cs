namespace Commet.Server.Infrastructure;

/// <summary>Server settings, bound from the <c>Commet</c> section and the <c>COMMET_*</c> environment variables.</summary>
public sealed class CommetOptions
{
    public const string Section = "Commet";

    /// <summary>Where the SQLite database and the bootstrap key file live. Default <c>./data</c>.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>A PostgreSQL connection string (key=value or postgres:// URL). Empty means SQLite.</summary>
    public string? DatabaseUrl { get; set; }

    /// <summary>Apply pending migrations at start-up.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>Public base URL used to build portal and hosted-page links; falls back to the request.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>A sandbox API key to register on start (scripts, CI, containers).</summary>
    public string? BootstrapSandboxKey { get; set; }

    /// <summary>A live API key to register on start.</summary>
    public string? BootstrapLiveKey { get; set; }

    /// <summary>Largest accepted request body, in bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Count the database round trips of HTTP requests (<c>RoundTripMeter</c>; the tests and the benchmark pass read it).
    /// Off by default: the counting is an EF Core command interceptor, and with one registered EF Core builds event
    /// objects for every command it sends (about 4 % of a portal page's allocations).
    /// </summary>
    public bool CountRoundTrips { get; set; }
}

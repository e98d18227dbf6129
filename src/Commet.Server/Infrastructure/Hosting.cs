using Microsoft.OpenApi;

namespace Commet.Server.Infrastructure;

public static class Hosting
{
    public const string DefaultUrl = "http://localhost:5080";

    private static readonly Dictionary<string, string> EnvironmentMap = new()
    {
        ["COMMET_DATA_DIR"] = "Commet:DataDir",
        ["COMMET_DATABASE_URL"] = "Commet:DatabaseUrl",
        ["COMMET_MIGRATE_ON_STARTUP"] = "Commet:MigrateOnStartup",
        ["COMMET_PUBLIC_URL"] = "Commet:PublicUrl",
        ["COMMET_BOOTSTRAP_SANDBOX_KEY"] = "Commet:BootstrapSandboxKey",
        ["COMMET_BOOTSTRAP_LIVE_KEY"] = "Commet:BootstrapLiveKey",
        ["COMMET_STRIPE_SECRET_KEY"] = "Commet:Stripe:SecretKey",
        ["COMMET_STRIPE_WEBHOOK_SECRET"] = "Commet:Stripe:WebhookSecret",
        ["COMMET_STRIPE_API_BASE"] = "Commet:Stripe:ApiBase",
        ["COMMET_ADMIN_EMAIL"] = "Commet:Dashboard:AdminEmail",
        ["COMMET_ADMIN_PASSWORD"] = "Commet:Dashboard:AdminPassword",
    };

    /// <summary>
    /// The content root is the server's own folder (where the build puts <c>appsettings.json</c>), not the folder it
    /// was started from: <c>dotnet run --project src/Commet.Server</c> from the repository root, or
    /// <c>dotnet /opt/commet/Commet.Server.dll</c> from anywhere, reads the same settings, including the log levels
    /// that keep EF Core's SQL out of the console. Relative paths in settings (<c>Commet:DataDir</c>, default
    /// <c>./data</c>) still resolve against the working directory.
    /// </summary>
    public static WebApplicationOptions ApplicationOptions(string[] args) =>
        new() { Args = args, ContentRootPath = AppContext.BaseDirectory };

    /// <summary>Maps the documented <c>COMMET_*</c> variables onto the <c>Commet</c> configuration section.</summary>
    public static void AddCommetEnvironment(this ConfigurationManager configuration)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (variable, key) in EnvironmentMap)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value))
            {
                values[key] = value;
            }
        }
        if (values.Count > 0)
        {
            configuration.AddInMemoryCollection(values);
        }
    }

    /// <summary><c>--urls</c> wins, then <c>COMMET_URLS</c>, then <c>ASPNETCORE_URLS</c>, then http://localhost:5080.</summary>
    public static void UseCommetUrls(this ConfigureWebHostBuilder webHost, string[] args, IConfiguration configuration)
    {
        if (args.Any(a => a.StartsWith("--urls", StringComparison.Ordinal)))
        {
            return;
        }
        var urls = Environment.GetEnvironmentVariable("COMMET_URLS");
        if (!string.IsNullOrEmpty(urls))
        {
            webHost.UseUrls(urls);
        }
        else if (string.IsNullOrEmpty(configuration["urls"]))
        {
            webHost.UseUrls(DefaultUrl);
        }
    }

    public static IServiceCollection AddCommetOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Commet for .NET API",
                Version = "2026-07-11",
                Description = "Wire-compatible with Commet's public API (@commet/node 7.10.0). Authenticate with the x-api-key header.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "x-api-key",
                Description = "A key that starts with ck_ (ck_test_ for sandbox, ck_live_ for live).",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] });
            return Task.CompletedTask;
        }));
}

using Commet.Server.Billing;
using Commet.Server.Catalog;
using Commet.Server.Invoices;
using Commet.Server.Transactions;
using Commet.Server.Payments;
using Commet.Server.Subscriptions;
using Commet.Server.TestClocks;
using Commet.Server.Usage;
using Microsoft.AspNetCore.DataProtection;
using Commet.Server.Customers;
using Commet.Server.Dashboard;
using Commet.Server.Emails;
using Commet.Server.Http;
using Commet.Server.Infrastructure;
using Commet.Server.Organizations;
using Commet.Server.Persistence;
using Commet.Server.Portal;
using Commet.Server.Webhooks;
using Microsoft.EntityFrameworkCore;
using Scalar.AspNetCore;

// Before anything else makes threads: the native heap kept small (Infrastructure/GlibcHeap.cs).
GlibcHeap.Configure();

// `backup FILE` copies the SQLite database online and exits; the server is not started.
var backupArgs = Backup.IsRequested(args) ? args[..Math.Min(args.Length, 2)] : null;
var builder = WebApplication.CreateBuilder(Hosting.ApplicationOptions(backupArgs is null ? args : args[backupArgs.Length..]));
builder.Configuration.AddCommetEnvironment();
if (backupArgs is not null)
{
    Environment.ExitCode = Backup.Run(backupArgs, builder.Configuration, Console.Out);
    return;
}
builder.WebHost.UseCommetUrls(args, builder.Configuration);

// The host's request log would write full URLs, and portal and payment links carry their secret in the path;
// the server's own access log (RequestEnvelopeMiddleware) redacts them instead.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

var options = builder.Configuration.GetSection(CommetOptions.Section).Get<CommetOptions>() ?? new CommetOptions();
builder.Services.AddOptions<CommetOptions>().Bind(builder.Configuration.GetSection(CommetOptions.Section))
    .Validate(o => o.MaxRequestBodyBytes > 0, "Commet:MaxRequestBodyBytes must be positive.")
    .ValidateOnStart();
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);

var (provider, connectionString) = Database.Resolve(options, builder.Configuration);
builder.Services.AddCommetDatabase(provider, connectionString, options.CountRoundTrips);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddMemoryCache();
builder.Services.AddSingleton<ApiKeyService>();
builder.Services.AddSingleton<Bootstrap>();
builder.Services.AddScoped<ApiCaller>();
builder.Services.AddHostedService<IdempotencyPurgeService>();
builder.Services.AddDataProtection().PersistKeysToDbContext<CommetDb>().SetApplicationName("Commet");
builder.Services.AddOptions<BillingOptions>().Bind(builder.Configuration.GetSection(BillingOptions.Section));
builder.Services.AddSingleton<BillingClock>();
builder.Services.AddSingleton<Commet.Server.TestClocks.AdvanceTestClock>();
builder.Services.AddSingleton<BillingScopes>();
builder.Services.AddSingleton<SandboxPaymentProvider>();
builder.Services.AddOptions<StripeOptions>().Bind(builder.Configuration.GetSection(StripeOptions.Section));
builder.Services.AddSingleton<StripeClients>();
builder.Services.AddSingleton<PaymentProviders>();
builder.Services.AddSingleton<ConnectPaymentProvider>();
builder.Services.AddSingleton<StripeCheckout>();
builder.Services.AddSingleton<StripeWebhooks>();
builder.Services.AddSingleton<PaymentService>();
builder.Services.AddSingleton<HostedLinks>();
builder.Services.AddUsage(builder.Configuration);
builder.Services.AddSubscriptions();
builder.Services.AddInvoices();
builder.Services.AddTransactions();
builder.Services.AddOneOffPayments();
builder.Services.AddSingleton<BillingEngine>();
builder.Services.AddHostedService<BillingWorker>();
builder.Services.AddWebhooks(builder.Configuration);
builder.Services.AddCommetOpenApi();
builder.Services.AddOptions<PortalOptions>().Bind(builder.Configuration.GetSection(PortalOptions.Section))
    .Validate(o => o.IsValid(out _), "Commet:Portal settings are out of range (see PortalOptions).")
    .ValidateOnStart();
builder.Services.AddSingleton<PortalSessions>();
builder.Services.AddSingleton<PortalLinkWriter>();
builder.Services.AddSingleton<PortalBrandings>();
builder.Services.AddSingleton<UpdatePortalSettings>();
builder.Services.AddSingleton<PortalContexts>();
builder.Services.AddSingleton<CatalogCache>();
builder.Services.AddScoped<PortalActions>();
builder.Services.AddSingleton<PortalCardAttempts>();
builder.Services.AddHostedService<PortalPurgeService>();
builder.Services.AddPortalRateLimits();
builder.Services.AddLocalization(o => o.ResourcesPath = Commet.Server.Localization.Texts.ResourcesPath);
builder.Services.AddSingleton(Commet.Server.Localization.Texts.Shared);
builder.AddCommetLimits();
builder.AddCommetTelemetry();
var trustsConfiguredProxies = builder.AddCommetForwardedHeaders();
builder.Services.AddRazorPages();
// Pages show names and addresses in any script; encode only what HTML needs encoded.
builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
    o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
builder.Services.AddSingleton<Commet.Server.HostedPages.PayAttempts>();
builder.Services.AddOptions<SmtpOptions>().Bind(builder.Configuration.GetSection(SmtpOptions.Section))
    .Validate(o => !o.IsConfigured || !string.IsNullOrWhiteSpace(o.From), "Commet:Smtp:From is required when Commet:Smtp:Host is set.")
    .Validate(o => !o.IsConfigured || o.Port is > 0 and < 65536, "Commet:Smtp:Port must be a TCP port.")
    .ValidateOnStart();
builder.Services.AddOptions<EmailOptions>().Bind(builder.Configuration.GetSection(EmailOptions.Section));
builder.Services.AddSingleton<EmailTexts>();
builder.Services.AddSingleton<IEmailCulture, DefaultEmailCulture>();
builder.Services.AddSingleton<EmailComposer>();
builder.Services.AddSingleton<EmailTransport>();
builder.Services.AddSingleton<PortalLinkRequests>();
builder.Services.AddHostedService<EmailSender>();
builder.AddCommetDashboard();

var app = builder.Build();

if (trustsConfiguredProxies)
{
    app.UseForwardedHeaders();
}
app.UseMiddleware<RequestEnvelopeMiddleware>();
app.UseRequestTimeouts();
app.UseStatusCodePages(ApiStatusCodePages.WriteAsync);
app.UseWhen(c => c.Request.Path.StartsWithSegments("/portal") || c.Request.Path.StartsWithSegments("/pay"),
    pages => pages.UseMiddleware<Commet.Server.Localization.RequestLanguageMiddleware>());
app.UseWhen(c => c.Request.Path.StartsWithSegments("/portal"), portal =>
{
    portal.UseMiddleware<PortalErrorMiddleware>();
    portal.UseStatusCodePages(PortalStatusPages.WriteAsync);
});
app.UseCommetDashboard();
app.UseMiddleware<ApiKeyMiddleware>();
app.UseRateLimiter();
app.UseMiddleware<RateLimitHeadersMiddleware>();
app.UseMiddleware<IdempotencyMiddleware>();

// Probes answer at routing, past every middleware (no request ID, log scope, key lookup or database context).
app.MapGet("/healthz", () => Results.Text("ok")).ExcludeFromDescription().ShortCircuit();
app.MapGet("/readyz", ReadyProbe.AnswerAsync).ExcludeFromDescription().ShortCircuit();

// The document is built from the routes (no database, nothing a client controls); on a starved CPU building it can take
// longer than the request timeout, which then cut the answer it had begun to send.
app.MapOpenApi("/openapi/{documentName}.json").DisableRequestTimeout();
app.MapScalarApiReference("/docs", o => o.WithTitle("Commet for .NET API").AddPreferredSecuritySchemes("ApiKey"));

// Every /api/v1 route can answer 401: the API key is checked before the route runs.
var v1 = app.MapGroup("/api/v1").WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ApiErrorEnvelope), ["application/json"]));
v1.MapCustomers();
v1.MapApiKeys();
v1.MapWhoAmI();
v1.MapCatalog();
v1.MapSubscriptions();
v1.MapUsage();
v1.MapAiModelRates();
v1.MapQuota();
v1.MapInvoices();
v1.MapTransactions();
v1.MapPayments();
v1.MapTestClock();
v1.MapSandbox();
v1.MapPaymentProvider();
v1.MapPortalSettings();
v1.MapPortalLogos();
v1.MapEmails();
v1.MapWebhooks();
v1.MapWebhookListen();
v1.MapRequestAccess("/portal/request-access");
v1.MapNotAvailable();
app.MapRequestAccess("/api/portal/request-access").ExcludeFromDescription();
app.MapInvoicePdf();
app.MapLogoFiles();
app.MapStripe();
app.MapRazorPages();
// A RequestDelegate, not a Delegate: the Request Delegate Generator's interceptor for MapFallback(pattern, Delegate)
// dropped the pattern, so the API's JSON 404 answered every unknown path (the portal's own 404 page among them).
app.MapFallback("/api/{**rest}", context => Api.Error(ApiErrors.RouteNotFound).ExecuteAsync(context)).ExcludeFromDescription();

// Start-up: the endpoints (every minimal API's request delegate, the Razor Pages) are built on the other core while this
// one checks the schema and runs the bootstrap; otherwise the dashboard's authorization middleware builds them on the
// start path, after the bootstrap (docs/benchmarks.md, "Cold start, part 4"). Same singleton data source it uses.
var endpointsBuilt = Task.Run(() => app.Services.GetRequiredService<EndpointDataSource>().Endpoints.Count);
await app.Services.GetRequiredService<Bootstrap>().RunAsync(CancellationToken.None);
await AdminBootstrap.RunAsync(app.Services, CancellationToken.None);
await endpointsBuilt;
app.Logger.LogInformation("Storage: {Provider}", provider);

// Start-up time as the operator sees it: from the process's start to listening (bench/run-startup.sh measures it from outside).
app.Lifetime.ApplicationStarted.Register(() =>
{
    using var self = System.Diagnostics.Process.GetCurrentProcess();
    app.Logger.LogInformation("Started in {Ms:0} ms", (DateTime.Now - self.StartTime).TotalMilliseconds);
});
app.Run();

/// <summary>The entry point, visible to <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program;

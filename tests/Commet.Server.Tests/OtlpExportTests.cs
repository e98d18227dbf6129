using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Commet.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// A server process started with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> sends its traces and metrics over OTLP (HTTP and
/// protobuf) to a collector on loopback: the request metrics and spans of ASP.NET Core, the outgoing-HTTP metric (the
/// webhook delivery), and the <c>Commet</c> meter's
/// counters (events ingested, renewals, charges by outcome, webhook deliveries) and the queue-lag gauge. Without the
/// setting, nothing is sent.
/// </summary>
public sealed class OtlpExportTests
{
    private const string Key = "ck_test_otlp_export_000000000001";

    private static readonly string[] Metrics =
    [
        "http.server.request.duration", "http.client.request.duration", "commet.usage.events_ingested", "commet.subscriptions.renewals", "commet.payments.charges",
        "commet.webhooks.deliveries", "commet.webhooks.queue_lag",
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithAnOtlpEndpoint_TracesAndEveryMetricAreExported(bool postgres)
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var hooks = await WebhookReceiver.StartAsync();
        await using var database = postgres ? await ScratchDatabase.CreateAsync() : null;
        var dataDir = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        try
        {
            await using var node = await ServerProcess.StartAsync(new Dictionary<string, string>
            {
                [postgres ? "COMMET_DATABASE_URL" : "COMMET_DATA_DIR"] = database?.ConnectionString ?? dataDir,
                ["COMMET_BOOTSTRAP_SANDBOX_KEY"] = Key,
                ["Commet__Billing__Worker"] = "false",
                ["Commet__Webhooks__PollMilliseconds"] = "50",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = "commet-otlp-test",
                // Exported every half second instead of every minute (metrics) and five seconds (spans).
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            });
            var api = node.Client(Key);
            await api.PostJson("/api/v1/webhooks", new { url = hooks.Url.ToString(), events = new[] { "*" } }).Ok();
            await api.SetClock(Utc(2027, 4, 1));
            await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage" }).Ok();
            await api.Plan("starter", 1900);
            await api.PostJson("/api/v1/plans/starter/features", new { featureId = "api_calls", includedAmount = 10_000 }).Ok();
            await api.Customer("ann");
            await api.Subscribe("ann", "starter"); // a charge (succeeded)
            await api.PostJson("/api/v1/usage/events", new { customerId = "ann", feature = "api_calls", value = 3, idempotencyKey = "o1" })
                .Ok(HttpStatusCode.Created); // an event ingested
            await api.SetClock(Utc(2027, 5, 1));
            Assert.Equal(1, (await api.ProcessBilling())["invoicesCreated"]!.GetValue<int>()); // a renewal, and its charge
            await hooks.WaitForAsync(r => r.Count > 0, "a webhook delivery");

            // Every metric arrives in some export to /v1/metrics, and the spans of the requests above in /v1/traces.
            await collector.WaitForAsync(c => Metrics.All(m => c.Contains("/v1/metrics", m)) && c.Contains("/v1/traces", "/api/v1/usage/events"),
                () => $"metrics and spans; received {collector.Summary()}");
            Assert.True(collector.Contains("/v1/metrics", "commet-otlp-test"), "the service name is the resource's"); // OTEL_SERVICE_NAME
            Assert.True(collector.Contains("/v1/metrics", "succeeded"), "charges carry their outcome");
            Assert.DoesNotContain("Unhandled", node.Output, StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task WithoutAnOtlpEndpoint_NothingIsSent()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var dataDir = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        try
        {
            // The collector's address is given only as a traces endpoint: without OTEL_EXPORTER_OTLP_ENDPOINT telemetry is off.
            await using var node = await ServerProcess.StartAsync(new Dictionary<string, string>
            {
                ["COMMET_DATA_DIR"] = dataDir,
                ["COMMET_BOOTSTRAP_SANDBOX_KEY"] = Key,
                ["Commet__Billing__Worker"] = "false",
                ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = collector.Url + "/v1/traces",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            });
            var api = node.Client(Key);
            await api.Customer("bo");
            // A request answered after the customer's: had an exporter been running, its first batch (200 ms) would be due.
            var started = DateTime.UtcNow;
            while (DateTime.UtcNow - started < TimeSpan.FromSeconds(2))
            {
                (await api.GetAsync("/api/v1/customers/bo")).EnsureSuccessStatusCode();
            }
            Assert.Equal(0, collector.Count);
        }
        finally
        {
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>An OTLP/HTTP receiver on loopback: keeps every export's path and body (protobuf, searched as bytes).</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly ConcurrentQueue<(string Path, string Body)> received = new();
        private readonly SemaphoreSlim arrived = new(0);

        private OtlpCollector(WebApplication app) => this.app = app;

        public string Url { get; private set; } = "";

        public int Count => received.Count;

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var collector = new OtlpCollector(app);
            app.MapPost("/{**path}", async (HttpContext context) =>
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer);
                // Latin-1 keeps one character per byte, so the UTF-8 names inside the protobuf are found as they are.
                collector.received.Enqueue((context.Request.Path.Value ?? "", Encoding.Latin1.GetString(buffer.ToArray())));
                collector.arrived.Release();
                context.Response.ContentType = "application/x-protobuf";
                context.Response.StatusCode = 200;
            });
            await app.StartAsync();
            collector.Url = app.Urls.First();
            return collector;
        }

        public bool Contains(string path, string text) => received.Any(r => r.Path == path && r.Body.Contains(text, StringComparison.Ordinal));

        public string Summary() => string.Join(", ", received.GroupBy(r => r.Path).Select(g => $"{g.Key} × {g.Count()}"))
            + "; metrics seen: " + string.Join(", ", Metrics.Where(m => Contains("/v1/metrics", m)));

        /// <summary>Waits while exports keep arriving; fails after 60 s without the condition.</summary>
        public async Task WaitForAsync(Func<OtlpCollector, bool> done, Func<string> what)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!done(this))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new Xunit.Sdk.XunitException("Timed out waiting for " + what());
                }
                await arrived.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
            }
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

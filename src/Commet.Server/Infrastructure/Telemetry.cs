using System.Diagnostics.Metrics;
using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Commet.Server.Infrastructure;

/// <summary>
/// The server's own metrics, on the meter <c>Commet</c>. Requests are counted by ASP.NET Core's instrumentation
/// (<c>http.server.request.duration</c>); these count the billing work. Call sites record after the work is decided
/// (a transaction rolled back afterwards still counts, which these figures tolerate).
/// </summary>
public static class CommetMetrics
{
    public const string MeterName = "Commet";

    public static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> UsageEvents = Meter.CreateCounter<long>("commet.usage.events_ingested", "{event}",
        "Usage events recorded (a repeated idempotency key is not counted again).");

    private static readonly Counter<long> Renewals = Meter.CreateCounter<long>("commet.subscriptions.renewals", "{renewal}",
        "Subscription periods renewed by the billing engine.");

    private static readonly Counter<long> Charges = Meter.CreateCounter<long>("commet.payments.charges", "{charge}",
        "Charge attempts of invoices, by outcome (succeeded, failed).");

    private static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>("commet.webhooks.deliveries", "{attempt}",
        "Webhook delivery attempts, by outcome (succeeded, retry_scheduled, failed).");

    public static void UsageEventsIngested(long count)
    {
        if (count > 0)
        {
            UsageEvents.Add(count);
        }
    }

    public static void Renewal() => Renewals.Add(1);

    public static void Charge(bool succeeded) => Charges.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : "failed"));

    /// <summary>An attempt's outcome, with the delivery's status after it (<see cref="WebhookDeliveryStatus"/>).</summary>
    public static void WebhookDelivery(string statusAfter) => WebhookDeliveries.Add(1,
        new KeyValuePair<string, object?>("outcome", statusAfter == WebhookDeliveryStatus.Pending ? "retry_scheduled" : statusAfter));

    /// <summary>
    /// OpenTelemetry traces and metrics over OTLP, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads
    /// the other <c>OTEL_*</c> variables itself: protocol, headers, service name). Nothing is collected otherwise.
    /// </summary>
    public static WebApplicationBuilder AddCommetTelemetry(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }
        builder.Services.AddSingleton<QueueLag>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QueueLag>());
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "commet"))
            .WithTracing(t => t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddOtlpExporter())
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddMeter(MeterName).AddOtlpExporter());
        return builder;
    }
}

/// <summary>
/// The gauge <c>commet.webhooks.queue_lag</c>: seconds since the oldest webhook delivery that is due fell due (0 when
/// none waits). Measured every 15 seconds, so that an exporter's collection never waits on the database.
/// </summary>
public sealed class QueueLag(IDbContextFactory<CommetDb> dbFactory, TimeProvider time, ILogger<QueueLag> logger) : BackgroundService
{
    private double seconds;

    public double Seconds => Volatile.Read(ref seconds);

    public async Task<double> MeasureAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var oldest = await db.WebhookDeliveries.IgnoreQueryFilters()
            .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt != null && d.NextAttemptAt <= now)
            .MinAsync(d => d.NextAttemptAt, ct);
        var lag = oldest is { } due ? Math.Max(0, (now - due).TotalSeconds) : 0;
        Volatile.Write(ref seconds, lag);
        return lag;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        CommetMetrics.Meter.CreateObservableGauge("commet.webhooks.queue_lag", () => Seconds, "s",
            "Seconds since the oldest due webhook delivery fell due.");
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15), time);
        do
        {
            try
            {
                await MeasureAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Could not measure the webhook queue lag: {Error}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

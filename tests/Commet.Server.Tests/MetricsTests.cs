using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Commet.Server.Tests.Infrastructure;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

public sealed class MetricsSqliteTests(SqliteServer server) : MetricsTests(server), IClassFixture<SqliteServer>;

public sealed class MetricsPostgresTests(PostgresServer server) : MetricsTests(server), IClassFixture<PostgresServer>;

/// <summary>
/// The counters of the <c>Commet</c> meter, read with a <see cref="MeterListener"/>. The meter is shared by every
/// server in this test process, so each count is at least what this test caused (others may add to it).
/// </summary>
public abstract class MetricsTests(ServerFixture server)
{
    [Fact]
    public async Task UsageCharges_AndRenewals_AreCounted()
    {
        var measured = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Commet")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var outcome = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    outcome = "/" + tag.Value;
                }
            }
            measured.AddOrUpdate(instrument.Name + outcome, value, (_, v) => v + value);
        });
        listener.Start();

        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage" }).Ok();
        await api.Plan("starter", 1900);
        await api.PostJson("/api/v1/plans/starter/features", new { featureId = "api_calls", includedAmount = 10_000 }).Ok();
        await api.Customer("ann");
        await api.Subscribe("ann", "starter");
        await api.Customer("bob", card: BillingSetup.FailsLaterCard);
        await api.PostJson("/api/v1/subscriptions", new { customerId = "bob", planCode = "starter" });

        // Three events, one of them repeated with its idempotency key (counted once), and a batch of two.
        for (var i = 0; i < 3; i++)
        {
            await api.PostJson("/api/v1/usage/events", new { customerId = "ann", feature = "api_calls", value = 1, idempotencyKey = $"m{i}" }).Ok(HttpStatusCode.Created);
        }
        await api.PostJson("/api/v1/usage/events", new { customerId = "ann", feature = "api_calls", value = 1, idempotencyKey = "m0" }).Ok(HttpStatusCode.OK);
        await api.PostJson("/api/v1/usage/events/batch", new
        {
            events = new[] { new { customerId = "ann", feature = "api_calls", value = 1 }, new { customerId = "ann", feature = "api_calls", value = 2 } },
        }).Ok();

        // A month later the engine renews Ann's subscription.
        await api.RunUntil(Utc(2027, 5, 1));
        listener.RecordObservableInstruments();

        string Seen() => string.Join(", ", measured.Select(kv => $"{kv.Key}={kv.Value}"));
        Assert.True(measured.GetValueOrDefault("commet.usage.events_ingested") >= 5, Seen());
        Assert.True(measured.GetValueOrDefault("commet.payments.charges/succeeded") >= 2, Seen()); // Ann's first month and her renewal
        Assert.True(measured.GetValueOrDefault("commet.payments.charges/failed") >= 1, Seen()); // Bob's card is declined
        Assert.True(measured.GetValueOrDefault("commet.subscriptions.renewals") >= 1, Seen());
    }
}

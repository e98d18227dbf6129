using System.Net;
using System.Text.Json.Nodes;
using Commet.Server.Tests.Infrastructure;
using Commet.Server.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Commet.Server.Tests;

/// <summary>A server with a fake clock (retries fall due when a test moves it) and a DNS seam, for webhook tests.</summary>
public abstract class WebhookServer : ServerFixture
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2028, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public TestWebhookDns Dns { get; } = new();

    public WebhookDispatcher Dispatcher => Services.GetRequiredService<WebhookDispatcher>();

    protected override void AdjustSettings(IDictionary<string, string?> settings)
    {
        settings["Commet:Webhooks:PollMilliseconds"] = "20";
    }

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<IWebhookDns>(Dns);
    }

    /// <summary>Waits until the dispatcher has finished <paramref name="count"/> whole rounds that began after this call.</summary>
    public async Task PassRoundsAsync(int count = 2)
    {
        var target = Dispatcher.Rounds + count + 1;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Dispatcher.Rounds < target)
        {
            Assert.True(DateTime.UtcNow < deadline, "The dispatcher stopped making rounds.");
            await Task.Delay(10);
        }
    }
}

public sealed class WebhookSqliteServer : WebhookServer
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "commet-tests", Guid.NewGuid().ToString("N"));

    public override string Name => "sqlite";

    protected override Task<IDictionary<string, string?>> PrepareDatabaseAsync()
    {
        Directory.CreateDirectory(dataDir);
        return Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?> { ["Commet:DataDir"] = dataDir });
    }
}

public sealed class WebhookPostgresServer : WebhookServer
{
    private readonly string database = "commet_wh_" + Guid.NewGuid().ToString("N")[..12];

    public override string Name => "postgres";

    protected override async Task<IDictionary<string, string?>> PrepareDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new Dictionary<string, string?> { ["Commet:DatabaseUrl"] = new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = database }.ToString() };
    }

    protected override async Task DropDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

public sealed class WebhookSqliteTests(WebhookSqliteServer server) : WebhookTests(server), IClassFixture<WebhookSqliteServer>;

public sealed class WebhookPostgresTests(WebhookPostgresServer server) : WebhookTests(server), IClassFixture<WebhookPostgresServer>;

public abstract class WebhookTests(WebhookServer server)
{
    private static readonly TimeSpan[] Schedule =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4)];

    private static async Task<(string Id, string Secret)> EndpointAsync(HttpClient api, Uri url, params string[] events)
    {
        var created = await api.PostJson("/api/v1/webhooks", new { url = url.ToString(), events, description = "test receiver" }).Ok(HttpStatusCode.Created);
        return (created.Str("id"), created.Str("secretKey"));
    }

    private static async Task<string> SubscribeAsync(HttpClient api, string customer)
    {
        await api.Customer(customer);
        return (await api.Subscribe(customer, "basic")).Str("id");
    }

    private static IEnumerable<ReceivedWebhook> For(IEnumerable<ReceivedWebhook> received, string subscriptionId) =>
        received.Where(r => r.Json["data"]?["subscriptionId"]?.GetValue<string>() == subscriptionId);

    [Fact]
    public async Task EventsFromApiAndPortal_ArriveWithBothSignaturesValid_TamperedBodiesFail()
    {
        var tenant = await server.NewTenantAsync();
        var api = tenant.Api;
        await using var receiver = await WebhookReceiver.StartAsync();
        var (endpointId, secret) = await EndpointAsync(api, receiver.Url, "*");

        // The secret: whsec_ and the base64 of 32 random bytes, shown once.
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        var fetched = await api.GetJson($"/api/v1/webhooks/{endpointId}").Ok();
        Assert.Null(fetched["secretKey"]);
        Assert.Equal("webhook", fetched.Str("object"));
        Assert.True(fetched["isActive"]!.GetValue<bool>());
        var list = await api.GetJson("/api/v1/webhooks").Ok();
        Assert.Equal(endpointId, list.AsArray().Single()!.Str("id"));

        // API flow: a subscription; portal flow: the customer cancels it in the portal.
        await api.Plan("basic", 4900);
        var sub = await SubscribeAsync(api, "ann");
        using (var ann = await PortalClient.OpenAsync(server, api, "ann"))
        {
            var review = await ann.SubmitAsync("/portal/cancel", "/portal/cancel?handler=Review",
                new Dictionary<string, string?> { ["subscriptionId"] = sub, ["Reason"] = "too_expensive", ["Feedback"] = "" });
            var confirmed = await ann.PostAsync("/portal/cancel?handler=Confirm",
                new Dictionary<string, string?> { ["subscriptionId"] = sub, ["Reason"] = "too_expensive", ["Feedback"] = "" }, PortalClient.Token(review.Html));
            Assert.Equal("/portal?m=canceled", confirmed.Location);
        }

        List<(string Id, string Type, string? SubscriptionId)> recorded;
        await using (var db = tenant.Db())
        {
            recorded = (await db.Events.OrderBy(e => e.Id).Select(e => new { e.Id, e.Type, e.SubscriptionId }).ToListAsync())
                .Select(e => (WebhookDispatcher.MessageId(e.Id), e.Type, e.SubscriptionId)).ToList();
        }
        Assert.Contains(recorded, e => e.Type == "subscription.created");
        Assert.Contains(recorded, e => e.Type == "subscription.cancellation_scheduled");
        var received = await receiver.WaitForAsync(r => recorded.All(e => r.Any(x => x.Id == e.Id)), "every recorded event");

        Assert.Equal(recorded.Count, received.Count);
        foreach (var r in received)
        {
            Assert.True(WebhookVerify.Commet(r.Body, r.Headers["x-commet-signature"], secret), r.Event);
            Assert.True(WebhookVerify.Standard(r.Body, r.Headers, secret), r.Event);
            var json = r.Json;
            Assert.Equal(r.Event, json.Str("event"));
            Assert.Equal(recorded.Single(e => e.Id == r.Id).Type, r.Event);
            Assert.Equal(r.Id, json.Str("id"));
            Assert.Equal(r.Id, r.Headers["x-commet-event-id"]);
            Assert.StartsWith("whev_", r.Id, StringComparison.Ordinal);
            Assert.Equal(r.Headers["webhook-timestamp"], r.Headers["x-commet-timestamp"]);
            Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), r.Headers["webhook-timestamp"]);
            Assert.Equal(tenant.OrganizationId, json.Str("organizationId"));
            Assert.Equal("sandbox", json.Str("mode"));
            Assert.Equal("2026-07-11", json.Str("apiVersion"));
            Assert.NotNull(json["data"]);
            Assert.Equal("application/json; charset=utf-8", r.Headers["content-type"]);
        }
        // One subscription's events arrive in the order they were recorded (none needed a retry).
        var ofSubscription = recorded.Where(e => e.SubscriptionId == sub).Select(e => e.Id).ToList();
        Assert.True(ofSubscription.Count >= 3, string.Join(", ", ofSubscription));
        Assert.Equal(ofSubscription, received.Select(r => r.Id).Where(ofSubscription.Contains));
        var portalEvent = received.Single(r => r.Event == "subscription.cancellation_scheduled");
        Assert.Equal(sub, portalEvent.Json["data"]!.Str("subscriptionId"));

        // Tampered: one changed byte, or the wrong secret, and neither verifier accepts.
        var tampered = portalEvent.Body.Replace("\"sandbox\"", "\"live\"", StringComparison.Ordinal);
        Assert.NotEqual(portalEvent.Body, tampered);
        Assert.False(WebhookVerify.Commet(tampered, portalEvent.Headers["x-commet-signature"], secret));
        Assert.False(WebhookVerify.Standard(tampered, portalEvent.Headers, secret));
        var other = WebhookSecrets.New();
        Assert.False(WebhookVerify.Both(portalEvent, other));

        // The test call sends a real signed delivery and answers what happened.
        var test = await api.PostJson($"/api/v1/webhooks/{endpointId}/test", null).Ok();
        Assert.True(test["success"]!.GetValue<bool>());
        Assert.StartsWith("whdl_", test.Str("deliveryId"), StringComparison.Ordinal);
        Assert.Equal(server.Clock.GetUtcNow().UtcDateTime, test.Date("deliveredAt"), TimeSpan.FromMilliseconds(1));
        var testEvent = receiver.Received.Single(r => r.Event == "webhook.test");
        Assert.True(WebhookVerify.Both(testEvent, secret));

        // The delivery log lists every delivery, delivered on the first attempt (once the round that sent them has recorded it).
        await server.PassRoundsAsync();
        var log = (await api.GetJson($"/api/v1/webhooks/{endpointId}/deliveries?limit=100").Ok()).AsArray();
        Assert.Equal(recorded.Count + 1, log.Count);
        Assert.All(log, d => Assert.Equal("succeeded", d!.Str("status")));
        Assert.All(log, d => Assert.Equal(1, d!["attempts"]!.GetValue<int>()));
        Assert.All(log, d => Assert.Equal(200, d!["lastStatusCode"]!.GetValue<int>()));
    }

    [Fact]
    public async Task FailingReceiver_GetsRetriesOnTheSchedule_ASuccessStopsThem()
    {
        var tenant = await server.NewTenantAsync();
        var api = tenant.Api;
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = () => 500;
        var (endpointId, _) = await EndpointAsync(api, receiver.Url, "subscription.created");
        await api.Plan("basic", 4900);
        await SubscribeAsync(api, "bob");
        await receiver.WaitForAsync(r => r.Count == 1, "the first attempt");
        await server.PassRoundsAsync(); // the round that sent it has recorded the answer

        // Attempt k+1 fails; the next is due schedule[k] later (1 m, 5 m, 15 m): not a second earlier, and then it comes.
        for (var k = 0; k < 3; k++)
        {
            var delivery = (await api.GetJson($"/api/v1/webhooks/{endpointId}/deliveries").Ok()).AsArray().Single()!;
            Assert.Equal("pending", delivery.Str("status"));
            Assert.Equal(k + 1, delivery["attempts"]!.GetValue<int>());
            Assert.Equal(500, delivery["lastStatusCode"]!.GetValue<int>());
            Assert.Contains("HTTP 500", delivery.Str("lastError"), StringComparison.Ordinal);
            Assert.Equal(delivery.Date("lastAttemptAt") + Schedule[k], delivery.Date("nextAttemptAt"));
            if (k == 2)
            {
                receiver.Answer = () => 200;
            }
            server.Clock.Advance(Schedule[k] - TimeSpan.FromSeconds(1));
            await server.PassRoundsAsync();
            Assert.Equal(k + 1, receiver.Received.Count);
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            await receiver.WaitForAsync(r => r.Count == k + 2, $"attempt {k + 2}");
            await server.PassRoundsAsync();
        }

        // The fourth attempt succeeded: nothing more, however much time passes.
        server.Clock.Advance(TimeSpan.FromHours(10));
        await server.PassRoundsAsync();
        Assert.Equal(4, receiver.Received.Count);
        Assert.Single(receiver.Received.Select(r => r.Id).Distinct());
        var done = (await api.GetJson($"/api/v1/webhooks/{endpointId}/deliveries").Ok()).AsArray().Single()!;
        Assert.Equal("succeeded", done.Str("status"));
        Assert.Equal(4, done["attempts"]!.GetValue<int>());
        Assert.Null(done["nextAttemptAt"]);
        Assert.Null(done["lastError"]);
        Assert.NotNull(done["deliveredAt"]);
    }

    [Fact]
    public async Task ThreeEventsFailingEveryAttempt_DisableTheEndpoint_ReenablingResumesWithTheNextEvent()
    {
        var tenant = await server.NewTenantAsync();
        var api = tenant.Api;
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = () => 500;
        var (endpointId, secret) = await EndpointAsync(api, receiver.Url, "subscription.created");
        await api.Plan("basic", 4900);
        var failing = new[] { await SubscribeAsync(api, "c1"), await SubscribeAsync(api, "c2"), await SubscribeAsync(api, "c3") };
        await receiver.WaitForAsync(r => r.Count == 3, "three first attempts");
        await server.PassRoundsAsync();

        // Seven retries each (1 m … 4 h): 8 attempts per event, 24 in all, then the endpoint is disabled.
        for (var i = 0; i < Schedule.Length; i++)
        {
            server.Clock.Advance(Schedule[i]);
            var expected = 3 * (i + 2);
            await receiver.WaitForAsync(r => r.Count == expected, $"retry {i + 1} of each event");
            await server.PassRoundsAsync();
        }
        await server.PassRoundsAsync();
        var endpoint = await api.GetJson($"/api/v1/webhooks/{endpointId}").Ok();
        Assert.False(endpoint["isActive"]!.GetValue<bool>());
        Assert.Contains("3 events in a row failed every delivery attempt", endpoint.Str("disabledReason"), StringComparison.Ordinal);
        var log = (await api.GetJson($"/api/v1/webhooks/{endpointId}/deliveries").Ok()).AsArray();
        Assert.Equal(3, log.Count);
        Assert.All(log, d => Assert.Equal("failed", d!.Str("status")));
        Assert.All(log, d => Assert.Equal(8, d!["attempts"]!.GetValue<int>()));
        foreach (var sub in failing)
        {
            Assert.Equal(8, For(receiver.Received, sub).Count());
        }

        // Disabled: an event now reaches nothing, even with the receiver healthy again.
        receiver.Answer = () => 200;
        var missed = await SubscribeAsync(api, "c4");
        await server.PassRoundsAsync();
        await using (var db = tenant.Db())
        {
            Assert.Equal(0, await db.Events.CountAsync(e => e.DispatchedAt == null));
        }
        Assert.Equal(24, receiver.Received.Count);

        // Re-enabled: the reason is gone and the next event arrives (the one missed while disabled does not).
        var enabled = await api.PutJson($"/api/v1/webhooks/{endpointId}", new { isActive = true }).Ok();
        Assert.True(enabled["isActive"]!.GetValue<bool>());
        Assert.Null(enabled["disabledReason"]);
        var next = await SubscribeAsync(api, "c5");
        await receiver.WaitForAsync(r => r.Count == 25, "the next event");
        var last = receiver.Received[^1];
        Assert.Equal(next, last.Json["data"]!.Str("subscriptionId"));
        Assert.True(WebhookVerify.Both(last, secret));
        Assert.Empty(For(receiver.Received, missed));
    }

    [Fact]
    public async Task LiveEndpoints_PrivateTargetsRefused_AtCreateAndAtConnect()
    {
        var live = server.Client(ServerFixture.LiveKey);
        await using var receiver = await WebhookReceiver.StartAsync();
        server.Dns.Names["internal.example.test"] = [IPAddress.Parse("10.0.0.7")];
        server.Dns.Names["public.example.test"] = [IPAddress.Parse("93.184.216.34")];

        foreach (var url in new[]
        {
            "http://public.example.test/hook", "https://127.0.0.1/hook", "https://localhost/hook", "https://10.1.2.3/hook", "https://[::1]/hook",
            "https://169.254.169.254/latest/meta-data", "https://192.168.1.20/hook", "https://internal.example.test/hook", "https://[::ffff:127.0.0.1]/hook",
        })
        {
            var refused = await live.PostJson("/api/v1/webhooks", new { url, events = new[] { "*" } });
            Assert.True(refused.Status == HttpStatusCode.UnprocessableEntity, $"{url}: {refused}");
            Assert.Equal(["url"], refused.ErrorFields);
        }

        // A public name is accepted; when its DNS later points at loopback, the connection is refused before any request.
        var created = await live.PostJson("/api/v1/webhooks", new { url = $"https://public.example.test:{receiver.Url.Port}/hook", events = new[] { "*" } }).Ok(HttpStatusCode.Created);
        Assert.True(created["livemode"]!.GetValue<bool>());
        server.Dns.Names["public.example.test"] = [IPAddress.Loopback];
        var test = await live.PostJson($"/api/v1/webhooks/{created.Str("id")}/test", null).Ok();
        Assert.False(test["success"]!.GetValue<bool>());
        Assert.Contains("Refused to connect to public.example.test", test.Str("error"), StringComparison.Ordinal);
        Assert.Contains("loopback", test.Str("error"), StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
        await live.Delete($"/api/v1/webhooks/{created.Str("id")}").Ok();

        // Sandbox may use plain HTTP and loopback (every other test here does), but not cloud metadata addresses.
        var tenant = await server.NewTenantAsync();
        var metadata = await tenant.Api.PostJson("/api/v1/webhooks", new { url = "http://169.254.169.254/latest", events = new[] { "*" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, metadata.Status);
    }

    [Fact]
    public async Task RotatedSecret_BothSignDuringTheOverlap_RedeliverySendsTheSameEventAgain()
    {
        var tenant = await server.NewTenantAsync();
        var api = tenant.Api;
        await using var receiver = await WebhookReceiver.StartAsync();
        var (endpointId, oldSecret) = await EndpointAsync(api, receiver.Url, "subscription.created");
        var rotated = await api.PostJson($"/api/v1/webhooks/{endpointId}/rotate-secret", null).Ok();
        var newSecret = rotated.Str("secretKey");
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal(server.Clock.GetUtcNow().UtcDateTime.AddHours(24), rotated.Date("previousSecretExpiresAt"), TimeSpan.FromMilliseconds(1));

        await api.Plan("basic", 4900);
        await SubscribeAsync(api, "dan");
        var first = (await receiver.WaitForAsync(r => r.Count == 1, "the event"))[0];
        await server.PassRoundsAsync();
        Assert.True(WebhookVerify.Both(first, newSecret));
        Assert.True(WebhookVerify.Commet(first.Body, first.Headers["x-commet-signature-previous"], oldSecret));
        Assert.True(WebhookVerify.Standard(first.Body, first.Headers, oldSecret));

        // After the window only the new secret signs.
        server.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var delivery = (await api.GetJson($"/api/v1/webhooks/{endpointId}/deliveries").Ok()).AsArray().Single()!;
        var again = await api.PostJson($"/api/v1/webhooks/{endpointId}/deliveries/{delivery.Str("id")}/redeliver", null).Ok();
        Assert.Equal("pending", again.Str("status"));
        var second = (await receiver.WaitForAsync(r => r.Count == 2, "the redelivery"))[1];
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Body, second.Body);
        Assert.True(WebhookVerify.Both(second, newSecret));
        Assert.False(WebhookVerify.Standard(second.Body, second.Headers, oldSecret));
        Assert.False(second.Headers.ContainsKey("x-commet-signature-previous"));
    }

    [Fact]
    public async Task Redirects_AreNotFollowed()
    {
        var tenant = await server.NewTenantAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = () => 307;
        receiver.RedirectTo = new Uri(receiver.Url, "/elsewhere").ToString();
        var (id, _) = await EndpointAsync(tenant.Api, receiver.Url, "*");
        var test = await tenant.Api.PostJson($"/api/v1/webhooks/{id}/test", null).Ok();
        Assert.False(test["success"]!.GetValue<bool>());
        Assert.Equal(307, test["statusCode"]!.GetValue<int>());
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task EndpointsApi_ValidatesUpdatesAndDeletes()
    {
        var tenant = await server.NewTenantAsync();
        var api = tenant.Api;
        var bad = await api.PostJson("/api/v1/webhooks", new { url = "ftp://x", events = new[] { "nope.event" }, apiVersion = "soon" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Equal(["url", "events", "apiVersion"], bad.ErrorFields);
        var missing = await api.PostJson("/api/v1/webhooks", new { });
        Assert.Equal(["url", "events"], missing.ErrorFields);

        var (id, _) = await EndpointAsync(api, new Uri("http://127.0.0.1:9/hook"), "invoice.created");
        var updated = await api.PutJson($"/api/v1/webhooks/{id}", new { events = new[] { "payment.failed", "payment.received" }, description = (string?)null, apiVersion = "2026-07-11", isActive = false }).Ok();
        Assert.Equal(["payment.failed", "payment.received"], updated["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Null(updated["description"]);
        Assert.False(updated["isActive"]!.GetValue<bool>());
        Assert.Null(updated["disabledReason"]);
        Assert.Equal("2026-07-11", updated.Str("apiVersion"));

        var other = await server.NewTenantAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Api.GetJson($"/api/v1/webhooks/{id}")).Status);
        var deleted = await api.Delete($"/api/v1/webhooks/{id}").Ok();
        Assert.True(deleted["deleted"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetJson($"/api/v1/webhooks/{id}")).Status);
    }
}

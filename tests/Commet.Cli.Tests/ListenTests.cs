using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Commet.Cli.Tests.Infrastructure;
using Commet.Server.Tests.Infrastructure;
using Commet.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Commet.Cli.Tests;

/// <summary>
/// <c>commet listen</c> and <c>commet trigger</c> in-process against a real server, forwarding to a real receiver on
/// loopback; listen is stopped by canceling its token.
/// </summary>
public abstract partial class ListenTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    [GeneratedRegex(@"Listen secret: (whsec_\S+)")]
    private static partial Regex SecretLine();

    [Fact]
    public async Task Listen_ForwardsAnEventFromAnApiCall_SignedWithThePrintedSecret()
    {
        var tenant = await server.NewTenantAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var cli = CommandLine.For(tenant);
        var output = new WatchedWriter();
        using var stop = new CancellationTokenSource();
        var run = cli.RunAsync(output, stop.Token, "listen", "--forward-to", receiver.Url.ToString());
        await output.WaitForAsync(run, o => o.Contains("Ready.", StringComparison.Ordinal), "listen to connect");
        var secret = SecretLine().Match(output.ToString()).Groups[1].Value;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        var created = await tenant.Api.PostJson("/api/v1/customers", new { id = "ann", email = "ann@example.com", fullName = "Ann Example" });
        Assert.True(created.Status == System.Net.HttpStatusCode.Created || created.Status == System.Net.HttpStatusCode.OK, created.ToString());

        var got = (await receiver.WaitForAsync(r => r.Any(x => x.Event == "customer.created"), "customer.created")).Single(x => x.Event == "customer.created");
        await output.WaitForAsync(run, o => o.Contains("customer.created  " + got.Id + "  → 200", StringComparison.Ordinal), "the delivery line");
        await stop.CancelAsync();
        var result = await run;

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains("Stopped.", result.Out, StringComparison.Ordinal);
        // Both signatures verify with the printed secret, with the SDK's verifiers and with the independent ones.
        string? Header(string name) => got.Headers.GetValueOrDefault(name.ToLowerInvariant());
        Assert.True(CommetWebhooks.VerifySignature(got.Body, Header(CommetWebhooks.SignatureHeader), secret));
        Assert.True(CommetWebhooks.VerifyStandard(got.Body, Header("webhook-id"), Header("webhook-timestamp"), Header("webhook-signature"), secret));
        Assert.True(WebhookVerify.Both(got, secret));
        Assert.False(WebhookVerify.Both(got, "whsec_" + Convert.ToBase64String(new byte[32])));
        // The envelope is the one endpoints get: the event's ID, sandbox mode, and data exactly as the outbox holds it.
        await using var db = tenant.Db();
        var evt = await db.Events.AsNoTracking().SingleAsync(e => e.Type == "customer.created");
        var body = got.Json;
        Assert.Equal("whev_" + evt.Id["evt_".Length..], body["id"]!.GetValue<string>());
        Assert.Equal(got.Id, body["id"]!.GetValue<string>());
        Assert.Equal(("customer.created", "sandbox", tenant.OrganizationId), (body["event"]!.GetValue<string>(), body["mode"]!.GetValue<string>(), body["organizationId"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(evt.DataJson), body["data"]), $"{evt.DataJson} vs {body["data"]}");
        Assert.Equal(("ann", "ann@example.com"), (body["data"]!["externalId"]!.GetValue<string>(), body["data"]!["email"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Trigger_RecordsASampleEvent_ThatListenForwards_OnlyTheChosenEvents()
    {
        var tenant = await server.NewTenantAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var cli = CommandLine.For(tenant);
        var output = new WatchedWriter();
        using var stop = new CancellationTokenSource();
        var run = cli.RunAsync(output, stop.Token, "listen", "--forward-to", receiver.Url.ToString(), "--events", "subscription.canceled", "--secret", "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("a listen secret of 32 bytes long")));
        await output.WaitForAsync(run, o => o.Contains("Ready.", StringComparison.Ordinal), "listen to connect");

        // A customer first: its customer.created is streamed before the sample, and --events leaves it out.
        await tenant.Api.PostJson("/api/v1/customers", new { id = "bob", email = "bob@example.com" });
        var triggered = await cli.RunAsync("trigger", "subscription.canceled");
        var unknown = await cli.RunAsync("trigger", "subscription.exploded");

        var got = (await receiver.WaitForAsync(r => r.Any(x => x.Event == "subscription.canceled"), "subscription.canceled")).Single();
        await output.WaitForAsync(run, o => o.Contains("subscription.canceled  " + got.Id + "  → 200", StringComparison.Ordinal), "the delivery line");
        await stop.CancelAsync();
        var result = await run;

        Assert.True(triggered.Exit == 0, triggered.ToString());
        Assert.Contains($"Triggered subscription.canceled ({got.Id}).", triggered.Out, StringComparison.Ordinal);
        Assert.True(unknown.Exit == 1, unknown.ToString());
        Assert.Contains("is not an event Commet sends", unknown.Err, StringComparison.Ordinal);
        Assert.True(result.Exit == 0, result.ToString());
        Assert.DoesNotContain("customer.created", result.Out, StringComparison.Ordinal);
        Assert.All(receiver.Received, r => Assert.Equal("subscription.canceled", r.Event));
        Assert.True(WebhookVerify.Both(got, "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("a listen secret of 32 bytes long"))));
        // The sample has the shape of SubscriptionCanceledData, with sample IDs.
        var data = got.Json["data"]!;
        Assert.Equal(("sub_sample", "cus_sample", "canceled"), (data["subscriptionId"]!.GetValue<string>(), data["customerId"]!.GetValue<string>(), data["status"]!.GetValue<string>()));
        // It is a real outbox event of this organization, so endpoints get it too.
        await using var db = tenant.Db();
        Assert.Equal(1, await db.Events.AsNoTracking().CountAsync(e => e.Type == "subscription.canceled"));
    }

    [Fact]
    public async Task Trigger_EveryEventTheServerRecords_HasASample()
    {
        var tenant = await server.NewTenantAsync();
        var names = Commet.Server.Webhooks.WebhookListenApi.Samples.Keys.Order(StringComparer.Ordinal).ToList();

        var failed = new List<string>();
        foreach (var name in names)
        {
            var answer = await tenant.Api.PostJson("/api/v1/webhooks/trigger", new { @event = name });
            if (answer.Status != System.Net.HttpStatusCode.OK || answer.Data["event"]!.GetValue<string>() != name)
            {
                failed.Add($"{name}: {answer}");
            }
        }
        var missing = await tenant.Api.PostJson("/api/v1/webhooks/trigger", new { });

        Assert.Contains("subscription.canceled", names);
        Assert.Contains("customer.created", names);
        Assert.Empty(failed);
        Assert.Equal((System.Net.HttpStatusCode.UnprocessableEntity, "event"), (missing.Status, missing.ErrorFields.Single()));
        await using var db = tenant.Db();
        Assert.Equal(names.Count, await db.Events.AsNoTracking().CountAsync());
    }

    [Fact]
    public async Task LiveKey_IsRefused_ByListenAndTrigger()
    {
        using var cli = new CommandLine(server.BaseAddress, ServerFixture.LiveKey);

        var listen = await cli.RunAsync("listen", "--forward-to", "http://127.0.0.1:9/hook");
        var trigger = await cli.RunAsync("trigger", "customer.created");
        var raw = await server.Client(ServerFixture.LiveKey).GetJson("/api/v1/webhooks/listen");

        Assert.True(listen.Exit == 1, listen.ToString());
        Assert.Contains("sandbox_only", listen.Err, StringComparison.Ordinal);
        Assert.Contains("HTTP 403", listen.Err, StringComparison.Ordinal);
        Assert.True(trigger.Exit == 1, trigger.ToString());
        Assert.Contains("sandbox_only", trigger.Err, StringComparison.Ordinal);
        Assert.Equal((System.Net.HttpStatusCode.Forbidden, "sandbox_only"), (raw.Status, raw.ErrorCode));
    }
}

public sealed class ListenTests_Sqlite(SqliteServer server) : ListenTests<SqliteServer>(server);

public sealed class ListenTests_Postgres(PostgresServer server) : ListenTests<PostgresServer>(server);

/// <summary>An output that a test can wait on: every write wakes the waiters.</summary>
public sealed class WatchedWriter : TextWriter
{
    private readonly StringBuilder text = new();
    private readonly SemaphoreSlim wrote = new(0);

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (text)
        {
            text.Append(value);
        }
        wrote.Release();
    }

    public override void Write(string? value)
    {
        lock (text)
        {
            text.Append(value);
        }
        wrote.Release();
    }

    public override string ToString()
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    /// <summary>Waits (up to 60 s) until the output satisfies <paramref name="done"/>; fails at once if the command ended.</summary>
    public async Task WaitForAsync(Task<CliRun> run, Func<string, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!done(ToString()))
        {
            if (run.IsCompleted)
            {
                throw new Xunit.Sdk.XunitException($"The command ended before {what}: {await run}");
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}; output so far:\n{this}");
            }
            await Task.WhenAny(wrote.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1)), run);
        }
    }
}

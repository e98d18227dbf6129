using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Commet.AspNetCore;
using Commet.Server.Tests.Infrastructure;
using Commet.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Commet.Sdk.Tests;

/// <summary>Commet.AspNetCore in a small app (the test host): the portal redirect against a real server, and the webhook receiver.</summary>
public sealed class AspNetCoreTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private const string Secret = "whsec_c2VjcmV0LWtleS1mb3ItdGhlLWFzcG5ldGNvcmUtdGVzdHM=";

    private static async Task<WebApplication> AppAsync(Action<IServiceCollection> services, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        services(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }

    private static HttpClient NoRedirects(WebApplication app) =>
        new(app.GetTestServer().CreateHandler()) { BaseAddress = new Uri("http://merchant.test") };

    [Fact]
    public async Task Portal_RedirectsTheSignedInUser_ToAFreshPortalLink_WithTheReturnUrl()
    {
        var tenant = await server.NewTenantAsync();
        var commet = new CommetClient(tenant.SandboxKey, new CommetClientOptions { BaseUrl = server.BaseAddress });
        await commet.Customers.CreateAsync(new Models.CreateCustomerRequest { Id = "user_7", Email = "u7@example.com" });
        await using var app = await AppAsync(
            s => s.AddCommetClient(tenant.SandboxKey, o => o.BaseUrl = server.BaseAddress),
            a => a.MapCommetCustomerPortal("/billing/portal", ctx => ctx.Request.Headers["X-User"].FirstOrDefault(), _ => "https://merchant.test/account"));
        using var http = NoRedirects(app);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/billing/portal");
        request.Headers.Add("X-User", "user_7");
        using var answer = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = answer.Headers.Location!;
        Assert.StartsWith(server.BaseAddress.ToString().TrimEnd('/') + "/portal/", location.ToString(), StringComparison.Ordinal);
        // The link works once, for this customer's portal.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = true });
        using var portal = await browser.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, portal.StatusCode);
        Assert.Contains("https://merchant.test/account", await portal.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Portal_Is401Json_WhenNobodyIsSignedIn()
    {
        await using var app = await AppAsync(s => s.AddCommetClient("ck_test_unused", o => o.BaseUrl = server.BaseAddress),
            a => a.MapCommetCustomerPortal("/billing/portal", _ => (string?)null));
        using var http = NoRedirects(app);

        using var answer = await http.GetAsync("/billing/portal");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        var json = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Equal("unauthorized", json["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Portal_Is502Json_WithTheRequestId_WhenCommetFails()
    {
        var handler = new StubHandler(() => StubHandler.Error(HttpStatusCode.InternalServerError, "internal_error"));
        await using var app = await AppAsync(
            s => s.AddCommetClient("ck_test_stub", o => { o.BaseUrl = new Uri("http://commet.test"); o.MaxRetries = 0; }).ConfigurePrimaryHttpMessageHandler(() => handler),
            a => a.MapCommetCustomerPortal("/billing/portal", _ => "user_1"));
        using var http = NoRedirects(app);

        using var answer = await http.GetAsync("/billing/portal");

        Assert.Equal(HttpStatusCode.BadGateway, answer.StatusCode);
        var json = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Equal(("portal_unavailable", "req_stub"), (json["error"]!["code"]!.GetValue<string>(), json["error"]!["requestId"]!.GetValue<string>()));
        Assert.Single(handler.Requests);
    }

    private static string Event(string id, string name, string data) =>
        $$"""{"id":"{{id}}","event":"{{name}}","timestamp":"2026-03-01T12:00:00.000Z","organizationId":"org_1","mode":"sandbox","apiVersion":"2026-07-11","data":{{data}}}""";

    private static HttpRequestMessage Signed(string body, string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/commet") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Commet-Signature", signature ?? CommetWebhooks.Sign(body, Secret));
        return request;
    }

    [Fact]
    public async Task Webhooks_VerifyDedupeAndDispatchTypedEvents()
    {
        var canceled = new List<string>();
        var any = new List<string>();
        await using var app = await AppAsync(_ => { }, a => a.MapCommetWebhooks("/webhooks/commet", hooks =>
        {
            hooks.Secret = Secret;
            hooks.OnSubscriptionCanceled(e =>
            {
                canceled.Add(e.Data.SubscriptionId + ":" + e.Data.CancelReason);
                return Task.CompletedTask;
            });
            hooks.OnAny((e, _) =>
            {
                any.Add(e.Event);
                return Task.CompletedTask;
            });
        }));
        using var http = NoRedirects(app);
        var body = Event("whev_1", "subscription.canceled", """{"subscriptionId":"sub_1","customerId":"user_1","status":"canceled","cancelReason":"unused","endDate":null}""");

        using var first = await http.SendAsync(Signed(body));
        using var repeat = await http.SendAsync(Signed(body));
        using var forged = await http.SendAsync(Signed(body.Replace("sub_1", "sub_2", StringComparison.Ordinal), CommetWebhooks.Sign(body, Secret)));
        using var unsigned = await http.PostAsync("/webhooks/commet", new StringContent(body, Encoding.UTF8, "application/json"));
        var other = Event("whev_2", "payout.paid", """{"payoutId":"po_1"}""");
        using var untyped = await http.SendAsync(Signed(other));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(JsonNode.Parse(await first.Content.ReadAsStringAsync())!["duplicate"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.True(JsonNode.Parse(await repeat.Content.ReadAsStringAsync())!["duplicate"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.OK, untyped.StatusCode);
        Assert.Equal(["sub_1:unused"], canceled);
        Assert.Equal(["subscription.canceled", "payout.paid"], any);
    }

    [Fact]
    public async Task Webhooks_AcceptStandardWebhooks_AndRunDiHandlers_AndAFailedHandlerGetsTheRedelivery()
    {
        var calls = new Counter();
        await using var app = await AppAsync(
            s =>
            {
                s.AddSingleton(calls);
                s.AddCommetEventHandler<PaymentFailedData, FlakyHandler>();
            },
            a => a.MapCommetWebhooks("/webhooks/commet", hooks => hooks.Secret = Secret));
        using var http = NoRedirects(app);
        var body = Event("whev_9", "payment.failed", """{"invoiceId":"inv_1","invoiceNumber":"INV-1","customerId":"user_1","subscriptionId":"sub_1","failureCode":"card_declined","failureMessage":"Declined","recoveryUrl":null}""");

        HttpRequestMessage Standard()
        {
            var now = DateTimeOffset.UtcNow;
            var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/commet") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("webhook-id", "msg_9");
            request.Headers.Add("webhook-timestamp", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", CommetWebhooks.SignStandard(body, "msg_9", now, Secret));
            return request;
        }

        // The handler fails the first time: 500, and the event is not marked handled, so the redelivery runs it again.
        using var failed = await http.SendAsync(Standard());
        using var retried = await http.SendAsync(Standard());
        using var again = await http.SendAsync(Standard());

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(JsonNode.Parse(await again.Content.ReadAsStringAsync())!["duplicate"]!.GetValue<bool>());
        Assert.Equal(["card_declined", "card_declined"], calls.Seen);
    }

    public sealed class Counter
    {
        public List<string> Seen { get; } = [];
    }

    private sealed class FlakyHandler(Counter counter) : ICommetEventHandler<PaymentFailedData>
    {
        public Task HandleAsync(WebhookEvent<PaymentFailedData> webhookEvent, CancellationToken cancellationToken)
        {
            counter.Seen.Add(webhookEvent.Data.FailureCode);
            return counter.Seen.Count == 1 ? throw new InvalidOperationException("database down") : Task.CompletedTask;
        }
    }
}

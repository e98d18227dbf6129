using System.Net;
using System.Text;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests;

/// <summary>The wire conventions every route shares: auth, envelopes, request IDs, idempotency, limits.</summary>
public abstract class ConventionsTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private readonly HttpClient api = server.Client();

    [Fact]
    public async Task MissingKey_Is401Unauthorized()
    {
        var answer = await server.Client(apiKey: null).GetJson("/api/v1/customers");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("unauthorized", answer.ErrorCode);
    }

    [Theory]
    [InlineData("ck_test_this_key_was_never_issued")]
    [InlineData("sk_not_even_our_format")]
    [InlineData("ck_")]
    public async Task WrongKey_Is401Unauthorized(string key)
    {
        var answer = await server.Client(key).GetJson("/api/v1/customers");
        Assert.Equal("unauthorized", answer.ErrorCode);
    }

    [Fact]
    public async Task EveryResponse_CarriesARequestId()
    {
        var ok = await api.GetJson("/api/v1/customers");
        var error = await server.Client(apiKey: null).GetJson("/api/v1/customers");

        Assert.StartsWith("req_", ok.Headers.GetValues("x-request-id").Single());
        Assert.StartsWith("req_", error.Headers.GetValues("x-request-id").Single());
        Assert.NotEqual(ok.Headers.GetValues("x-request-id").Single(), error.Headers.GetValues("x-request-id").Single());
    }

    [Fact]
    public async Task SandboxAndLive_NeverSeeEachOthersData()
    {
        var own = "mode_" + Guid.NewGuid().ToString("N")[..8];
        var live = server.Client(ServerFixture.LiveKey);
        var liveCustomer = await live.PostJson("/api/v1/customers", new { id = own, email = "live@example.com" });
        Assert.True(liveCustomer.Data["livemode"]!.GetValue<bool>());
        var liveId = liveCustomer.Data["id"]!.GetValue<string>();

        Assert.Equal("customer_not_found", (await api.GetJson($"/api/v1/customers/{liveId}")).ErrorCode);
        Assert.Equal("customer_not_found", (await api.GetJson($"/api/v1/customers/{own}")).ErrorCode);
        Assert.Empty((await api.GetJson($"/api/v1/customers?externalId={own}")).Data.AsArray());

        // The same merchant ID may exist in both modes as two different customers.
        var sandboxCustomer = await api.PostJson("/api/v1/customers", new { id = own, email = "sandbox@example.com" });
        Assert.Equal(HttpStatusCode.Created, sandboxCustomer.Status);
        Assert.NotEqual(liveId, sandboxCustomer.Data["id"]!.GetValue<string>());
        Assert.Equal("live@example.com", (await live.GetJson($"/api/v1/customers/{own}")).Data["email"]!.GetValue<string>());
        Assert.Equal("customer_not_found", (await live.GetJson($"/api/v1/customers/{sandboxCustomer.Data["id"]}")).ErrorCode);
    }

    [Fact]
    public async Task IdempotencyKey_SameBodyTwice_OneCustomerAndTheSameAnswer()
    {
        var key = Guid.NewGuid().ToString();
        var own = "idem_" + Guid.NewGuid().ToString("N")[..8];
        var body = $$"""{"id":"{{own}}","email":"idem@example.com"}""";

        var first = await api.PostRaw("/api/v1/customers", body, key);
        var second = await api.PostRaw("/api/v1/customers", body, key);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single((await api.GetJson($"/api/v1/customers?externalId={own}")).Data.AsArray());
    }

    [Fact]
    public async Task IdempotencyKey_WithAnotherBody_Is409Mismatch()
    {
        var key = Guid.NewGuid().ToString();
        await api.PostRaw("/api/v1/customers", """{"email":"one@example.com"}""", key);

        var second = await api.PostRaw("/api/v1/customers", """{"email":"two@example.com"}""", key);

        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Equal("idempotency_key_mismatch", second.ErrorCode);
    }

    [Fact]
    public async Task IdempotencyKey_ConcurrentRepeats_DoTheWorkOnce()
    {
        var key = Guid.NewGuid().ToString();
        var email = "conc_" + Guid.NewGuid().ToString("N")[..8] + "@example.com";
        var body = $$"""{"email":"{{email}}"}""";

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => server.Client().PostRaw("/api/v1/customers", body, key)));

        Assert.All(answers, a => Assert.True(
            a.Status == HttpStatusCode.Created || a.ErrorCode == "idempotency_in_progress", a.ToString()));
        var ids = answers.Where(a => a.Status == HttpStatusCode.Created).Select(a => a.Data["id"]!.GetValue<string>()).Distinct();
        Assert.Single(ids);
        var all = await api.GetJson("/api/v1/customers?limit=100");
        Assert.Single(all.Data.AsArray(), c => c!["email"]!.GetValue<string>() == email);
    }

    [Fact]
    public async Task IdempotencyKey_IsScopedToTheMode()
    {
        var key = Guid.NewGuid().ToString();
        var sandbox = await api.PostRaw("/api/v1/customers", """{"email":"s@example.com"}""", key);
        var live = await server.Client(ServerFixture.LiveKey).PostRaw("/api/v1/customers", """{"email":"l@example.com"}""", key);

        Assert.Equal(HttpStatusCode.Created, sandbox.Status);
        Assert.Equal(HttpStatusCode.Created, live.Status);
    }

    [Fact]
    public async Task IdempotencyKey_AfterAValidationError_ReplaysTheError()
    {
        var key = Guid.NewGuid().ToString();
        var first = await api.PostRaw("/api/v1/customers", """{"email":"nope"}""", key);
        var second = await api.PostRaw("/api/v1/customers", """{"email":"nope"}""", key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, first.Status);
        Assert.Equal(first.Raw, second.Raw);
    }

    [Fact]
    public async Task BodyOver1MB_Is413WithTheEnvelope()
    {
        var big = "{\"email\":\"a@example.com\",\"fullName\":\"" + new string('x', 1_100_000) + "\"}";
        using var content = new StringContent(big, Encoding.UTF8, "application/json");
        using var response = await api.PostAsync("/api/v1/customers", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("payload_too_large", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/customers", 1_100_000)]
    [InlineData("/api/v1/test-clock/process-billing", 3_000_000)] // a route that never reads a body
    [InlineData("/api/v1/usage/events/batch", 4_000_000)]
    public async Task BodyOverTheLimit_IsAnswered413InTheEnvelope_NeverAResetConnection(string path, int size)
    {
        // Ten times each: the answer must not depend on whether the server or the client finishes first.
        for (var i = 0; i < 10; i++)
        {
            var big = "{\"name\":\"" + new string('h', size) + "\"}";
            using var content = new StringContent(big, Encoding.UTF8, "application/json");
            using var response = await api.PostAsync(path, content);

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("\"code\":\"payload_too_large\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UnknownRoute_Is404Envelope()
    {
        var answer = await api.GetJson("/api/v1/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal("not_found", answer.ErrorCode);
    }

    [Fact]
    public async Task OutOfScopeRoute_Is501EndpointNotAvailable()
    {
        var answer = await api.PostJson("/api/v1/payouts", new { amount = 1000 });

        Assert.Equal(HttpStatusCode.NotImplemented, answer.Status);
        Assert.Equal("endpoint_not_available", answer.ErrorCode);
    }

    [Fact]
    public async Task OutOfScopeRoute_StillNeedsAKey()
    {
        var answer = await server.Client(apiKey: null).GetJson("/api/v1/promo-codes");
        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
    }

    [Fact]
    public async Task Health_AndReadiness_Answer()
    {
        using var plain = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal("ok", await plain.GetStringAsync("/healthz"));
        Assert.Equal("ready", await plain.GetStringAsync("/readyz"));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheApi()
    {
        using var plain = new HttpClient { BaseAddress = server.BaseAddress };
        var document = await plain.GetStringAsync("/openapi/v1.json");

        Assert.Contains("\"/api/v1/customers\"", document, StringComparison.Ordinal);
        Assert.Contains("x-api-key", document, StringComparison.Ordinal);
        using var docs = await plain.GetAsync("/docs");
        Assert.True(docs.IsSuccessStatusCode || docs.StatusCode == HttpStatusCode.Redirect, docs.StatusCode.ToString());
    }
}

public sealed class ConventionsTests_Sqlite(SqliteServer server) : ConventionsTests<SqliteServer>(server);

public sealed class ConventionsTests_Postgres(PostgresServer server) : ConventionsTests<PostgresServer>(server);

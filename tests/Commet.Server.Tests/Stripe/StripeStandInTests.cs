using System.Net;
using Stripe;

namespace Commet.Server.Tests.Stripe;

/// <summary>The stand-in keeps Stripe's rules, so the server's tests against it mean something.</summary>
public sealed class StripeStandInTests : IAsyncLifetime
{
    private StripeStandIn standIn = null!;

    public async Task InitializeAsync() => standIn = await StripeStandIn.StartAsync();

    public async Task DisposeAsync() => await standIn.DisposeAsync();

    private StripeClient Client(string key = StripeStandIn.TestKey, int retries = 0) =>
        new(key, httpClient: new SystemNetHttpClient(new HttpClient(), retries), apiBase: standIn.ApiBase);

    [Fact]
    public async Task Unknown_parameters_are_refused_like_Stripe_does()
    {
        var options = new CustomerCreateOptions { Email = "a@example.com" };
        options.AddExtraParam("favourite_colour", "blue");
        var ex = await Assert.ThrowsAsync<StripeException>(() => new CustomerService(Client()).CreateAsync(options));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request_error", "parameter_unknown", "favourite_colour"),
            (ex.HttpStatusCode, ex.StripeError.Type, ex.StripeError.Code, ex.StripeError.Param));
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_same_request_and_refuses_other_parameters()
    {
        var service = new CustomerService(Client());
        var first = await service.CreateAsync(new CustomerCreateOptions { Email = "a@example.com" }, new RequestOptions { IdempotencyKey = "k1" });
        var again = await service.CreateAsync(new CustomerCreateOptions { Email = "a@example.com" }, new RequestOptions { IdempotencyKey = "k1" });
        Assert.Equal(first.Id, again.Id);
        Assert.Single(standIn.ObjectsOf("customer"));

        var ex = await Assert.ThrowsAsync<StripeException>(() =>
            service.CreateAsync(new CustomerCreateOptions { Email = "b@example.com" }, new RequestOptions { IdempotencyKey = "k1" }));
        Assert.Equal((HttpStatusCode.BadRequest, "idempotency_error"), (ex.HttpStatusCode, ex.StripeError.Type));
    }

    [Fact]
    public async Task The_secret_key_and_the_Stripe_Version_header_are_required()
    {
        var ex = await Assert.ThrowsAsync<StripeException>(() => new CustomerService(Client("sk_test_unknown")).CreateAsync(new CustomerCreateOptions()));
        Assert.Equal(HttpStatusCode.Unauthorized, ex.HttpStatusCode);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, standIn.ApiBase + "/v1/account");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", StripeStandIn.TestKey);
        request.Headers.Add("Stripe-Version", "2019-01-01");
        var answer = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("api_version_invalid", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scripted_500_is_retried_by_StripeNet_with_the_same_idempotency_key()
    {
        standIn.FailNext("/v1/customers", times: 1);
        var created = await new CustomerService(Client(retries: 2)).CreateAsync(new CustomerCreateOptions { Email = "c@example.com" },
            new RequestOptions { IdempotencyKey = "retry-me" });
        Assert.StartsWith("cus_", created.Id, StringComparison.Ordinal);
        var calls = standIn.Requests.Where(r => r.Path == "/v1/customers").ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal("retry-me", c.IdempotencyKey));
    }
}

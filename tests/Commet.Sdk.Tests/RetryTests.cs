using System.Net;
using Commet.Models;

namespace Commet.Sdk.Tests;

/// <summary>The HTTP behaviour of the client against a stub handler: retries, waits, idempotency keys, time-outs, errors.</summary>
public sealed class RetryTests
{
    private const string CustomerJson = """{"object":"customer","id":"cus_1","externalId":"user_1","email":"a@example.com","fullName":null,"taxDocument":null,"documentType":null,"timezone":null,"metadata":null,"createdAt":"2026-03-01T00:00:00.000Z","updatedAt":"2026-03-01T00:00:00.000Z","livemode":false}""";

    [Fact]
    public async Task ServerErrors_AreRetriedThreeTimes_At1s2s4s_WithOneIdempotencyKey()
    {
        var stub = new StubClient(new StubHandler(
            () => StubHandler.Error(HttpStatusCode.ServiceUnavailable, "unavailable"),
            () => StubHandler.Error(HttpStatusCode.InternalServerError, "internal_error"),
            () => StubHandler.Error(HttpStatusCode.BadGateway, "bad_gateway"),
            () => StubHandler.Json(HttpStatusCode.Created, $$"""{"success":true,"data":{{CustomerJson}}}""")));

        var customer = await stub.Client.Customers.CreateAsync(new CreateCustomerRequest { Id = "user_1", Email = "a@example.com" });

        Assert.Equal("cus_1", customer.Id);
        Assert.Equal("user_1", customer.ExternalId);
        Assert.Equal(4, stub.Handler.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], stub.Waits);
        var keys = stub.Handler.Requests.Select(r => r.Header("Idempotency-Key")).ToList();
        Assert.NotNull(keys[0]);
        Assert.StartsWith("commet-dotnet-retry-", keys[0]);
        Assert.All(keys, k => Assert.Equal(keys[0], k));
        // Every attempt sends the same body.
        Assert.Single(stub.Handler.Requests.Select(r => r.Body).Distinct());
        Assert.Equal("http://commet.test/api/v1/customers", stub.Handler.Requests[0].Uri.ToString());
        Assert.Equal("ck_test_stub", stub.Handler.Requests[0].Header("x-api-key"));
        Assert.Equal("2026-07-11", stub.Handler.Requests[0].Header("commet-version"));
    }

    [Fact]
    public async Task EachWrite_HasItsOwnKey_AndReadsHaveNone()
    {
        var stub = new StubClient(new StubHandler(() => StubHandler.Ok(CustomerJson)));

        await stub.Client.Customers.UpdateAsync("cus_1", new UpdateCustomerRequest { FullName = "A" });
        await stub.Client.Customers.UpdateAsync("cus_1", new UpdateCustomerRequest { FullName = "A" });
        await stub.Client.Customers.GetAsync("cus_1");

        var keys = stub.Handler.Requests.Select(r => r.Header("Idempotency-Key")).ToList();
        Assert.NotNull(keys[0]);
        Assert.NotNull(keys[1]);
        Assert.NotEqual(keys[0], keys[1]);
        Assert.Null(keys[2]);
    }

    [Fact]
    public async Task WithRetriesOff_NoKeyIsSent_AndA503Fails()
    {
        var stub = new StubClient(new StubHandler(() => StubHandler.Error(HttpStatusCode.ServiceUnavailable, "unavailable")), o => o.MaxRetries = 0);

        var error = await Assert.ThrowsAsync<CommetApiException>(() => stub.Client.Customers.CreateAsync(new CreateCustomerRequest { Email = "a@example.com" }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Single(stub.Handler.Requests);
        Assert.Null(stub.Handler.Requests[0].Header("Idempotency-Key"));
    }

    [Fact]
    public async Task RetriesRunOut_TheLastErrorIsThrown_AfterFourAttempts_AndTheWaitIsCappedAt8s()
    {
        var stub = new StubClient(new StubHandler(() => StubHandler.Error(HttpStatusCode.InternalServerError, "internal_error", message: "boom")),
            o => o.MaxRetries = 5);

        var error = await Assert.ThrowsAsync<CommetApiException>(() => stub.Client.Customers.GetAsync("cus_1"));

        Assert.Equal("internal_error", error.Code);
        Assert.Equal("boom", error.Message);
        Assert.Equal(6, stub.Handler.Requests.Count);
        // 1, 2, 4, 8, then 16 capped at 8.
        Assert.Equal(new[] { 1, 2, 4, 8, 8 }.Select(s => TimeSpan.FromSeconds(s)), stub.Waits);
    }

    [Fact]
    public async Task A408_IsRetried_A501AndA4xx_AreNot()
    {
        var timeout = new StubClient(new StubHandler(() => StubHandler.Error(HttpStatusCode.RequestTimeout, "timeout"), () => StubHandler.Ok(CustomerJson)));
        await timeout.Client.Customers.GetAsync("cus_1");
        Assert.Equal(2, timeout.Handler.Requests.Count);

        var notImplemented = new StubClient(new StubHandler(() => StubHandler.Error(HttpStatusCode.NotImplemented, "endpoint_not_available")));
        var e501 = await Assert.ThrowsAsync<CommetApiException>(() => notImplemented.Client.Webhooks.GetAsync("wh_1"));
        Assert.Equal("endpoint_not_available", e501.Code);
        Assert.Single(notImplemented.Handler.Requests);

        var notFound = new StubClient(new StubHandler(() => StubHandler.Error(HttpStatusCode.NotFound, "customer_not_found", "invalid_request_error")));
        var e404 = await Assert.ThrowsAsync<CommetApiException>(() => notFound.Client.Customers.GetAsync("nobody"));
        Assert.Equal(HttpStatusCode.NotFound, e404.Status);
        Assert.Equal("customer_not_found", e404.Code);
        Assert.Equal("invalid_request_error", e404.ErrorType);
        Assert.Single(notFound.Handler.Requests);
    }

    [Fact]
    public async Task A429_WaitsWhatRetryAfterSays()
    {
        var stub = new StubClient(new StubHandler(() =>
        {
            var r = StubHandler.Error(HttpStatusCode.TooManyRequests, "rate_limited", "rate_limit_error");
            r.Headers.Add("Retry-After", "7");
            return r;
        }, () => StubHandler.Ok("""{"object":"portal_session","portalUrl":"http://commet.test/portal/x","livemode":false}""")));

        var url = await stub.Client.Portal.GetUrlAsync("user_1");

        Assert.Equal("http://commet.test/portal/x", url.ToString());
        Assert.Equal([TimeSpan.FromSeconds(7)], stub.Waits);
        Assert.Equal(stub.Handler.Requests[0].Header("Idempotency-Key"), stub.Handler.Requests[1].Header("Idempotency-Key"));
    }

    [Fact]
    public async Task A429_WithoutRetryAfter_OrAskingMoreThan30s_IsNotRetried()
    {
        var bare = new StubClient(new StubHandler(() => StubHandler.Error(HttpStatusCode.TooManyRequests, "rate_limited", "rate_limit_error")));
        var e1 = await Assert.ThrowsAsync<CommetApiException>(() => bare.Client.Portal.GetUrlAsync("user_1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, e1.Status);
        Assert.Null(e1.RetryAfter);
        Assert.Single(bare.Handler.Requests);

        var long429 = new StubClient(new StubHandler(() =>
        {
            var r = StubHandler.Error(HttpStatusCode.TooManyRequests, "rate_limited", "rate_limit_error");
            r.Headers.Add("Retry-After", "31");
            return r;
        }));
        var e2 = await Assert.ThrowsAsync<CommetApiException>(() => long429.Client.Portal.GetUrlAsync("user_1"));
        Assert.Equal(TimeSpan.FromSeconds(31), e2.RetryAfter);
        Assert.Single(long429.Handler.Requests);
        Assert.Empty(long429.Waits);
    }

    [Fact]
    public async Task ValidationErrors_MapEveryField_WithParamTypeAndRequestId()
    {
        var stub = new StubClient(new StubHandler(() => StubHandler.Json(HttpStatusCode.UnprocessableEntity, """
            {"success":false,"error":{"type":"validation_error","code":"validation_error","message":"2 fields are invalid.","param":"email",
             "details":[{"field":"email","message":"email is required."},{"field":"timezone","message":"timezone is not a known zone."}],
             "doc_url":"https://commet.co/docs/errors/validation_error.md"}}
            """, "req_42")));

        var error = await Assert.ThrowsAsync<CommetApiException>(() => stub.Client.Customers.CreateAsync(new CreateCustomerRequest()));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Equal("validation_error", error.Code);
        Assert.Equal("validation_error", error.ErrorType);
        Assert.Equal("email", error.Param);
        Assert.Equal("req_42", error.RequestId);
        Assert.Equal("https://commet.co/docs/errors/validation_error.md", error.DocUrl);
        Assert.Equal([new CommetFieldError("email", "email is required."), new CommetFieldError("timezone", "timezone is not a known zone.")], error.FieldErrors);
        Assert.Single(stub.Handler.Requests);
    }

    [Fact]
    public async Task ANonJsonErrorBody_StillBecomesAnApiException_WithTheStatusAndRequestId()
    {
        var stub = new StubClient(new StubHandler(() =>
        {
            var r = new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>") };
            r.Headers.Add("x-request-id", "req_proxy");
            return r;
        }), o => o.MaxRetries = 1);

        var error = await Assert.ThrowsAsync<CommetApiException>(() => stub.Client.Plans.GetAsync("pro"));

        Assert.Equal(HttpStatusCode.BadGateway, error.Status);
        Assert.Equal("req_proxy", error.RequestId);
        Assert.Contains("bad gateway", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, stub.Handler.Requests.Count);
    }

    [Fact]
    public async Task AnAttemptThatHangs_TimesOut_IsRetried_ThenThrowsTimeoutException()
    {
        var stub = new StubClient(new StubHandler(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }), o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(100);
            o.MaxRetries = 2;
        });

        await Assert.ThrowsAsync<TimeoutException>(() => stub.Client.Customers.CreateAsync(new CreateCustomerRequest { Email = "a@example.com" }));

        Assert.Equal(3, stub.Handler.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], stub.Waits);
        Assert.Single(stub.Handler.Requests.Select(r => r.Header("Idempotency-Key")).Distinct());
    }

    [Fact]
    public async Task Cancellation_StopsAtOnce_WithoutRetrying()
    {
        using var cts = new CancellationTokenSource();
        var stub = new StubClient(new StubHandler(async (_, _, ct) =>
        {
            await cts.CancelAsync();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stub.Client.Customers.GetAsync("cus_1", cts.Token));

        Assert.Single(stub.Handler.Requests);
        Assert.Empty(stub.Waits);
    }

    [Fact]
    public async Task AConnectionFailure_IsRetried()
    {
        var stub = new StubClient(new StubHandler((_, n, _) => n == 0
            ? throw new HttpRequestException("connection refused")
            : Task.FromResult(StubHandler.Ok(CustomerJson))));

        var customer = await stub.Client.Customers.GetAsync("cus_1");

        Assert.Equal("cus_1", customer.Id);
        Assert.Equal(2, stub.Handler.Requests.Count);
    }

    [Fact]
    public async Task Lists_FollowTheCursor_UntilHasMoreIsFalse()
    {
        var stub = new StubClient(new StubHandler((request, n, _) => Task.FromResult(n == 0
            ? StubHandler.Json(HttpStatusCode.OK, $$"""{"success":true,"data":[{{CustomerJson}},{{CustomerJson.Replace("cus_1", "cus_2", StringComparison.Ordinal)}}],"hasMore":true,"nextCursor":"cur_abc"}""")
            : StubHandler.Json(HttpStatusCode.OK, $$"""{"success":true,"data":[{{CustomerJson.Replace("cus_1", "cus_3", StringComparison.Ordinal)}}],"hasMore":false,"nextCursor":null}"""))));

        var ids = new List<string>();
        await foreach (var c in stub.Client.Customers.ListAsync(new ListCustomersOptions { PageSize = 2, ExternalId = "x y" }))
        {
            ids.Add(c.Id);
        }

        Assert.Equal(["cus_1", "cus_2", "cus_3"], ids);
        Assert.Equal("?externalId=x%20y&limit=2", stub.Handler.Requests[0].Uri.Query);
        Assert.Equal("?externalId=x%20y&limit=2&cursor=cur_abc", stub.Handler.Requests[1].Uri.Query);
    }

    [Fact]
    public async Task PathSegments_AreEscaped_AndABaseUrlPathPrefixIsKept()
    {
        var stub = new StubClient(new StubHandler(() => StubHandler.Ok(CustomerJson)), o => o.BaseUrl = new Uri("http://commet.test/billing/"));

        await stub.Client.Customers.GetAsync("user/1?x");

        Assert.Equal("http://commet.test/billing/api/v1/customers/user%2F1%3Fx", stub.Handler.Requests[0].Uri.AbsoluteUri);
    }

    [Fact]
    public async Task Requests_AreCamelCase_WithoutNulls_AndEnumsAsWireStrings()
    {
        var stub = new StubClient(new StubHandler(() => StubHandler.Ok("""{"object":"plan","id":"price_1","planId":"plan_1","billingInterval":"one_time","price":4900,"isDefault":true,"trialDays":0,"includedBalance":null,"includedCredits":null,"introOffer":null,"createdAt":"2026-03-01T00:00:00.000Z","updatedAt":"2026-03-01T00:00:00.000Z","livemode":false}""")));

        var price = await stub.Client.Plans.AddPriceAsync("pro", new AddPlanPriceRequest { BillingInterval = BillingInterval.OneTime, Price = 4900, IsDefault = true });

        Assert.Equal("""{"billingInterval":"one_time","price":4900,"isDefault":true}""", stub.Handler.Requests[0].Body);
        Assert.Equal(BillingInterval.OneTime, price.BillingInterval);
        Assert.Equal(4900, price.Price);
    }
}

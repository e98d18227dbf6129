using System.Text.Json;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests;

/// <summary>
/// The OpenAPI document is derived from the typed results the routes return: each route declares exactly the statuses
/// it can answer, with the success envelope or the error envelope as the body.
/// </summary>
public abstract class OpenApiTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    // ApiProblem: 400 unreadable body, 402 payment/credits/balance, 403, 404, 409, 422; 401 for every /api/v1 route.
    private static readonly int[] ProblemStatuses = [400, 401, 402, 403, 404, 409, 422];

    [Fact]
    public async Task TrackUsage_Declares201And200WithTheUsageEvent_AndTheErrorEnvelope()
    {
        var responses = await ResponsesAsync("/api/v1/usage/events", "post");

        Assert.Equal([200, 201, .. ProblemStatuses], responses.Keys.Order());
        Assert.Contains("UsageEventDto", responses[200], StringComparison.Ordinal);
        Assert.Contains("UsageEventDto", responses[201], StringComparison.Ordinal);
        Assert.All(ProblemStatuses, s => Assert.EndsWith("/ApiErrorEnvelope", responses[s], StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateSubscription_Declares201Only_AsItsSuccess()
    {
        var responses = await ResponsesAsync("/api/v1/subscriptions", "post");

        Assert.Equal([201, .. ProblemStatuses], responses.Keys.Order());
        Assert.Contains("SubscriptionDto", responses[201], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSubscription_Declares200And404()
    {
        var responses = await ResponsesAsync("/api/v1/subscriptions/{id}", "get");

        Assert.Equal([200, 401, 404], responses.Keys.Order());
        Assert.Contains("SubscriptionDto", responses[200], StringComparison.Ordinal);
        Assert.EndsWith("/ApiErrorEnvelope", responses[404], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListInvoices_DeclaresThePage_AndOnlyTheErrorsItCanAnswer()
    {
        var responses = await ResponsesAsync("/api/v1/invoices", "get");

        Assert.Equal([200, 401, 404, 422], responses.Keys.Order());
        Assert.Contains("ApiListEnvelope", responses[200], StringComparison.Ordinal);
        Assert.Contains("InvoiceDto", responses[200], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePlan_Declares201WithThePlan_AndTheErrorEnvelope()
    {
        var responses = await ResponsesAsync("/api/v1/plans/manage", "post");

        Assert.Equal([201, .. ProblemStatuses], responses.Keys.Order());
        Assert.Contains("PlanDto", responses[201], StringComparison.Ordinal);
        Assert.All(ProblemStatuses, s => Assert.EndsWith("/ApiErrorEnvelope", responses[s], StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetPlan_Declares200And404()
    {
        var responses = await ResponsesAsync("/api/v1/plans/{id}", "get");

        Assert.Equal([200, 401, 404], responses.Keys.Order());
        Assert.Contains("PlanDto", responses[200], StringComparison.Ordinal);
        Assert.EndsWith("/ApiErrorEnvelope", responses[404], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListPlans_DeclaresTheList_And422ForIncludePrivate()
    {
        var responses = await ResponsesAsync("/api/v1/plans", "get");

        Assert.Equal([200, 401, 422], responses.Keys.Order());
        Assert.Contains("ApiListEnvelope", responses[200], StringComparison.Ordinal);
        Assert.Contains("PlanDto", responses[200], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestAccess_Declares200WithThePortalLink_TheErrorEnvelope_AndTheRateLimit()
    {
        var responses = await ResponsesAsync("/api/v1/portal/request-access", "post");

        // ApiProblem's statuses, plus 429 from the link rate limiter in front of the route.
        Assert.Equal([200, .. ProblemStatuses, 429], responses.Keys.Order());
        Assert.Contains("PortalAccessDto", responses[200], StringComparison.Ordinal);
        Assert.EndsWith("/ApiErrorEnvelope", responses[429], StringComparison.Ordinal);
    }

    /// <summary>The route's declared statuses, each with the <c>$ref</c> of its JSON body schema.</summary>
    private async Task<Dictionary<int, string>> ResponsesAsync(string path, string method)
    {
        using var plain = new HttpClient { BaseAddress = server.BaseAddress };
        using var document = JsonDocument.Parse(await plain.GetStringAsync("/openapi/v1.json"));
        var responses = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");
        return responses.EnumerateObject().ToDictionary(
            r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture),
            r => r.Value.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!);
    }
}

public sealed class OpenApiTests_Sqlite(SqliteServer server) : OpenApiTests<SqliteServer>(server);

public sealed class OpenApiTests_Postgres(PostgresServer server) : OpenApiTests<PostgresServer>(server);

using System.Net;
using System.Text.Json.Nodes;
using Commet.Models;

namespace Commet.Sdk.Tests;

/// <summary>One client shared by many concurrent callers, as the docs say to use it.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task OneClient_ManyConcurrentWrites_EachGetsItsOwnAnswer_AndItsOwnKeyAcrossItsRetry()
    {
        // Every first attempt of a request fails with a 503; its retry is answered with the customer it asked for.
        var attempts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var handler = new StubHandler(async (request, _, ct) =>
        {
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(ct))!;
            var id = body["id"]!.GetValue<string>();
            if (attempts.AddOrUpdate(id, 1, (_, n) => n + 1) == 1)
            {
                return StubHandler.Error(HttpStatusCode.ServiceUnavailable, "unavailable");
            }
            return StubHandler.Ok($$"""{"object":"customer","id":"cus_{{id}}","externalId":"{{id}}","email":"{{id}}@example.com","createdAt":"2026-03-01T00:00:00.000Z","updatedAt":"2026-03-01T00:00:00.000Z","livemode":false}""");
        });
        var stub = new StubClient(handler);

        var ids = Enumerable.Range(0, 64).Select(i => $"user_{i}").ToList();
        var customers = await Task.WhenAll(ids.Select(id => Task.Run(() =>
            stub.Client.Customers.CreateAsync(new CreateCustomerRequest { Id = id, Email = id + "@example.com" }))));

        Assert.Equal(ids, customers.Select(c => c.ExternalId));
        Assert.Equal(ids.Select(id => "cus_" + id), customers.Select(c => c.Id));
        // 64 requests × 2 attempts; each request's two attempts share one key, and no two requests share one.
        Assert.Equal(128, handler.Requests.Count);
        var keysById = handler.Requests.GroupBy(r => JsonNode.Parse(r.Body!)!["id"]!.GetValue<string>())
            .ToDictionary(g => g.Key, g => g.Select(r => r.Header("Idempotency-Key")).Distinct().ToList());
        Assert.All(keysById.Values, keys => Assert.Single(keys));
        Assert.Equal(64, keysById.Values.Select(k => k[0]).Distinct().Count());
    }
}

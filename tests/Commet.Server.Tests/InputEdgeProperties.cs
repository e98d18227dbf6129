using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Commet.Server.Tests.Infrastructure;
using FsCheck.Xunit;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// Property-based: extreme and malformed bodies (see <see cref="EdgeInputs"/>) sent through the real server to the
/// usage (single and batch), credit purchase, top-up, balance adjustment, invoice adjustment and seat endpoints.
/// Whatever the input: never a 5xx; every 4xx carries the error envelope (a validation_error is a 422 naming its
/// fields); and a refused request writes nothing: no usage event, ledger entry, invoice, transaction or seat change.
/// </summary>
public abstract class InputEdgeProperties<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private const int Cases = 150;

    private Task<World>? world;

    /// <summary>One tenant per property: a credits, a balance, a metered and a seats customer, each subscribed.</summary>
    private sealed record World(TestTenant Tenant, string CreditsSub, string BalanceSub, string MeteredSub, string Pack)
    {
        public string Fill(string text) => text
            .Replace(EdgeInputs.CreditsSubscription, CreditsSub, StringComparison.Ordinal)
            .Replace(EdgeInputs.BalanceSubscription, BalanceSub, StringComparison.Ordinal)
            .Replace(EdgeInputs.MeteredSubscription, MeteredSub, StringComparison.Ordinal)
            .Replace(EdgeInputs.Pack, Pack, StringComparison.Ordinal);
    }

    private Task<World> WorldAsync() => world ??= CreateWorldAsync();

    private async Task<World> CreateWorldAsync()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        foreach (var (code, type) in new[] { ("gens", "usage"), ("calls", "usage"), ("api", "usage"), ("members", "seats") })
        {
            await api.PostJson("/api/v1/features/manage", new { code, name = code, type }).Ok();
        }
        await Plan(api, new { code = "credits", name = "Credits", consumptionModel = "credits" },
            new { billingInterval = "monthly", price = 2900, includedCredits = 1000 }, new { featureId = "gens", creditsPerUnit = 10 });
        await Plan(api, new { code = "payg", name = "Pay as you go", consumptionModel = "balance", blockOnExhaustion = false },
            new { billingInterval = "monthly", price = 1000, includedBalance = 5000 }, new { featureId = "calls", overage = new { enabled = true, unitPrice = 100 } });
        await Plan(api, new { code = "metered", name = "Metered" },
            new { billingInterval = "monthly", price = 4900 }, new { featureId = "api", includedAmount = 1000, overage = new { enabled = true, unitPrice = 20 } });
        await Plan(api, new { code = "team", name = "Team" },
            new { billingInterval = "monthly", price = 4900 }, new { featureId = "members", includedAmount = 1, overage = new { enabled = true, unitPrice = 250000 } });
        var pack = await api.PostJson("/api/v1/credit-packs/manage", new { name = "500 credits", credits = 500, price = 1500 }).Ok();
        var subs = new List<string>();
        foreach (var (customer, plan) in new[] { ("cre", "credits"), ("bal", "payg"), ("met", "metered"), ("sea", "team") })
        {
            await api.Customer(customer);
            subs.Add((await api.Subscribe(customer, plan)).Str("id"));
        }
        await api.SetClock(Utc(2027, 4, 10));
        return new World(t, subs[0], subs[1], subs[2], pack.Str("id"));
    }

    private static async Task Plan(HttpClient api, object plan, object price, object feature)
    {
        var code = (string)plan.GetType().GetProperty("code")!.GetValue(plan)!;
        await api.PostJson("/api/v1/plans/manage", plan).Ok();
        await api.PostJson($"/api/v1/plans/{code}/prices", price).Ok();
        await api.PostJson($"/api/v1/plans/{code}/features", feature).Ok();
    }

    private sealed record Counts(int Events, int Ledger, int Invoices, int Transactions, int SeatEvents);

    private static async Task<Counts> CountAsync(World w)
    {
        await using var db = w.Tenant.Db();
        return new Counts(await db.UsageEvents.CountAsync(), await db.Ledger.CountAsync(), await db.Invoices.CountAsync(),
            await db.Transactions.CountAsync(), await db.SeatEvents.CountAsync());
    }

    private static async Task<ApiResponse> SendRaw(World w, HttpMethod method, string path, string body)
    {
        using var request = new HttpRequestMessage(method, w.Fill(path)) { Content = new StringContent(w.Fill(body), Encoding.UTF8, "application/json") };
        return await w.Tenant.Api.SendRawAsync(request);
    }

    private static string SubscriptionPath(World w, string subscription, string tail) =>
        $"/api/v1/subscriptions/{Uri.EscapeDataString(w.Fill(subscription))}/{tail}";

    /// <summary>The checks every answer must pass; a refused answer must have written nothing.</summary>
    private static async Task<ApiResponse> Expect(World w, RawBody input, Func<Task<ApiResponse>> send)
    {
        var before = await CountAsync(w);
        var answer = await send();
        var after = await CountAsync(w);
        var status = (int)answer.Status;

        Assert.True(status < 500, $"A server error for {input}: {answer}");
        if (status >= 400)
        {
            Assert.True(answer.Body?["success"]?.GetValue<bool>() == false, $"No error envelope for {input}: {answer}");
            var error = answer.Body!["error"];
            Assert.False(string.IsNullOrEmpty(error?["code"]?.GetValue<string>()), $"No error code for {input}: {answer}");
            Assert.False(string.IsNullOrEmpty(error?["message"]?.GetValue<string>()), $"No error message for {input}: {answer}");
            Assert.False(string.IsNullOrEmpty(error?["type"]?.GetValue<string>()), $"No error type for {input}: {answer}");
            if (answer.ErrorCode == "validation_error")
            {
                Assert.True(status == 422, $"A validation_error must be a 422 ({input}): {answer}");
                Assert.True(answer.ErrorFields.Length > 0 && answer.ErrorFields.All(f => f.Length > 0), $"A validation_error must name its fields ({input}): {answer}");
            }
            Assert.True(before == after, $"A refused request wrote something ({before} → {after}) for {input}: {answer}");
        }
        return answer;
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(EdgeInputs)])]
    public async Task TrackUsage(TrackBody body)
    {
        var w = await WorldAsync();
        await Expect(w, body, () => SendRaw(w, HttpMethod.Post, "/api/v1/usage/events", body.Json));
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(EdgeInputs)])]
    public async Task TrackUsageBatch(BatchBody body)
    {
        var w = await WorldAsync();
        var before = await CountAsync(w);
        var answer = await Expect(w, body, () => SendRaw(w, HttpMethod.Post, "/api/v1/usage/events/batch", body.Json));
        if (answer.Status == HttpStatusCode.OK)
        {
            // Each refused item writes nothing: the new events are exactly the successes that were not repeats.
            var results = answer.Data["results"]!.AsArray();
            var recorded = results.Count(r => r!["success"]!.GetValue<bool>() && r["event"]?["duplicate"]?.GetValue<bool>() == false);
            var failed = results.Where(r => !r!["success"]!.GetValue<bool>()).Select(r => r!["error"]!).ToList();
            Assert.True(before.Events + recorded == (await CountAsync(w)).Events, $"The batch recorded other than its {recorded} new successes: {body}");
            Assert.All(failed, e => Assert.False(string.IsNullOrEmpty(e["code"]?.GetValue<string>())));
        }
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(EdgeInputs)])]
    public async Task PurchaseCredits(SubscriptionBody body)
    {
        var w = await WorldAsync();
        await Expect(w, body, () => SendRaw(w, HttpMethod.Post, SubscriptionPath(w, body.Subscription, "credits"), body.Json));
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(BalanceInputs)])]
    public async Task TopupBalance(SubscriptionBody body)
    {
        var w = await WorldAsync();
        await Expect(w, body, () => SendRaw(w, HttpMethod.Post, SubscriptionPath(w, body.Subscription, "balance/topup"), body.Json));
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(AdjustInputs)])]
    public async Task AdjustBalance(SubscriptionBody body)
    {
        var w = await WorldAsync();
        await Expect(w, body, () => SendRaw(w, HttpMethod.Post, SubscriptionPath(w, body.Subscription, "balance/adjust"), body.Json));
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(AdjustInputs)])]
    public async Task AdjustInvoice(InvoiceBody body)
    {
        var w = await WorldAsync();
        await Expect(w, body, () => SendRaw(w, HttpMethod.Post, "/api/v1/invoices", body.Json));
    }

    [Property(MaxTest = Cases, Arbitrary = [typeof(EdgeInputs)])]
    public async Task ChangeSeats(SeatsBody body)
    {
        var w = await WorldAsync();
        await Expect(w, body, () => SendRaw(w, new HttpMethod(body.Method), body.Path, body.Json));
    }
}

public sealed class InputEdgeProperties_Sqlite(SqliteServer server) : InputEdgeProperties<SqliteServer>(server);

public sealed class InputEdgeProperties_Postgres(PostgresServer server) : InputEdgeProperties<PostgresServer>(server);

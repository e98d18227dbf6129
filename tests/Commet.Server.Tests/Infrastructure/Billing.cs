using System.Net;
using System.Text.Json.Nodes;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>Arranging billing scenarios through the public API.</summary>
public static class BillingApi
{
    public static async Task<JsonNode> Ok(this Task<ApiResponse> call, HttpStatusCode? expected = null)
    {
        var answer = await call;
        if (expected is { } status ? answer.Status != status : (int)answer.Status >= 300)
        {
            throw new Xunit.Sdk.XunitException($"Expected success but got {answer}");
        }
        return answer.Data;
    }

    public static Task<JsonNode> SetClock(this HttpClient api, DateTime at) =>
        api.PostJson("/api/v1/test-clock", new { frozenTime = at.ToString("O") }).Ok();

    public static Task<JsonNode> Advance(this HttpClient api, int days) =>
        api.PostJson("/api/v1/test-clock", new { advanceDays = days }).Ok();

    public static Task<JsonNode> ProcessBilling(this HttpClient api) =>
        api.PostJson("/api/v1/test-clock/process-billing", new { }).Ok();

    /// <summary>Moves the clock to <paramref name="at"/> and runs the engine.</summary>
    public static async Task<JsonNode> RunUntil(this HttpClient api, DateTime at)
    {
        await api.SetClock(at);
        return await api.ProcessBilling();
    }

    public static async Task<string> Plan(this HttpClient api, string code, long monthly, string? groupId = null, int sortOrder = 0,
        string interval = "monthly", int trialDays = 0)
    {
        var plan = await api.PostJson("/api/v1/plans/manage", new { code, name = char.ToUpperInvariant(code[0]) + code[1..], planGroupId = groupId, sortOrder }).Ok();
        await api.PostJson($"/api/v1/plans/{code}/prices", new { billingInterval = interval, price = monthly, trialDays }).Ok();
        return plan["id"]!.GetValue<string>();
    }

    public static async Task<string> Group(this HttpClient api, string name = "Main") =>
        (await api.PostJson("/api/v1/plan-groups", new { name }).Ok())["id"]!.GetValue<string>();

    public static async Task<string> Customer(this HttpClient api, string id, string? card = "4242424242424242")
    {
        var customer = await api.PostJson("/api/v1/customers", new { id, email = $"{id}@example.com" }).Ok();
        if (card is not null)
        {
            await api.Card(id, card);
        }
        return customer["id"]!.GetValue<string>();
    }

    public static Task<JsonNode> Card(this HttpClient api, string customerId, string number) =>
        api.PostJson("/api/v1/sandbox/payment-methods", new { customerId, cardNumber = number }).Ok();

    public static async Task<JsonNode> Subscribe(this HttpClient api, string customerId, string planCode, string? interval = null, bool? skipTrial = null) =>
        await api.PostJson("/api/v1/subscriptions", new { customerId, planCode, billingInterval = interval, skipTrial }).Ok();

    public static Task<JsonNode> Subscription(this HttpClient api, string id) => api.GetJson($"/api/v1/subscriptions/{id}").Ok();

    public static DateTime Utc(int y, int m, int d) => new(y, m, d, 0, 0, 0, DateTimeKind.Utc);

    public static string Str(this JsonNode node, string name) => node[name]!.GetValue<string>();

    public static DateTime Date(this JsonNode node, string name) => DateTime.Parse(node[name]!.GetValue<string>(), null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
}

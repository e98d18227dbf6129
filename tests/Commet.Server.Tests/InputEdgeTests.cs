using System.Net;
using Commet.Domain.Usage;
using Commet.Server.Pages.Portal;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// Regression tests for inputs that used to crash a request with a 500: each is now a 422 naming the field (or a
/// 400 for unreadable JSON), and a refused request writes nothing.
/// </summary>
public abstract class InputEdgeTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static async Task Feature(HttpClient api, string code, string type = "usage") =>
        await api.PostJson("/api/v1/features/manage", new { code, name = code.Replace('_', ' '), type }).Ok();

    private static async Task PlanWith(HttpClient api, string code, object plan, object price, params object[] features)
    {
        await api.PostJson("/api/v1/plans/manage", plan).Ok();
        await api.PostJson($"/api/v1/plans/{code}/prices", price).Ok();
        foreach (var f in features)
        {
            await api.PostJson($"/api/v1/plans/{code}/features", f).Ok();
        }
    }

    private static void AssertValidation(ApiResponse answer, string field)
    {
        Assert.True(answer.Status == HttpStatusCode.UnprocessableEntity, answer.ToString());
        Assert.Equal("validation_error", answer.ErrorCode);
        Assert.Contains(field, answer.ErrorFields);
    }

    private static async Task<(int Events, int Ledger, int Transactions, int Invoices)> Writes(TestTenant t)
    {
        await using var db = t.Db();
        return (await db.UsageEvents.CountAsync(), await db.Ledger.CountAsync(), await db.Transactions.CountAsync(), await db.Invoices.CountAsync());
    }

    /// <summary>A metered plan with a usage feature, and a customer subscribed to it.</summary>
    private static async Task<TestTenant> MeteredAsync(TServer server)
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await Feature(api, "calls");
        await PlanWith(api, "metered", new { code = "metered", name = "Metered" }, new { billingInterval = "monthly", price = 1000 },
            new { featureId = "calls", includedAmount = 100, overage = new { enabled = true, unitPrice = 100 } });
        await api.Customer("m");
        await api.Subscribe("m", "metered");
        return t;
    }

    [Theory]
    [InlineData("[null]", "properties[0]")]
    [InlineData("[{\"property\":\"a\",\"value\":\"1\"},null]", "properties[1]")]
    [InlineData("[{\"property\":null,\"value\":\"1\"}]", "properties[0].property")]
    [InlineData("[{\"property\":\"a\"}]", "properties[0].value")]
    [InlineData("[{\"property\":\"a\",\"value\":{\"b\":1}}]", "properties[0].value")]
    [InlineData("[{\"property\":\"a\",\"value\":[1]}]", "properties[0].value")]
    [InlineData("[{\"property\":\"a\",\"value\":\"1\"},{\"property\":\"a\",\"value\":\"2\"}]", "properties[1].property")]
    [InlineData("[1]", "properties[0]")]
    [InlineData("[\"a\"]", "properties[0]")]
    [InlineData("[[]]", "properties[0]")]
    [InlineData("{}", "properties")]
    [InlineData("\"a\"", "properties")]
    [InlineData("7", "properties")]
    public async Task Track_PropertiesNotAnArrayOfPairs_Is422NamingTheItem_AndRecordsNothing(string properties, string field)
    {
        var t = await MeteredAsync(server);
        var before = await Writes(t);

        var single = await t.Api.PostRaw("/api/v1/usage/events", $$"""{"customerId":"m","feature":"calls","value":1,"properties":{{properties}}}""");
        var batch = await t.Api.PostRaw("/api/v1/usage/events/batch",
            $$"""{"events":[{"customerId":"m","feature":"calls","value":1,"properties":{{properties}}},{"customerId":"m","feature":"calls","value":2}]}""");

        AssertValidation(single, field);
        // In a batch a bad item fails on its own (the others still count), or, when the body cannot be read into
        // events at all, the whole batch is a 422 naming the item's path.
        if (batch.Status == HttpStatusCode.OK)
        {
            var results = batch.Data["results"]!.AsArray();
            Assert.Equal((false, "validation_error"), (results[0]!["success"]!.GetValue<bool>(), results[0]!["error"]!["code"]!.GetValue<string>()));
            Assert.Contains(field, results[0]!["error"]!["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()));
            Assert.True(results[1]!["success"]!.GetValue<bool>());
            Assert.Equal(before.Events + 1, (await Writes(t)).Events);
        }
        else
        {
            AssertValidation(batch, "events[0]." + field);
            Assert.Equal(before, await Writes(t));
        }
    }

    [Fact]
    public async Task Track_GoodProperties_StillRecorded()
    {
        var t = await MeteredAsync(server);

        var answer = await t.Api.PostRaw("/api/v1/usage/events", """{"customerId":"m","feature":"calls","properties":[{"property":"model","value":"gpt"},{"property":"n","value":3}]}""");

        Assert.Equal(HttpStatusCode.Created, answer.Status);
        Assert.Equal(["gpt", "3"], answer.Data["properties"]!.AsArray().Select(p => p!["value"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("-9223372036854775808")]
    [InlineData("9223372036854775807")]
    [InlineData("1000000000001")]
    [InlineData("-1000000000001")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("1.5")]
    [InlineData("\"ten\"")]
    [InlineData("0")]
    [InlineData("null")]
    public async Task AdjustBalance_ExtremeAmount_Is422NamingAmount_AndMovesNothing(string amount)
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await Feature(api, "gens");
        await PlanWith(api, "credits", new { code = "credits", name = "Credits", consumptionModel = "credits" },
            new { billingInterval = "monthly", price = 2900, includedCredits = 1000 }, new { featureId = "gens", creditsPerUnit = 1 });
        await api.Customer("c");
        var id = (await api.Subscribe("c", "credits")).Str("id");
        var before = await Writes(t);

        var answer = await api.PostRaw($"/api/v1/subscriptions/{id}/balance/adjust", $$"""{"amount":{{amount}},"reason":"edge"}""");

        AssertValidation(answer, "amount");
        Assert.Equal(before, await Writes(t));
    }

    [Fact]
    public async Task AdjustBalance_LargestAmountsStillWork_AndStopAtTheAccountCeiling()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await Feature(api, "gens");
        await PlanWith(api, "credits", new { code = "credits", name = "Credits", consumptionModel = "credits" },
            new { billingInterval = "monthly", price = 2900, includedCredits = 0 }, new { featureId = "gens", creditsPerUnit = 1 });
        await api.Customer("c");
        var id = (await api.Subscribe("c", "credits")).Str("id");

        var up = await api.PostJson($"/api/v1/subscriptions/{id}/balance/adjust", new { amount = 1_000_000_000_000L }).Ok();
        var down = await api.PostJson($"/api/v1/subscriptions/{id}/balance/adjust", new { amount = -1_000_000_000_000L }).Ok();

        // +10^12 then −10^12: back to 0.
        Assert.Equal((1_000_000_000_000L, 0L), (up["newBalance"]!.GetValue<long>(), down["newBalance"]!.GetValue<long>()));
        // Every +10^12 adjustment adds up; the account stops at 10^17 (100,000 of them) with a 422 rather than
        // overflowing a 64-bit sum. Put it just under the ceiling directly, then ask for one more.
        await using (var db = t.Db())
        {
            var account = await db.ConsumptionAccounts.SingleAsync(a => a.SubscriptionId == id && a.Kind == AccountKinds.Credits);
            account.PurchasedAmount = 100_000_000_000_000_000L - 1;
            await db.SaveChangesAsync();
        }
        var over = await api.PostJson($"/api/v1/subscriptions/{id}/balance/adjust", new { amount = 2 });
        AssertValidation(over, "amount");
    }

    [Theory]
    [InlineData("credits", 1_000_000_000_000L, 0L)]
    [InlineData("balance", 0L, 10_000_000_000L)]
    [InlineData("metered", 0L, 10_000_000_000L)]
    public async Task Track_ValueWhoseCostOverflows_Is422NamingValue(string model, long creditsPerUnit, long unitPrice)
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await Feature(api, "calls");
        object feature = model == "credits"
            ? new { featureId = "calls", creditsPerUnit }
            : new { featureId = "calls", includedAmount = 0, overage = new { enabled = true, unitPrice } };
        await PlanWith(api, "p", new { code = "p", name = "P", consumptionModel = model, blockOnExhaustion = model == "balance" ? false : (bool?)null },
            new { billingInterval = "monthly", price = 1000, includedCredits = model == "credits" ? 10 : (long?)null }, feature);
        await api.Customer("x");
        await api.Subscribe("x", "p");
        var before = await Writes(t);

        // 10^12 units × 10^12 credits each = 10^24 credits; × $1,000,000 (10^10 rate units) = 10^22 rate units:
        // both beyond a 64-bit integer (9.2 × 10^18).
        var track = await api.PostJson("/api/v1/usage/events", new { customerId = "x", feature = "calls", value = 1_000_000_000_000m });
        var check = await api.PostJson("/api/v1/usage/check", new { customerId = "x", featureCode = "calls", quantity = 1_000_000_000_000m });

        AssertValidation(track, "value");
        Assert.True(check.Status is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity, check.ToString());
        if (model != "metered")
        {
            AssertValidation(check, "quantity");
        }
        if (model == "metered")
        {
            var set = await api.PutJson("/api/v1/usage", new { customerId = "x", feature = "calls", value = 1_000_000_000_000m });
            AssertValidation(set, "value");
        }
        Assert.Equal(before, await Writes(t));
    }

    [Theory]
    [InlineData("0.0000001")]
    [InlineData("1.1234567890123456789")]
    [InlineData("-1")]
    [InlineData("1000000000000.5")]
    [InlineData("1e30")]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"1\"")]
    [InlineData("true")]
    [InlineData("[]")]
    public async Task Track_And_SetUsage_OddValues_Are422NamingValue(string value)
    {
        var t = await MeteredAsync(server);
        var before = await Writes(t);

        var track = await t.Api.PostRaw("/api/v1/usage/events", $$"""{"customerId":"m","feature":"calls","value":{{value}}}""");
        var set = await t.Api.Send(HttpMethod.Put, "/api/v1/usage", System.Text.Json.JsonDocument.Parse($$"""{"customerId":"m","feature":"calls","value":{{value}}}""").RootElement);

        AssertValidation(track, "value");
        AssertValidation(set, "value");
        Assert.Equal(before, await Writes(t));
    }

    [Fact]
    public async Task Track_NaNAsABareToken_Is400InvalidJson()
    {
        var t = await MeteredAsync(server);

        var answer = await t.Api.PostRaw("/api/v1/usage/events", """{"customerId":"m","feature":"calls","value":NaN}""");

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_json"), (answer.Status, answer.ErrorCode));
    }

    [Theory]
    [InlineData("-9223372036854775808")]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775808")]
    [InlineData("-1")]
    [InlineData("1000001")]
    [InlineData("2.5")]
    public async Task Seats_ExtremeCounts_Are422NamingTheField(string count)
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await Feature(api, "members", "seats");
        await PlanWith(api, "team", new { code = "team", name = "Team" }, new { billingInterval = "monthly", price = 4900 },
            new { featureId = "members", includedAmount = 0, overage = new { enabled = true, unitPrice = 10_000_000_000L } });
        await api.Customer("s");
        await api.Subscribe("s", "team");
        var before = await Writes(t);
        var body = $$"""{"customerId":"s","featureCode":"members","count":{{count}}}""";
        System.Text.Json.JsonElement Raw(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement;

        var add = await api.PostRaw("/api/v1/seats", body);
        var set = await api.Send(HttpMethod.Put, "/api/v1/seats", Raw(body));
        var remove = await api.Send(HttpMethod.Delete, "/api/v1/seats", Raw(body));
        var bulk = await api.Send(HttpMethod.Put, "/api/v1/seats/bulk", Raw($$$"""{"customerId":"s","seats":{"members":{{{count}}}}}"""));

        AssertValidation(add, "count");
        AssertValidation(set, "count");
        AssertValidation(remove, "count");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bulk.Status);
        Assert.Equal("validation_error", bulk.ErrorCode);
        Assert.Contains(bulk.ErrorFields, f => f.StartsWith("seats", StringComparison.Ordinal));
        Assert.Equal(before, await Writes(t));
    }

    [Theory]
    [InlineData("-9223372036854775808")]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775808")]
    [InlineData("0")]
    [InlineData("499")]
    [InlineData("1000001")]
    [InlineData("12.5")]
    public async Task Topup_ExtremeAmount_Is422NamingAmount_AndChargesNothing(string amount)
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await Feature(api, "calls");
        await PlanWith(api, "payg", new { code = "payg", name = "Pay as you go", consumptionModel = "balance", blockOnExhaustion = false },
            new { billingInterval = "monthly", price = 1000, includedBalance = 500 }, new { featureId = "calls", overage = new { enabled = true, unitPrice = 100 } });
        await api.Customer("b");
        var id = (await api.Subscribe("b", "payg")).Str("id");
        var before = await Writes(t);

        var answer = await api.PostRaw($"/api/v1/subscriptions/{id}/balance/topup", $$"""{"amount":{{amount}}}""");

        AssertValidation(answer, "amount");
        Assert.Equal(before, await Writes(t));
    }

    [Theory]
    [InlineData("-9223372036854775808")]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775808")]
    [InlineData("10000000001")]
    [InlineData("-10000000001")]
    [InlineData("0")]
    [InlineData("0.5")]
    public async Task InvoiceAdjustment_ExtremeAmount_Is422NamingAmount_AndCreatesNoInvoice(string amount)
    {
        var t = await server.NewTenantAsync();
        await t.Api.Customer("inv");
        var before = await Writes(t);

        var answer = await t.Api.PostRaw("/api/v1/invoices", $$"""{"customerId":"inv","amount":{{amount}},"description":"Edge"}""");

        AssertValidation(answer, "amount");
        Assert.Equal(before, await Writes(t));
    }

    [Theory]
    [InlineData("-9223372036854775808")]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775808")]
    [InlineData("-1")]
    [InlineData("1e400")]
    public async Task Catalog_ExtremePrices_Are422NamingTheField(string n)
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await Feature(api, "calls");
        await Feature(api, "storage", "boolean");
        await api.PostJson("/api/v1/plans/manage", new { code = "p", name = "P" }).Ok();

        var price = await api.PostRaw("/api/v1/plans/p/prices", $$"""{"billingInterval":"monthly","price":{{n}}}""");
        var overage = await api.PostRaw("/api/v1/plans/p/features", $$$"""{"featureId":"calls","includedAmount":1,"overage":{"enabled":true,"unitPrice":{{{n}}}}}""");
        var addon = await api.PostRaw("/api/v1/addons", $$"""{"name":"Extra","featureId":"storage","basePrice":{{n}},"consumptionModel":"boolean"}""");
        var packPrice = await api.PostRaw("/api/v1/credit-packs/manage", $$"""{"name":"Pack","credits":10,"price":{{n}}}""");
        var packCredits = await api.PostRaw("/api/v1/credit-packs/manage", $$"""{"name":"Pack","credits":{{n}},"price":100}""");

        AssertValidation(price, "price");
        AssertValidation(overage, "overage.unitPrice");
        AssertValidation(addon, "basePrice");
        AssertValidation(packPrice, "price");
        AssertValidation(packCredits, "credits");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not-an-email")]
    public async Task UpdateCustomer_BlankOrInvalidEmail_Is422_AndTheCustomerKeepsTheirEmail(string email)
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.Customer("upd");

        var answer = await api.PutJson("/api/v1/customers/upd", new { email });
        var customer = await api.GetJson("/api/v1/customers/upd").Ok();
        var link = await api.PostJson("/api/v1/portal/request-access", new { email = "upd@example.com" });

        AssertValidation(answer, "email");
        Assert.Equal("upd@example.com", customer.Str("email"));
        Assert.Equal(HttpStatusCode.OK, link.Status);
    }

    [Fact]
    public async Task UpdateCustomer_EmailLeftOutOrNull_StaysAsItIs()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.Customer("keep");

        var renamed = await api.PutJson("/api/v1/customers/keep", new { fullName = "Kim" }).Ok();
        var nulled = await api.PutJson("/api/v1/customers/keep", new { email = (string?)null, fullName = "Kim Lee" }).Ok();
        var changed = await api.PutJson("/api/v1/customers/keep", new { email = "new@example.com" }).Ok();

        Assert.Equal(("keep@example.com", "keep@example.com", "new@example.com"), (renamed.Str("email"), nulled.Str("email"), changed.Str("email")));
    }

    [Theory]
    [InlineData("/api/v1/subscriptions/{sub}/credits", "{\"creditPackId\":\"cpk_\\u0000\"}")]
    [InlineData("/api/v1/usage/events", "{\"customerId\":\"c\\u0000\",\"feature\":\"gens\"}")]
    [InlineData("/api/v1/usage/events", "{\"customerId\":\"c\",\"feature\":\"gens\",\"idempotencyKey\":\"k\\u0000\"}")]
    [InlineData("/api/v1/usage/events", "{\"customerId\":\"c\",\"feature\":\"gens\",\"properties\":[{\"property\":\"p\\u0000\",\"value\":\"v\\u0000\"}]}")]
    [InlineData("/api/v1/invoices", "{\"customerId\":\"c\",\"amount\":100,\"description\":\"d\",\"metadata\":{\"k\":\"\\u0000\"}}")]
    [InlineData("/api/v1/subscriptions/{sub}/balance/adjust", "{\"amount\":10,\"reason\":\"r\\u0000\"}")]
    public async Task NulCharacters_InIdsAndTexts_AreRefusedOrStored_NeverA500(string path, string body)
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await Feature(api, "gens");
        await PlanWith(api, "credits", new { code = "credits", name = "Credits", consumptionModel = "credits" },
            new { billingInterval = "monthly", price = 2900, includedCredits = 1000 }, new { featureId = "gens", creditsPerUnit = 1 });
        await api.Customer("c");
        var id = (await api.Subscribe("c", "credits")).Str("id");

        var answer = await api.PostRaw(path.Replace("{sub}", id, StringComparison.Ordinal), body);

        // PostgreSQL cannot store or compare a NUL character in text; whatever the field, no 500.
        Assert.True((int)answer.Status < 500, answer.ToString());
        Assert.True(answer.Status is HttpStatusCode.OK or HttpStatusCode.Created || answer.ErrorCode is not null, answer.ToString());
    }

    [Theory]
    [InlineData("99999999999999999999")]
    [InlineData("9223372036854775807")]
    [InlineData("-5")]
    [InlineData("NaN")]
    [InlineData("1e9")]
    [InlineData("0.001")]
    [InlineData("")]
    public void PortalTopupAmount_ExtremeText_IsRefusedNotThrown(string text)
    {
        Assert.Null(PurchaseConfirmModel.ParseAmount(text, "USD"));
    }
}

public sealed class InputEdgeTests_Sqlite(SqliteServer server) : InputEdgeTests<SqliteServer>(server);

public sealed class InputEdgeTests_Postgres(PostgresServer server) : InputEdgeTests<PostgresServer>(server);

using System.Net;
using System.Text.RegularExpressions;
using Commet.Domain.Billing;
using Commet.Domain.Usage;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// AI-token usage: calls priced per model (built-in prices per million tokens, or the organization's own), plus the
/// feature's margin, taken from a balance or from credits, shown per model in the portal and on the renewal invoice.
/// Every amount is worked out by hand below; built-in prices used (USD per million tokens, input / output / cache read /
/// cache write): anthropic/claude-sonnet-4 3.00 / 15.00 / 0.30 / 3.75, openai/gpt-4o-mini 0.15 / 0.60 / 0.075 / 0.15.
/// </summary>
public abstract partial class AiUsageTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private const string Sonnet = "anthropic/claude-sonnet-4";
    private const string Mini = "openai/gpt-4o-mini";

    private static async Task PlanWith(HttpClient api, string code, object plan, object price, object feature)
    {
        await api.PostJson("/api/v1/features/manage", new { code = "assistant", name = "Assistant", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", plan).Ok();
        await api.PostJson($"/api/v1/plans/{code}/prices", price).Ok();
        await api.PostJson($"/api/v1/plans/{code}/features", feature).Ok();
    }

    private static Task<ApiResponse> Call(HttpClient api, string customer, string model, long input, long output, long? cacheRead = null, long? cacheWrite = null) =>
        api.PostJson("/api/v1/usage/events", new { customerId = customer, feature = "assistant", model, inputTokens = input, outputTokens = output, cacheReadTokens = cacheRead, cacheWriteTokens = cacheWrite });

    private static async Task<(long Plan, long Purchased)> Account(TestTenant t, string subscriptionId, string kind)
    {
        await using var db = t.Db();
        var a = await db.ConsumptionAccounts.AsNoTracking().SingleAsync(x => x.SubscriptionId == subscriptionId && x.Kind == kind);
        var ledger = await db.Ledger.AsNoTracking().Where(l => l.SubscriptionId == subscriptionId && l.Kind == kind).ToListAsync();
        Assert.Equal(a.PlanAmount, ledger.Where(l => l.Bucket == Buckets.Plan).Sum(l => l.Amount));
        Assert.Equal(a.PurchasedAmount, ledger.Where(l => l.Bucket == Buckets.Purchased).Sum(l => l.Amount));
        return (a.PlanAmount, a.PurchasedAmount);
    }

    private static string Row(string html, string model) =>
        ModelRow().Matches(html).Select(m => m.Value).SingleOrDefault(r => r.Contains($"data-model=\"{model}\"", StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"No row for {model} in the usage page.");

    [GeneratedRegex("<tr data-model=\"[^\"]+\">.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex ModelRow();

    [Fact]
    public async Task Balance_TwoModels_WithMarginAndCache_PricedToTheCent_ShownPerModel_OverspendBilled()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        // $10.00 included a month (rate scale 100,000), a 20 % margin (2,000 basis points) on the models' prices.
        await PlanWith(api, "ai", new { code = "ai", name = "AI", consumptionModel = "balance", blockOnExhaustion = false },
            new { billingInterval = "monthly", price = 2000, includedBalance = 100000 },
            new { featureId = "assistant", pricingMode = "ai_model", margin = 2000 });
        await api.Customer("ada");
        var id = (await api.Subscribe("ada", "ai")).Str("id");

        // Sonnet: 1,000,000 in × $3.00/M = $3.00; 200,000 out × $15.00/M = $3.00; 500,000 cache read × $0.30/M = $0.15;
        // 100,000 cache write × $3.75/M = $0.375. $6.525 × 1.20 = $7.83 = 78,300 (rate scale).
        var first = await Call(api, "ada", Sonnet, 1_000_000, 200_000, 500_000, 100_000).Ok(HttpStatusCode.Created);
        // The event's value is its total token count: 1,800,000.
        Assert.Equal(1_800_000m, first["value"]!.GetValue<decimal>());
        Assert.Equal((100000L - 78300L, 0L), await Account(t, id, AccountKinds.Balance));

        // Mini: 2,000,000 × $0.15/M = $0.30; 1,000,000 × $0.60/M = $0.60; 4,000,000 cache read × $0.075/M = $0.30.
        // $1.20 × 1.20 = $1.44 = 14,400.
        await Call(api, "ada", Mini, 2_000_000, 1_000_000, 4_000_000).Ok(HttpStatusCode.Created);
        // Mini, a small call: 1,234 × $0.15/M = $0.0001851; 567 × $0.60/M = $0.0003402; $0.0005253 × 1.20 = $0.00063036
        // = 6.3036 rate-scale units, rounded up once at the end: 7.
        await Call(api, "ada", "gpt-4o-mini", 1_234, 567).Ok(HttpStatusCode.Created);
        // 100,000 − 78,300 − 14,400 − 7 = 7,293.
        Assert.Equal((7293L, 0L), await Account(t, id, AccountKinds.Balance));

        // Sonnet again: 500,000 in × $3.00/M = $1.50 × 1.20 = $1.80 = 18,000: 7,293 − 18,000 = −10,707 (not blocking).
        await Call(api, "ada", Sonnet, 500_000, 0).Ok(HttpStatusCode.Created);
        // The plan bucket is spent first (7,293), the rest goes below zero: 0 and −10,707.
        Assert.Equal((0L, -10707L), await Account(t, id, AccountKinds.Balance));

        // The portal shows this month per model: Sonnet 78,300 + 18,000 = 96,300 = $9.63; Mini 14,400 + 7 = 14,407 = $1.4407 → $1.44.
        using (var portal = await PortalClient.OpenAsync(server, api, "ada"))
        {
            var page = await portal.GetAsync("/portal/usage");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            var sonnet = Row(page.Html, Sonnet);
            Assert.Contains("$9.63", sonnet, StringComparison.Ordinal);
            Assert.Contains("1,500,000", sonnet, StringComparison.Ordinal);
            var mini = Row(page.Html, Mini);
            Assert.Contains("$1.44", mini, StringComparison.Ordinal);
            Assert.Contains("2,001,234", mini, StringComparison.Ordinal);
        }

        await api.RunUntil(Utc(2027, 5, 1));

        await using var db = t.Db();
        var renewal = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.SubscriptionId == id && i.PeriodStart == Utc(2027, 5, 1));
        // 10,707 rate-scale units beyond the balance = $1.0707 → 107 cents; $20.00 + $1.07 = $21.07.
        Assert.Equal(107, renewal.Lines.Single(l => l.LineType == LineTypes.BalanceOverage).Amount);
        Assert.Equal(2000 + 107, renewal.Total);
        // One line per model, for information (paid from the balance as it happened): the tokens and what they took.
        var perModel = renewal.Lines.Where(l => l.LineType == LineTypes.FeatureOverage).OrderBy(l => l.Description, StringComparer.Ordinal).ToList();
        Assert.Equal(2, perModel.Count);
        Assert.All(perModel, l => Assert.Equal(0, l.Amount));
        Assert.Contains(Sonnet, perModel[0].Description, StringComparison.Ordinal);
        Assert.Contains("$9.63", perModel[0].Description, StringComparison.Ordinal);
        // 1,500,000 + 200,000 + 500,000 + 100,000 tokens.
        Assert.Equal(2_300_000m, perModel[0].Quantity);
        Assert.Contains(Mini, perModel[1].Description, StringComparison.Ordinal);
        Assert.Contains("$1.44", perModel[1].Description, StringComparison.Ordinal);
        // 2,001,234 + 1,000,567 + 4,000,000 tokens.
        Assert.Equal(7_001_801m, perModel[1].Quantity);
        // The new month starts with the $10.00 allowance.
        Assert.Equal((100000L, 0L), await Account(t, id, AccountKinds.Balance));
    }

    [Fact]
    public async Task Credits_TwoModels_WithMargin_RoundedUpOnce_RefusedWhenShort_ShownOnTheInvoice()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        // 1,000 credits a month; 100 credits buy $1.00 of priced tokens (a credit a cent); 50 % margin.
        await PlanWith(api, "aic", new { code = "aic", name = "AI credits", consumptionModel = "credits" },
            new { billingInterval = "monthly", price = 1500, includedCredits = 1000 },
            new { featureId = "assistant", pricingMode = "ai_model", margin = 5000, creditsPerUnit = 100 });
        await api.Customer("cy");
        var id = (await api.Subscribe("cy", "aic")).Str("id");

        // Sonnet: 100,000 × $3.00/M = $0.30; 20,000 × $15.00/M = $0.30; 50,000 × $0.30/M = $0.015; 10,000 × $3.75/M = $0.0375.
        // $0.6525 × 1.50 = $0.97875 × 100 credits = 97.875 → 98 credits.
        await Call(api, "cy", Sonnet, 100_000, 20_000, 50_000, 10_000).Ok(HttpStatusCode.Created);
        // Mini: 1,000,000 × $0.15/M = $0.15; 100,000 × $0.60/M = $0.06. $0.21 × 1.50 = $0.315 × 100 = 31.5 → 32 credits.
        await Call(api, "cy", Mini, 1_000_000, 100_000).Ok(HttpStatusCode.Created);
        // 1,000 − 98 − 32 = 870.
        Assert.Equal((870L, 0L), await Account(t, id, AccountKinds.Credits));

        // 10,000,000 × $3.00/M = $30.00 × 1.50 = $45.00 = 4,500 credits > 870: refused, nothing taken or counted.
        var refused = await Call(api, "cy", Sonnet, 10_000_000, 0);
        Assert.Equal((HttpStatusCode.PaymentRequired, "insufficient_credits"), (refused.Status, refused.ErrorCode));
        Assert.Equal((870L, 0L), await Account(t, id, AccountKinds.Credits));

        using (var portal = await PortalClient.OpenAsync(server, api, "cy"))
        {
            var page = await portal.GetAsync("/portal/usage");
            Assert.Contains("98 credits", Row(page.Html, Sonnet), StringComparison.Ordinal);
            Assert.Contains("32 credits", Row(page.Html, Mini), StringComparison.Ordinal);
        }

        await api.RunUntil(Utc(2027, 5, 1));

        await using var db = t.Db();
        var renewal = await db.Invoices.Include(i => i.Lines).SingleAsync(i => i.SubscriptionId == id && i.PeriodStart == Utc(2027, 5, 1));
        var perModel = renewal.Lines.Where(l => l.LineType == LineTypes.FeatureOverage).OrderBy(l => l.Description, StringComparer.Ordinal).ToList();
        Assert.Equal(2, perModel.Count);
        Assert.Contains("98 credits", perModel[0].Description, StringComparison.Ordinal);
        // Only the one Sonnet call that went through: 100,000 + 20,000 + 50,000 + 10,000 tokens.
        Assert.Equal(180_000m, perModel[0].Quantity);
        Assert.Contains("32 credits", perModel[1].Description, StringComparison.Ordinal);
        Assert.Equal(1500, renewal.Total);
    }

    [Fact]
    public async Task OrganizationRate_ReplacesTheBuiltInPrice_ForThatOrganizationOnly()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await PlanWith(api, "ai", new { code = "ai", name = "AI", consumptionModel = "balance", blockOnExhaustion = true },
            new { billingInterval = "monthly", price = 2000, includedBalance = 100000 },
            new { featureId = "assistant", pricingMode = "ai_model", margin = 2000 });
        await api.Customer("ovr");
        var id = (await api.Subscribe("ovr", "ai")).Str("id");

        var builtIn = await api.GetJson("/api/v1/ai-model-rates").Ok();
        var listed = builtIn["data"]!.AsArray().Single(r => r!.Str("model") == Mini)!;
        // $0.15 per million in rate scale (10000 = 1.00).
        Assert.Equal((1500m, "builtin"), (listed["inputPerMillion"]!.GetValue<decimal>(), listed.Str("source")));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", builtIn.Str("builtInAsOf"));

        // Our own price for Mini: $0.20 in, $0.80 out, $0.10 cache read (rate scale per million).
        var set = await api.PutJson("/api/v1/ai-model-rates", new { model = "OpenAI/GPT-4o-mini", inputPerMillion = 2000, outputPerMillion = 8000, cacheReadPerMillion = 1000 }).Ok();
        Assert.Equal((Mini, "organization", 2000m), (set.Str("model"), set.Str("source"), set["cacheWritePerMillion"]!.GetValue<decimal>()));
        var bad = await api.PutJson("/api/v1/ai-model-rates", new { model = "x", inputPerMillion = 0.00001m });
        Assert.Equal("validation_error", bad.ErrorCode);
        Assert.Equal(["inputPerMillion", "outputPerMillion"], bad.ErrorFields.Order(StringComparer.Ordinal));

        // 1,000,000 × $0.20/M = $0.20; 500,000 × $0.80/M = $0.40; 1,000,000 cache read × $0.10/M = $0.10.
        // $0.70 × 1.20 = $0.84 = 8,400 (the built-in price would have been $0.285 × 1.20 = $0.342).
        await Call(api, "ovr", "gpt-4o-mini", 1_000_000, 500_000, 1_000_000).Ok(HttpStatusCode.Created);
        Assert.Equal((100000L - 8400L, 0L), await Account(t, id, AccountKinds.Balance));

        var after = await api.GetJson("/api/v1/ai-model-rates").Ok();
        var mine = after["data"]!.AsArray().Where(r => r!.Str("model") == Mini).ToList();
        Assert.Equal(("organization", 2000m), (mine.Single()!.Str("source"), mine.Single()!["inputPerMillion"]!.GetValue<decimal>()));

        // Another organization still pays the built-in price.
        var other = await server.NewTenantAsync();
        var otherMini = (await other.Api.GetJson("/api/v1/ai-model-rates").Ok())["data"]!.AsArray().Single(r => r!.Str("model") == Mini)!;
        Assert.Equal("builtin", otherMini.Str("source"));

        // Back to the built-in price once removed.
        await api.Delete("/api/v1/ai-model-rates?model=openai/gpt-4o-mini").Ok();
        var removed = (await api.GetJson("/api/v1/ai-model-rates").Ok())["data"]!.AsArray().Single(r => r!.Str("model") == Mini)!;
        Assert.Equal("builtin", removed.Str("source"));
    }

    [Fact]
    public async Task WrongShapes_UnknownModels_AndPlansThatCannotPriceTokens_AreRefused()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        await PlanWith(api, "ai", new { code = "ai", name = "AI", consumptionModel = "balance" },
            new { billingInterval = "monthly", price = 2000, includedBalance = 100000 },
            new { featureId = "assistant", pricingMode = "ai_model" });
        await api.PostJson("/api/v1/features/manage", new { code = "pages", name = "Pages", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/ai/features", new { featureId = "pages", overage = new { enabled = true, unitPrice = 100 } }).Ok();
        await api.Customer("w");
        await api.Subscribe("w", "ai");

        var noInput = await api.PostJson("/api/v1/usage/events", new { customerId = "w", feature = "assistant", model = Sonnet, outputTokens = 5 });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "validation_error"), (noInput.Status, noInput.ErrorCode));
        Assert.Equal(["inputTokens"], noInput.ErrorFields);
        var value = await api.PostJson("/api/v1/usage/events", new { customerId = "w", feature = "assistant", value = 3 });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "pricing_mode_mismatch"), (value.Status, value.ErrorCode));
        var tokensOnFixed = await api.PostJson("/api/v1/usage/events", new { customerId = "w", feature = "pages", model = Sonnet, inputTokens = 1, outputTokens = 1 });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "pricing_mode_mismatch"), (tokensOnFixed.Status, tokensOnFixed.ErrorCode));
        var unknown = await Call(api, "w", "acme/unknown-model", 10, 10);
        Assert.Equal((HttpStatusCode.NotFound, "model_not_found"), (unknown.Status, unknown.ErrorCode));
        var negative = await Call(api, "w", Sonnet, -1, 0);
        Assert.Equal(["inputTokens"], negative.ErrorFields);

        // ai_model needs a balance or credits plan, and a margin needs ai_model.
        await api.PostJson("/api/v1/plans/manage", new { code = "met", name = "Metered" }).Ok();
        var onMetered = await api.PostJson("/api/v1/plans/met/features", new { featureId = "assistant", pricingMode = "ai_model" });
        Assert.Equal(["pricingMode"], onMetered.ErrorFields);
        var marginOnFixed = await api.PostJson("/api/v1/plans/met/features", new { featureId = "pages", margin = 100 });
        Assert.Equal(["margin"], marginOnFixed.ErrorFields);
    }
}

public sealed class AiUsageTests_Sqlite(SqliteServer server) : AiUsageTests<SqliteServer>(server);

public sealed class AiUsageTests_Postgres(PostgresServer server) : AiUsageTests<PostgresServer>(server);

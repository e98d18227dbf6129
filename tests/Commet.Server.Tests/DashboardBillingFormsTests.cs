using System.Net;
using System.Text.RegularExpressions;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Dashboard;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The dashboard's forms for what the API could do and the dashboard could not: a customer's quota balance, a plan's
/// regional prices and overage, the organization's AI model prices, an add-on's overage price and credit cost — each
/// through the API's own use case and checks (the field's error beside it), audited, refused to the roles that may not;
/// and the transactions list and webhook delivery log walked by cursor both ways with more rows than a page. Both databases.
/// </summary>
public abstract class DashboardBillingFormsTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static string Org(TestTenant t, string rest = "") => $"/dashboard/{t.OrganizationId}/sandbox" + (rest.Length > 0 ? "/" + rest : "");

    private static Dictionary<string, string> Form(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    private async Task<DashboardClient> SignedInAsync(TestTenant t, string role)
    {
        var email = await server.AddMemberAsync(t.OrganizationId, role);
        var browser = new DashboardClient(server);
        Assert.Equal("/dashboard", (await browser.SignIn(email, DashboardMembers.Password)).Location);
        return browser;
    }

    private static string Problem(DashboardPage page) =>
        $"{(int)page.Status}: " + (Regex.Match(page.Text, "class=\"alert[^>]*>(.*?)</div>", RegexOptions.Singleline) is { Success: true } m
            ? m.Groups[1].Value : page.Text[..Math.Min(page.Text.Length, 400)]);

    private async Task<int> AuditedAsync(TestTenant t, string action, string? target = null)
    {
        await using var raw = server.RawDb();
        return await raw.AuditLog.CountAsync(a => a.OrganizationId == t.OrganizationId && a.Action == action && (target == null || a.Target == target));
    }

    [Fact]
    public async Task Quota_IsShownAndSetOnTheCustomerPage_WithTheApisRules()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 4, 1));
        // 10 projects included, $2.00 a project beyond them per month (rate scale: 20000 = 2.00).
        await api.PostJson("/api/v1/features/manage", new { code = "projects", name = "Projects", type = "quota" }).Ok();
        await api.Plan("studio", 4900);
        await api.PostJson("/api/v1/plans/studio/features", new { featureId = "projects", includedAmount = 10, overage = new { enabled = true, unitPrice = 20000 } }).Ok();
        var customer = await api.Customer("qa");
        var subscription = (await api.Subscribe(customer, "studio")).Str("id");
        var page = Org(t, "customers/" + customer);
        using var support = await SignedInAsync(t, DashboardRoles.Support);
        var shown = await support.Get(page);
        Assert.Equal(HttpStatusCode.OK, shown.Status);
        Assert.Contains("id=\"quotas\"", shown.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"quota-projects-count\" name=\"count\" inputmode=\"numeric\" required value=\"0\"", shown.Html, StringComparison.Ordinal);

        // The API's checks: a negative count, and not a number at all, each beside the field; nothing written.
        var negative = await support.Post(page + "?handler=Quota", Form(("featureCode", "projects"), ("count", "-1")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, negative.Status);
        Assert.Contains("id=\"quota-projects-count-error\"", negative.Html, StringComparison.Ordinal);
        Assert.Contains("count must be between 0 and 1000000000.", negative.Text, StringComparison.Ordinal);
        var words = await support.Post(page + "?handler=Quota", Form(("featureCode", "projects"), ("count", "twelve")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, words.Status);
        Assert.Contains("value=\"twelve\"", words.Html, StringComparison.Ordinal);
        // A feature the plan does not have is the API's 403 feature_not_in_plan.
        var missing = await support.Post(page + "?handler=Quota", Form(("featureCode", "seats"), ("count", "3")));
        Assert.Equal(HttpStatusCode.Forbidden, missing.Status);
        Assert.Contains("does not include 'seats'", missing.Text, StringComparison.Ordinal);

        // Half-way through April: 0 → 12 is 2 beyond the 10 included, 2 × $2.00 = 400 cents a month,
        // × 15 of 30 days left = 200 cents, waiting as the true-up for the next renewal (nothing charged now).
        await api.SetClock(Utc(2027, 4, 16));
        var set = await support.Post(page + "?handler=Quota", Form(("featureCode", "projects"), ("count", "12")));
        Assert.True(set.Location == page + "?quota=projects&balance=12", Problem(set));
        await using (var db = t.Db())
        {
            var balance = await db.SeatBalances.SingleAsync(b => b.SubscriptionId == subscription);
            Assert.Equal((12L, 12L, 200L), (balance.Current, balance.PaidThrough, balance.PendingTrueUp));
        }
        var quota = await api.GetJson($"/api/v1/usage/quota?customerId={customer}&featureCode=projects").Ok();
        Assert.Equal((12L, 2L), (quota["current"]!.GetValue<long>(), quota["billedQuantity"]!.GetValue<long>()));
        var after = await support.Get(page);
        // Balance 12, included 10, remaining 0, billed beyond included 2.
        Assert.Matches(new Regex(@"<code>projects</code></th><td class=""num"">12</td><td class=""num"">10</td><td class=""num"">0</td><td class=""num"">2</td>"), after.Html);
        Assert.Equal(1, await AuditedAsync(t, AuditActions.QuotaSet, $"{subscription} projects 0 → 12"));

        // A developer reads the customer but may not act on it; another organization's member does not find it.
        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        Assert.DoesNotContain("id=\"quota-projects\"", (await developer.Get(page)).Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await developer.Post(page + "?handler=Quota", Form(("featureCode", "projects"), ("count", "1")))).Status);
        var other = await server.NewTenantAsync();
        using var stranger = await SignedInAsync(other, DashboardRoles.Admin);
        await stranger.Get(Org(other, "customers"));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Post(Org(other, "customers/" + customer) + "?handler=Quota", Form(("featureCode", "projects"), ("count", "1")))).Status);
        await using (var db = t.Db())
        {
            Assert.Equal(12L, (await db.SeatBalances.SingleAsync(b => b.SubscriptionId == subscription)).Current);
        }
    }

    [Fact]
    public async Task RegionalPrices_AreSetOnThePlanPage_ByHandAndFromAnExchangeRate_WithTheApisChecks()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var planId = await api.Plan("pro", 2000);
        await api.PostJson("/api/v1/features/manage", new { code = "calls", name = "Calls", type = "usage" }).Ok();
        // Overage "0.05" a call = 500 on the rate scale.
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "calls", includedAmount = 1000, overage = new { enabled = true, unitPrice = 500 } }).Ok();
        string priceId;
        await using (var db = t.Db())
        {
            priceId = await db.PlanPrices.Where(p => p.PlanId == planId).Select(p => p.Id).SingleAsync();
        }
        var page = Org(t, "catalog/plans/" + planId);
        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        Assert.Contains($"id=\"regional-{priceId}\"", (await developer.Get(page)).Html, StringComparison.Ordinal);

        // Yen have no decimals: "2850.5" is refused before the use case; USD is the API's refusal (the plan's own currency).
        var yen = await developer.Post(page + "?handler=RegionalPrice", Form(("priceId", priceId), ("currency", "JPY"), ("amount", "2850.5")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, yen.Status);
        Assert.Contains($"id=\"regional-{priceId}-amount-error\"", yen.Html, StringComparison.Ordinal);
        var usd = await developer.Post(page + "?handler=RegionalPrice", Form(("priceId", priceId), ("currency", "USD"), ("amount", "20")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, usd.Status);
        Assert.Contains($"id=\"regional-{priceId}-currency-error\"", usd.Html, StringComparison.Ordinal);
        Assert.Contains("USD is the plan's own currency", usd.Text, StringComparison.Ordinal);

        // The whole plan in BRL at 5.5: the price 2000 × 5.5 = 11000 centavos (R$110.00) derived; the calls' overage typed
        // by hand, "0.30" = 3000 on the rate scale (derived it would be 500 × 5.5 = 2750).
        var brl = await developer.Post(page + "?handler=RegionalPlan", Form(("currency", "BRL"), ("exchangeRate", "5.5"), ("featureId", "calls"), ("featureOverage", "0.30")));
        Assert.True(brl.Location == page + "?saved=1", Problem(brl));
        // By hand: ¥2,850 a month (JPY has no minor unit).
        var jpy = await developer.Post(page + "?handler=RegionalPrice", Form(("priceId", priceId), ("currency", "JPY"), ("amount", "2850")));
        Assert.True(jpy.Location == page + "?saved=1", Problem(jpy));
        await using (var db = t.Db())
        {
            var price = await db.PlanPrices.AsNoTracking().SingleAsync(p => p.Id == priceId);
            Assert.Equal([("BRL", 11000L, true), ("JPY", 2850L, false)],
                price.RegionalPrices.OrderBy(r => r.Currency, StringComparer.Ordinal).Select(r => (r.Currency, r.Price, r.AutoSynced)).ToList());
            var calls = await db.PlanFeatures.AsNoTracking().SingleAsync(f => f.PlanId == planId);
            Assert.Equal(("BRL", 3000L, false), (calls.RegionalPrices.Single().Currency, calls.RegionalPrices.Single().OverageUnitPrice, calls.RegionalPrices.Single().AutoSynced));
        }
        // The API reads what the page wrote.
        var plan = await api.GetJson("/api/v1/plans/" + planId).Ok();
        Assert.Contains("11000", plan.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("R$110.00", (await developer.Get(page)).Text, StringComparison.Ordinal);

        // The API's exchange rate check beside the field.
        var zero = await developer.Post(page + "?handler=RegionalPlan", Form(("currency", "EUR"), ("exchangeRate", "0")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, zero.Status);
        Assert.Contains("id=\"regional-plan-rate-error\"", zero.Html, StringComparison.Ordinal);

        // Support may not post any of it; another organization does not find the plan.
        using var support = await SignedInAsync(t, DashboardRoles.Support);
        await support.Get(Org(t, "customers"));
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(page + "?handler=RegionalPrice", Form(("priceId", priceId), ("currency", "EUR"), ("amount", "1")))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(page + "?handler=RemoveRegional", Form(("priceId", priceId)))).Status);
        var other = await server.NewTenantAsync();
        using var stranger = await SignedInAsync(other, DashboardRoles.Admin);
        await stranger.Get(Org(other, "customers"));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Post(Org(other, "catalog/plans/" + planId) + "?handler=RemoveRegional", Form(("priceId", priceId)))).Status);

        // Sold in USD only again.
        Assert.Equal(page + "?saved=1", (await developer.Post(page + "?handler=RemoveRegional", Form(("priceId", priceId)))).Location);
        await using (var db = t.Db())
        {
            Assert.Empty((await db.PlanPrices.AsNoTracking().SingleAsync(p => p.Id == priceId)).RegionalPrices);
        }
        Assert.Equal(1, await AuditedAsync(t, AuditActions.CatalogUpdated, "BRL prices of pro"));
        Assert.Equal(1, await AuditedAsync(t, AuditActions.CatalogUpdated, $"JPY price {priceId} of pro"));
        Assert.Equal(1, await AuditedAsync(t, AuditActions.CatalogArchived, $"regional prices of {priceId} of pro"));
    }

    [Fact]
    public async Task AiModelRates_AreSetAndRemovedOnTheDevelopersPage_WithTheApisChecks()
    {
        var t = await server.NewTenantAsync();
        var page = Org(t, "developers");
        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        var shown = await developer.Get(page);
        Assert.Contains("No prices of your own", shown.Text, StringComparison.Ordinal);
        Assert.Contains("id=\"rate-form\"", shown.Html, StringComparison.Ordinal);

        // Not a number beside its field; a missing output price and an unknown currency are the API's own checks.
        var words = await developer.Post(page + "?handler=SetRate", Form(("model", "acme/fast-1"), ("currency", "USD"), ("input", "two"), ("output", "10")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, words.Status);
        Assert.Contains("id=\"rate-input-error\"", words.Html, StringComparison.Ordinal);
        var api = await developer.Post(page + "?handler=SetRate", Form(("model", "acme/fast-1"), ("currency", "ZZZ"), ("input", "2.50"), ("output", "")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, api.Status);
        Assert.Contains("id=\"rate-output-error\"", api.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"rate-currency-error\"", api.Html, StringComparison.Ordinal);
        Assert.Contains("value=\"acme/fast-1\"", api.Html, StringComparison.Ordinal);
        // A price finer than the API keeps (10^-8 of the currency per million tokens) is the API's refusal.
        var fine = await developer.Post(page + "?handler=SetRate", Form(("model", "acme/fast-1"), ("input", "0.000000001"), ("output", "1")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, fine.Status);
        Assert.Contains("id=\"rate-input-error\"", fine.Html, StringComparison.Ordinal);
        await using (var db = t.Db())
        {
            Assert.Equal(0, await db.AiModelRates.CountAsync());
        }

        // $2.50 and $10 per million tokens: 2.50 × 10^8 = 250,000,000 and 10 × 10^8 = 1,000,000,000 fine units; the
        // cache prices left blank cost the input price. The name is kept as the API keeps it (trimmed, lower case).
        var saved = await developer.Post(page + "?handler=SetRate", Form(("model", " Acme/Fast-1 "), ("currency", "USD"), ("input", "2.50"), ("output", "10"), ("cacheRead", ""), ("cacheWrite", "")));
        Assert.True(saved.Location == page + "?rate=acme%2Ffast-1#ai-models", Problem(saved));
        await using (var db = t.Db())
        {
            var row = await db.AiModelRates.SingleAsync();
            Assert.Equal(("acme/fast-1", "USD", 250_000_000L, 1_000_000_000L, 250_000_000L, 250_000_000L),
                (row.Model, row.Currency, row.InputRate, row.OutputRate, row.CacheReadRate, row.CacheWriteRate));
        }
        // The API lists it as the organization's own: 2.50 on the rate scale is 25000.
        var listed = (await t.Api.GetJson("/api/v1/ai-model-rates").Ok())["data"]!.AsArray();
        var own = Assert.Single(listed, r => r!.Str("model") == "acme/fast-1")!;
        Assert.Equal(("organization", 25000m, 100000m), (own.Str("source"), own["inputPerMillion"]!.GetValue<decimal>(), own["outputPerMillion"]!.GetValue<decimal>()));
        Assert.Matches(new Regex(@"<code>acme/fast-1</code></th>\s*<td>USD</td>\s*<td class=""num"">2.5</td>\s*<td class=""num"">10</td>"), (await developer.Get(page)).Html);

        // Support sees neither the page nor may post to it.
        using var support = await SignedInAsync(t, DashboardRoles.Support);
        await support.Get(Org(t, "customers"));
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Get(page)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(page + "?handler=SetRate", Form(("model", "x"), ("input", "1"), ("output", "1")))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(page + "?handler=RemoveRate", Form(("model", "acme/fast-1"), ("currency", "USD")))).Status);

        // Removed: the built-in table applies again; removing it twice is not found.
        await developer.Get(page);
        Assert.Equal(page + "?rateRemoved=acme%2Ffast-1#ai-models", (await developer.Post(page + "?handler=RemoveRate", Form(("model", "acme/fast-1"), ("currency", "USD")))).Location);
        Assert.Equal(HttpStatusCode.NotFound, (await developer.Post(page + "?handler=RemoveRate", Form(("model", "acme/fast-1"), ("currency", "USD")))).Status);
        await using (var db = t.Db())
        {
            Assert.Equal(0, await db.AiModelRates.CountAsync());
        }
        Assert.Equal(1, await AuditedAsync(t, AuditActions.AiModelRateSet, "acme/fast-1 USD"));
        Assert.Equal(1, await AuditedAsync(t, AuditActions.AiModelRateRemoved, "acme/fast-1 USD"));
    }

    [Fact]
    public async Task Addons_OverageAndCreditCost_AreEditedAfterCreation_WithTheApisRules()
    {
        var t = await server.NewTenantAsync();
        await t.Api.PostJson("/api/v1/features/manage", new { code = "storage", name = "Storage", type = "usage", unitName = "GB" }).Ok();
        await t.Api.PostJson("/api/v1/features/manage", new { code = "renders", name = "Renders", type = "usage" }).Ok();
        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        var catalog = Org(t, "catalog");
        await developer.Get(catalog);
        // Metered: overage "0.02" a GB = 200 on the rate scale. Credits: 3 credits a period.
        Assert.Equal(catalog + "?created=extra-storage", (await developer.Post(catalog + "?handler=Addon",
            Form(("name", "Extra storage"), ("featureId", "storage"), ("consumptionModel", "metered"), ("basePrice", "5"), ("overageRate", "0.02")))).Location);
        Assert.Equal(catalog + "?created=render-pack", (await developer.Post(catalog + "?handler=Addon",
            Form(("name", "Render pack"), ("featureId", "renders"), ("consumptionModel", "credits"), ("basePrice", "9"), ("creditCost", "3")))).Location);
        string storage, renders;
        await using (var db = t.Db())
        {
            storage = await db.Addons.Where(a => a.Slug == "extra-storage").Select(a => a.Id).SingleAsync();
            renders = await db.Addons.Where(a => a.Slug == "render-pack").Select(a => a.Id).SingleAsync();
        }
        var form = await developer.Get(catalog);
        Assert.Contains($"id=\"addon-{storage}-rate\" name=\"overageRate\" inputmode=\"decimal\" value=\"0.02\"", form.Html, StringComparison.Ordinal);
        Assert.Contains($"id=\"addon-{renders}-cost\" name=\"creditCost\" type=\"number\" min=\"0\" value=\"3\"", form.Html, StringComparison.Ordinal);
        Assert.DoesNotContain($"id=\"addon-{storage}-cost\"", form.Html, StringComparison.Ordinal);

        // Five decimals is refused beside the field; a credit cost on a metered add-on is the API's rule.
        var tooFine = await developer.Post(catalog + "?handler=EditAddon", Form(("id", storage), ("name", "Extra storage"), ("basePrice", "5"), ("overageRate", "0.00001")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooFine.Status);
        Assert.Contains($"id=\"addon-{storage}-rate-error\"", tooFine.Html, StringComparison.Ordinal);
        var wrongModel = await developer.Post(catalog + "?handler=EditAddon", Form(("id", storage), ("name", "Extra storage"), ("basePrice", "5"), ("creditCost", "4")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongModel.Status);
        Assert.Contains("creditCost applies only to credits add-ons.", wrongModel.Text, StringComparison.Ordinal);

        // "0.05" a GB = 500; the render pack now costs 5 credits. Left blank, each stays as it is.
        Assert.Equal(catalog + "?updated=extra-storage", (await developer.Post(catalog + "?handler=EditAddon",
            Form(("id", storage), ("name", "Extra storage"), ("basePrice", "5"), ("overageRate", "0.05")))).Location);
        Assert.Equal(catalog + "?updated=render-pack", (await developer.Post(catalog + "?handler=EditAddon",
            Form(("id", renders), ("name", "Render pack"), ("basePrice", "9"), ("creditCost", "5")))).Location);
        Assert.Equal(HttpStatusCode.Redirect, (await developer.Post(catalog + "?handler=EditAddon",
            Form(("id", storage), ("name", "Extra storage"), ("basePrice", "5"), ("overageRate", "")))).Status);
        await using (var db = t.Db())
        {
            Assert.Equal((long?)500, (await db.Addons.SingleAsync(a => a.Id == storage)).OverageRate);
            Assert.Equal((long?)5, (await db.Addons.SingleAsync(a => a.Id == renders)).CreditCost);
        }
        // The API reads them: GET /addons/{id} shows the new overage rate.
        Assert.Equal(500, (await t.Api.GetJson("/api/v1/addons/" + storage).Ok())["overageRate"]!.GetValue<long>());

        using var support = await SignedInAsync(t, DashboardRoles.Support);
        await support.Get(Org(t, "customers"));
        Assert.Equal(HttpStatusCode.Forbidden, (await support.Post(catalog + "?handler=EditAddon", Form(("id", renders), ("name", "Render pack"), ("basePrice", "9"), ("creditCost", "1")))).Status);
        Assert.Equal(2, await AuditedAsync(t, AuditActions.CatalogUpdated, "extra-storage"));
        Assert.Equal(1, await AuditedAsync(t, AuditActions.CatalogUpdated, "render-pack"));
    }

    [Fact]
    public async Task Events_ShowTheirPayloadsAndWebhookDeliveries_FilteredByTypeAndCustomer_OfThisOrganizationOnly()
    {
        var t = await server.NewTenantAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var endpoint = (await t.Api.PostJson("/api/v1/webhooks", new { url = receiver.Url.ToString(), events = new[] { "customer.created" } }).Ok()).Str("id");
        var ann = await t.Api.Customer("evt-ann", card: null);
        var bob = await t.Api.Customer("evt-bob", card: null);
        await receiver.WaitForAsync(r => r.Count >= 2, "both customer.created deliveries");
        string annEvent, bobEvent, annDelivery;
        await using (var db = t.Db())
        {
            annEvent = await db.Events.Where(e => e.Type == "customer.created" && e.CustomerId == ann).Select(e => e.Id).SingleAsync();
            bobEvent = await db.Events.Where(e => e.Type == "customer.created" && e.CustomerId == bob).Select(e => e.Id).SingleAsync();
            annDelivery = await db.WebhookDeliveries.Where(d => d.EventId == annEvent).Select(d => d.Id).SingleAsync();
        }
        using var support = await SignedInAsync(t, DashboardRoles.Support);

        var all = await support.Get(Org(t, "events"));
        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Contains($"id=\"{annEvent}\"", all.Html, StringComparison.Ordinal);
        Assert.Contains($"id=\"{bobEvent}\"", all.Html, StringComparison.Ordinal);
        // One customer's events: its payload (which names the customer) and the delivery to the endpoint.
        var annOnly = await support.Get(Org(t, "events") + "?type=customer.created&customer=evt-ann");
        Assert.DoesNotContain(bobEvent, annOnly.Html, StringComparison.Ordinal);
        var card = Regex.Match(annOnly.Html, $"<div class=\"card\" id=\"{annEvent}\">(.*?)</table>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("evt-ann", Regex.Match(card, "<pre>(.*?)</pre>", RegexOptions.Singleline).Groups[1].Value, StringComparison.Ordinal);
        Assert.Contains($"<code>{annDelivery}</code>", card, StringComparison.Ordinal);
        Assert.Contains($"<code>{endpoint}</code>", card, StringComparison.Ordinal);
        Assert.DoesNotContain(annEvent, (await support.Get(Org(t, "events") + "?type=invoice.paid")).Html, StringComparison.Ordinal);

        // Another organization's member sees none of it, with or without the customer's ID.
        var other = await server.NewTenantAsync();
        using var stranger = await SignedInAsync(other, DashboardRoles.Admin);
        var theirs = await stranger.Get(Org(other, "events"));
        Assert.Equal(HttpStatusCode.OK, theirs.Status);
        Assert.DoesNotContain(annEvent, theirs.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(annEvent, (await stranger.Get(Org(other, "events") + "?customer=" + ann)).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomerPage_ShowsUsageMeters_CreditsLedger_Transactions_AndEvents_ToSupport_AndNothingToAnotherOrganization()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 5, 1));
        // A credits plan: $29.00 a month with 5,000 credits, an image costs 5 credits; 10 projects included (a quota),
        // $2.00 a project beyond them.
        await api.PostJson("/api/v1/features/manage", new { code = "images", name = "Images", type = "usage", unitName = "image" }).Ok();
        await api.PostJson("/api/v1/features/manage", new { code = "projects", name = "Projects", type = "quota" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "studio", name = "Studio", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/studio/prices", new { billingInterval = "monthly", price = 2900, includedCredits = 5000 }).Ok();
        await api.PostJson("/api/v1/plans/studio/features", new { featureId = "images", creditsPerUnit = 5 }).Ok();
        await api.PostJson("/api/v1/plans/studio/features", new { featureId = "projects", includedAmount = 10, overage = new { enabled = true, unitPrice = 20000 } }).Ok();
        var customer = await api.Customer("meter-ann");
        var subscription = (await api.Subscribe(customer, "studio")).Str("id");
        // The first month charged to the card ($29.00), then a 500-credit pack for $15.00 (a second payment).
        var pack = (await api.PostJson("/api/v1/credit-packs/manage", new { name = "500 credits", credits = 500, price = 1500 }).Ok()).Str("id");
        await api.PostJson($"/api/v1/subscriptions/{subscription}/credits", new { creditPackId = pack }).Ok();
        // 1,000 images × 5 = 5,000 credits: the plan's whole allowance; 80 more × 5 = 400 credits beyond it, from the pack.
        // Left: 5,000 + 500 − 5,000 − 400 = 100 credits, all of them purchased (500 − 400).
        await api.PostJson("/api/v1/usage/events", new { customerId = customer, feature = "images", value = 1000, idempotencyKey = "m1" }).Ok(HttpStatusCode.Created);
        await api.PostJson("/api/v1/usage/events", new { customerId = customer, feature = "images", value = 80, idempotencyKey = "m2" }).Ok(HttpStatusCode.Created);
        // 12 projects of the 10 included: 2 beyond.
        await api.PutJson("/api/v1/usage/quota", new { customerId = customer, featureCode = "projects", count = 12 }).Ok();
        List<(string Id, long Amount)> payments;
        List<string> events;
        await using (var db = t.Db())
        {
            payments = (await db.Transactions.Where(x => x.CustomerId == customer).ToListAsync()).Select(x => (x.Id, x.Amount)).OrderBy(x => x.Amount).ToList();
            events = await db.Events.Where(e => e.CustomerId == customer).OrderByDescending(e => e.Id).Select(e => e.Id).Take(10).ToListAsync();
        }
        Assert.Equal(new long[] { 1500, 2900 }, payments.Select(p => p.Amount));
        Assert.NotEmpty(events);

        using var support = await SignedInAsync(t, DashboardRoles.Support);
        var page = await support.Get(Org(t, "customers/" + customer));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var text = page.Text;
        Assert.Contains("<strong>100 credits left</strong> <span class=\"muted\">(5,000 included by the plan, 100 purchased)</span>", text, StringComparison.Ordinal);
        Assert.Matches(@"<tr id=""usage-images""><th scope=""row"">Images <code>images</code></th><td class=""num"">1,080</td><td class=""num"">paid from credits</td>", text);
        Assert.Matches(@"<tr id=""usage-projects""><th scope=""row"">Projects <code>projects</code></th><td class=""num"">12</td><td class=""num"">10</td><td class=""num"">2</td></tr>", text);

        // The ledger: the plan's grant, the pack, and the two spends (from the plan, then from the pack).
        var ledger = Regex.Match(text, "<div class=\"card\" id=\"ledger\">(.*?)</table>", RegexOptions.Singleline).Groups[1].Value;
        var rows = Regex.Matches(ledger, "<td>([a-z_]+)</td><td>([a-z]+)</td><td class=\"num\">([^<]+)</td>").Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value} {m.Groups[3].Value}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "grant plan +5,000 credits", "purchase purchased +500 credits", "usage plan -5,000 credits", "usage purchased -400 credits" }, rows);

        // The two payments, each linking to the transactions list filtered to this customer; the newest events, each to its payload.
        var transactions = Regex.Match(text, "<div class=\"card\" id=\"transactions\">(.*?)</div>\\s*<div class=\"card\" id=\"events\">", RegexOptions.Singleline).Groups[1].Value;
        foreach (var (id, _) in payments)
        {
            Assert.Contains($"href=\"{Org(t, "transactions")}?customer={customer}#{id}\"", transactions, StringComparison.Ordinal);
        }
        Assert.Contains("$29.00", transactions, StringComparison.Ordinal);
        Assert.Contains("$15.00", transactions, StringComparison.Ordinal);
        foreach (var id in events)
        {
            Assert.Contains($"href=\"{Org(t, "events")}?customer={customer}#{id}\"", text, StringComparison.Ordinal);
        }
        var filtered = await support.Get(Org(t, "events") + "?customer=" + customer);
        Assert.Contains($"id=\"{events[0]}\"", filtered.Html, StringComparison.Ordinal);

        // Another organization's member: the customer's page is a 404, and nothing of it shows.
        var other = await server.NewTenantAsync();
        using var stranger = await SignedInAsync(other, DashboardRoles.Admin);
        var theirs = await stranger.Get(Org(other, "customers/" + customer));
        Assert.Equal(HttpStatusCode.NotFound, theirs.Status);
        Assert.DoesNotContain(payments[0].Id, theirs.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomerPage_BalancePlan_ShowsTheBalanceLeft_AndItsLedgerInMoney()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Utc(2027, 5, 1));
        // $10.00 a month with $5.00 of balance (rate scale: 50,000 = 5.00); a call costs $0.01 (100).
        await api.PostJson("/api/v1/features/manage", new { code = "calls", name = "Calls", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "payg", name = "Pay as you go", consumptionModel = "balance", blockOnExhaustion = false }).Ok();
        await api.PostJson("/api/v1/plans/payg/prices", new { billingInterval = "monthly", price = 1000, includedBalance = 50000 }).Ok();
        await api.PostJson("/api/v1/plans/payg/features", new { featureId = "calls", overage = new { enabled = true, unitPrice = 100 } }).Ok();
        var customer = await api.Customer("bal-ann");
        var subscription = (await api.Subscribe(customer, "payg")).Str("id");
        // A $20.00 top-up (200,000), then 600 calls × 100 = 60,000 ($6.00): the plan's $5.00 first, $1.00 from the top-up.
        // Left: 50,000 + 200,000 − 60,000 = 190,000 = $19.00.
        await api.PostJson($"/api/v1/subscriptions/{subscription}/balance/topup", new { amount = 2000 }).Ok();
        await api.PostJson("/api/v1/usage/events", new { customerId = customer, feature = "calls", value = 600, idempotencyKey = "b1" }).Ok(HttpStatusCode.Created);

        using var support = await SignedInAsync(t, DashboardRoles.Support);
        var page = await support.Get(Org(t, "customers/" + customer));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var text = page.Text;
        Assert.Contains("<strong>$19.00 left</strong> <span class=\"muted\">($5.00 included by the plan)</span>", text, StringComparison.Ordinal);
        Assert.Contains("<tr id=\"usage-calls\"><th scope=\"row\">Calls <code>calls</code></th><td class=\"num\">600</td><td class=\"num\">paid from balance</td>", text, StringComparison.Ordinal);
        var ledger = Regex.Match(text, "<div class=\"card\" id=\"ledger\">(.*?)</table>", RegexOptions.Singleline).Groups[1].Value;
        var rows = Regex.Matches(ledger, "<td>([a-z_]+)</td><td>([a-z]+)</td><td class=\"num\">([^<]+)</td>").Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value} {m.Groups[3].Value}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "grant plan +$5.00", "topup purchased +$20.00", "usage plan -$5.00", "usage purchased -$1.00" }, rows);
        var transactions = Regex.Match(text, "<div class=\"card\" id=\"transactions\">(.*?)</div>\\s*<div class=\"card\" id=\"events\">", RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains("$10.00", transactions, StringComparison.Ordinal);
        Assert.Contains("$20.00", transactions, StringComparison.Ordinal);
    }

    /// <summary>Walks a list by its "Next" links from the first page, then back by its "Newer" links: the pages' row IDs each way.</summary>
    private static async Task<(List<List<string>> Forward, List<List<string>> Back)> WalkAsync(DashboardClient browser, string first, string rowPattern)
    {
        static List<string> Rows(DashboardPage p, string pattern) => Regex.Matches(p.Html, pattern).Select(m => m.Groups[1].Value).ToList();
        static string? Link(DashboardPage p, string rel) =>
            Regex.Match(p.Html, $"rel=\"{rel}\" href=\"([^\"]+)\"") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
        var forward = new List<List<string>>();
        var page = await browser.Get(first);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Null(Link(page, "prev"));
        forward.Add(Rows(page, rowPattern));
        while (Link(page, "next") is { } next)
        {
            page = await browser.Get(next);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            forward.Add(Rows(page, rowPattern));
            Assert.True(forward.Count < 20, "the pages never end");
        }
        var back = new List<List<string>> { forward[^1] };
        while (Link(page, "prev") is { } newer)
        {
            page = await browser.Get(newer);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            back.Add(Rows(page, rowPattern));
            Assert.True(back.Count < 20, "the pages never end");
        }
        back.Reverse();
        return (forward, back);
    }

    [Fact]
    public async Task Transactions_AndWebhookDeliveries_PageByCursor_BothWays_NoRowTwiceOrMissing()
    {
        var t = await server.NewTenantAsync();
        var customer = await t.Api.Customer("pager", card: null);
        // Only payments, of which this test makes none: the customer's own event is fanned out in the background and
        // must not add a delivery of its own to the log.
        var hook = await t.Api.PostJson("/api/v1/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "payment.received" } }).Ok();
        var endpoint = hook.Str("id");
        var at = new DateTime(2027, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        // 120 transactions (pages of 50: 50, 50, 20), every third failed; 60 deliveries (pages of 25: 25, 25, 10).
        await using (var db = t.Db())
        {
            for (var i = 1; i <= 120; i++)
            {
                db.Transactions.Add(new PaymentTransaction
                {
                    Id = $"txn_page{i:D3}", OrganizationId = t.OrganizationId, CustomerId = customer, Amount = 100 * i, AttemptKey = $"page-{i}",
                    Status = i % 3 == 0 ? TransactionStatus.Failed : TransactionStatus.Succeeded, CreatedAt = at.AddMinutes(i), UpdatedAt = at.AddMinutes(i),
                });
            }
            for (var i = 1; i <= 60; i++)
            {
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    Id = $"whd_page{i:D3}", OrganizationId = t.OrganizationId, EndpointId = endpoint, MessageId = $"msg_page{i:D3}", EventType = "webhook.test",
                    Body = "{}", Status = WebhookDeliveryStatus.Succeeded, Attempts = 1, DeliveredAt = at.AddMinutes(i), CreatedAt = at.AddMinutes(i),
                });
            }
            await db.SaveChangesAsync();
        }
        static List<string> Ids(string prefix, IEnumerable<int> numbers) => numbers.Select(i => $"{prefix}{i:D3}").ToList();
        using var support = await SignedInAsync(t, DashboardRoles.Support);

        var (forward, back) = await WalkAsync(support, Org(t, "transactions"), "<tr id=\"(txn_page\\d+)\"");
        // Newest first: 120…71, 70…21, 20…1 — each row once, none missing, and "Newer" gives back the same pages.
        Assert.Equal([Ids("txn_page", Enumerable.Range(71, 50).Reverse()), Ids("txn_page", Enumerable.Range(21, 50).Reverse()),
            Ids("txn_page", Enumerable.Range(1, 20).Reverse())], forward);
        Assert.Equal(forward, back);
        // A filter is kept across pages: the 80 succeeded ones (120 − 40 failed) are 50 + 30.
        var (succeeded, succeededBack) = await WalkAsync(support, Org(t, "transactions") + "?status=succeeded", "<tr id=\"(txn_page\\d+)\"");
        Assert.Equal([50, 30], succeeded.Select(p => p.Count).ToList());
        Assert.Equal(Ids("txn_page", Enumerable.Range(1, 120).Where(i => i % 3 != 0).Reverse()), succeeded.SelectMany(p => p).ToList());
        Assert.Equal(succeeded, succeededBack);

        using var developer = await SignedInAsync(t, DashboardRoles.Developer);
        var (deliveries, deliveriesBack) = await WalkAsync(developer, Org(t, "webhooks/" + endpoint), "<div class=\"delivery\" id=\"(whd_page\\d+)\"");
        Assert.Equal([Ids("whd_page", Enumerable.Range(36, 25).Reverse()), Ids("whd_page", Enumerable.Range(11, 25).Reverse()),
            Ids("whd_page", Enumerable.Range(1, 10).Reverse())], deliveries);
        Assert.Equal(deliveries, deliveriesBack);
        // A cursor the dashboard did not make is refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await developer.Get(Org(t, "webhooks/" + endpoint) + "?before=nonsense")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await support.Get(Org(t, "transactions") + "?before=cur_")).Status);
    }
}

public sealed class DashboardBillingFormsTests_Sqlite(SqliteServer server) : DashboardBillingFormsTests<SqliteServer>(server);

public sealed class DashboardBillingFormsTests_Postgres(PostgresServer server) : DashboardBillingFormsTests<PostgresServer>(server);

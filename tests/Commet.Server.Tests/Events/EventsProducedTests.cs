using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests.Events;

/// <summary>
/// The events added so that every event the product can produce is produced: customer.created/updated,
/// customer.state_changed, invoice.overdue, credits.low, balance.low, seats.limit_reached, trial.checkout_ready —
/// each fires when it should, once, with the data the SDK declares; and a portal action records exactly the events
/// of the same API action.
/// </summary>
public abstract partial class EventsProducedTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static readonly DateTime Start = Utc(2027, 3, 1);

    [Fact]
    public async Task CustomerCreated_OncePerNewCustomer_ApiAndBatch_RepeatsRecordNothing()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var ann = await api.PostJson("/api/v1/customers", new { id = "ann", email = "ann@example.com", fullName = "Ann Lee", metadata = new { tier = "gold" } }).Ok(HttpStatusCode.Created);
        await api.PostJson("/api/v1/customers", new { id = "ann", email = "ann@example.com" }).Ok(HttpStatusCode.OK); // the same merchant ID: exists already
        await api.PostJson("/api/v1/customers/batch", new
        {
            customers = new object[] { new { id = "ann", email = "ann@example.com" }, new { id = "bob", email = "bob@example.com" }, new { email = "no-id@example.com" }, new { email = "bad" } },
        }).Ok();

        var created = (await EventsAsync(t)).Where(e => e.Type == "customer.created").Select(e => e.Data).ToList();
        // ann once (API), then bob and the customer without an ID from the batch; the repeat and the invalid item record nothing.
        Assert.Equal(["ann", "bob", null], created.Select(d => d["externalId"]?.GetValue<string>()));
        var first = created[0];
        Assert.Equal((ann.Str("id"), "Ann Lee", "ann@example.com", "gold"), (first.Str("id"), first.Str("fullName"), first.Str("email"), first["metadata"]!.Str("tier")));
        Assert.Equal(ann.Str("createdAt"), first.Str("createdAt"));
        Assert.StartsWith("cus_", created[2].Str("id"), StringComparison.Ordinal);
        Assert.Empty(SdkShapes.Problems((await EventsAsync(t)).Where(e => e.Type == "customer.created")));
    }

    [Fact]
    public async Task CustomerUpdated_OnlyWhenSomethingChanged_WithTheCurrentValues()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.Customer("ann", card: null);

        await api.PutJson("/api/v1/customers/ann", new { fullName = "Ann Lee", timezone = "Europe/Madrid" }).Ok();
        await api.PutJson("/api/v1/customers/ann", new { fullName = "Ann Lee" }).Ok(); // the same value: no change
        await api.PutJson("/api/v1/customers/ann", new { externalId = "ann-2" }).Ok();

        var updated = (await EventsAsync(t)).Where(e => e.Type == "customer.updated").Select(e => e.Data).ToList();
        Assert.Equal(2, updated.Count);
        Assert.Equal(("Ann Lee", "Europe/Madrid", "ann"), (updated[0].Str("fullName"), updated[0].Str("timezone"), updated[0].Str("externalId")));
        Assert.Equal("ann-2", updated[1].Str("externalId"));
        Assert.Empty(SdkShapes.Problems((await EventsAsync(t)).Where(e => e.Type == "customer.updated")));
    }

    [Fact]
    public async Task BillingDetails_InThePortal_RecordsTheEventsOfTheApiUpdate()
    {
        var viaApi = await server.NewTenantAsync();
        var viaPortal = await server.NewTenantAsync();
        foreach (var t in new[] { viaApi, viaPortal })
        {
            await t.Api.SetClock(Start);
            await t.Api.Customer("ann", card: null);
        }

        await viaApi.Api.PutJson("/api/v1/customers/ann", new
        {
            fullName = "Ann Lee", email = "billing@ann.example", taxDocument = "ESB12345678",
            address = new { line1 = "Calle Mayor 1", city = "Madrid", postalCode = "28013", country = "ES" },
        }).Ok();
        using (var ann = await PortalClient.OpenAsync(server, viaPortal.Api, "ann"))
        {
            var fields = new Dictionary<string, string?>
            {
                ["FullName"] = "Ann Lee", ["Email"] = "billing@ann.example", ["TaxId"] = "ESB12345678",
                ["Line1"] = "Calle Mayor 1", ["City"] = "Madrid", ["PostalCode"] = "28013", ["Country"] = "ES",
            };
            Assert.Equal("/portal/billing-details?m=details_saved", (await ann.SubmitAsync("/portal/billing-details", "/portal/billing-details", fields)).Location);
            // Saving the same details again changes nothing, so it records nothing.
            Assert.Equal("/portal/billing-details?m=details_saved", (await ann.SubmitAsync("/portal/billing-details", "/portal/billing-details", fields)).Location);
        }

        var a = await EventsAsync(viaApi);
        var b = await EventsAsync(viaPortal);
        Assert.Equal(["customer.created", "customer.updated"], a.Select(e => e.Type));
        Assert.Equal(a.Select(e => e.Type), b.Select(e => e.Type));
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(Comparable(a[i].Data), Comparable(b[i].Data));
        }
    }

    [Fact]
    public async Task SeatsLimitReached_OncePerCrossingFromBelow()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.PostJson("/api/v1/features/manage", new { code = "members", name = "Members", type = "seats" }).Ok();
        await api.Plan("team", 4900);
        await api.PostJson("/api/v1/plans/team/features", new { featureId = "members", includedAmount = 5 }).Ok();
        await api.Customer("sea");
        var sub = (await api.Subscribe("sea", "team")).Str("id");

        foreach (var count in new[] { 2, 5, 4, 5 })
        {
            // 2: below; 5: reaches the 5 included (1st); 4: below again; 5: reaches it again (2nd).
            await api.PutJson("/api/v1/seats", new { customerId = "sea", featureCode = "members", count }).Ok();
        }

        var reached = (await EventsAsync(t)).Where(e => e.Type == "seats.limit_reached").ToList();
        Assert.Equal(2, reached.Count);
        var data = reached[0].Data;
        Assert.Equal(("sea", sub, "members", 5L, 5L), (data.Str("customerId"), data.Str("subscriptionId"), data.Str("featureCode"),
            data["currentSeats"]!.GetValue<long>(), data["includedSeats"]!.GetValue<long>()));
        Assert.Empty(SdkShapes.Problems(reached));
    }

    [Fact]
    public async Task InvoiceOverdue_OnceWhenAnOutstandingInvoicePassesItsDueDate()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.Plan("basic", 1900);
        await api.Customer("bob", card: null);
        var sub = (await api.Subscribe("bob", "basic")).Str("id"); // no card: the first invoice waits, due now

        await api.ProcessBilling(); // still the due moment: not past it
        Assert.DoesNotContain(await EventsAsync(t), e => e.Type == "invoice.overdue");
        await api.RunUntil(Start.AddDays(1));
        await api.RunUntil(Start.AddDays(2));

        var overdue = Assert.Single(await EventsAsync(t), e => e.Type == "invoice.overdue").Data;
        var invoice = (await api.GetJson($"/api/v1/invoices?customerId=bob").Ok())[0]!;
        Assert.Equal((invoice.Str("id"), invoice.Str("invoiceNumber"), "outstanding", "bob", sub, 1900L),
            (overdue.Str("invoiceId"), overdue.Str("invoiceNumber"), overdue.Str("invoiceStatus"), overdue.Str("customerId"), overdue.Str("subscriptionId"),
                overdue["total"]!.GetValue<long>()));
        Assert.Equal(Start, overdue.Date("dueDate"));
        Assert.Empty(SdkShapes.Problems([("invoice.overdue", overdue)]));
    }

    [Fact]
    public async Task CreditsLow_OnceWhenCreditsFallBelowTenPercentOfThePeriodsCredits_AgainAfterARefill()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.PostJson("/api/v1/features/manage", new { code = "gen", name = "Generations", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "credits", name = "Credits", consumptionModel = "credits" }).Ok();
        await api.PostJson("/api/v1/plans/credits/prices", new { billingInterval = "monthly", price = 2900, includedCredits = 100 }).Ok();
        await api.PostJson("/api/v1/plans/credits/features", new { featureId = "gen", creditsPerUnit = 1 }).Ok();
        await api.Customer("ann");
        var sub = (await api.Subscribe("ann", "credits")).Str("id");

        // 100 credits, the mark 10 % of them = 10. 100 − 90 = 10 (not below); − 1 = 9 (below: 1st); − 1 = 8 (still below).
        foreach (var value in new[] { 90, 1, 1 })
        {
            await Track(api, "ann", "gen", value);
        }
        // A refill of 50 lifts it to 58 (re-armed); − 49 = 9: below again (2nd).
        await api.PostJson($"/api/v1/subscriptions/{sub}/balance/adjust", new { amount = 50, reason = "goodwill" }).Ok();
        await Track(api, "ann", "gen", 49);

        var low = (await EventsAsync(t)).Where(e => e.Type == "credits.low").ToList();
        Assert.Equal(2, low.Count);
        var first = low[0].Data;
        Assert.Equal(("ann", sub, 9L, 10L, 100L), (first.Str("customerId"), first.Str("subscriptionId"), first["remainingCredits"]!.GetValue<long>(),
            first["thresholdCredits"]!.GetValue<long>(), first["periodCredits"]!.GetValue<long>()));
        Assert.Equal(9L, low[1].Data["remainingCredits"]!.GetValue<long>());
        Assert.Empty(SdkShapes.Problems(low));
    }

    [Fact]
    public async Task BalanceLow_OnceWhenTheBalanceFallsBelowTenPercentOfItsLastRefill_AgainAfterATopUp()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.PostJson("/api/v1/features/manage", new { code = "calls", name = "Calls", type = "usage" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "payg", name = "Pay as you go", consumptionModel = "balance", blockOnExhaustion = false }).Ok();
        await api.PostJson("/api/v1/plans/payg/prices", new { billingInterval = "monthly", price = 1000, includedBalance = 50000 }).Ok();
        await api.PostJson("/api/v1/plans/payg/features", new { featureId = "calls", overage = new { enabled = true, unitPrice = 100 } }).Ok();
        await api.Customer("ann");
        var sub = (await api.Subscribe("ann", "payg")).Str("id");

        // $5.00 included = 50,000 in rate scale; the mark is 10 % = 5,000. Each call costs 100.
        // 440 calls: 50,000 − 44,000 = 6,000 (above); 15 calls: 4,500 (below: 1st); 1 call: 4,400 (still below).
        foreach (var value in new[] { 440, 15, 1 })
        {
            await Track(api, "ann", "calls", value);
        }
        // A $10.00 top-up (100,000) lifts it to 104,400, the new mark 10,440; 940 calls (94,000) leave 10,400: below (2nd).
        await api.PostJson($"/api/v1/subscriptions/{sub}/balance/topup", new { amount = 1000 }).Ok();
        await Track(api, "ann", "calls", 940);

        var low = (await EventsAsync(t)).Where(e => e.Type == "balance.low").ToList();
        Assert.Equal(2, low.Count);
        var first = low[0].Data;
        Assert.Equal(("ann", sub, 4500L, 5000L, "USD"), (first.Str("customerId"), first.Str("subscriptionId"), first["currentBalance"]!.GetValue<long>(),
            first["thresholdBalance"]!.GetValue<long>(), first.Str("currency")));
        Assert.Equal((10400L, 10440L), (low[1].Data["currentBalance"]!.GetValue<long>(), low[1].Data["thresholdBalance"]!.GetValue<long>()));
        Assert.Empty(SdkShapes.Problems(low));
    }

    [Fact]
    public async Task BalanceLow_UsesThePlansOwnThreshold_AndZeroTurnsItOff()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.PostJson("/api/v1/features/manage", new { code = "calls", name = "Calls", type = "usage" }).Ok();
        var plan = await api.PostJson("/api/v1/plans/manage",
            new { code = "payg", name = "Pay as you go", consumptionModel = "balance", blockOnExhaustion = false, lowBalancePercent = 50 }).Ok();
        Assert.Equal(50, plan["lowBalancePercent"]!.GetValue<int>());
        await api.PostJson("/api/v1/plans/payg/prices", new { billingInterval = "monthly", price = 1000, includedBalance = 50000 }).Ok();
        await api.PostJson("/api/v1/plans/payg/features", new { featureId = "calls", overage = new { enabled = true, unitPrice = 100 } }).Ok();
        await api.Customer("bea");
        var sub = (await api.Subscribe("bea", "payg")).Str("id");

        // 50,000 included; the plan's mark is 50 % = 25,000. Each call costs 100.
        // 240 calls: 50,000 − 24,000 = 26,000 (above); 11 calls: 24,900 (below: the one event).
        await Track(api, "bea", "calls", 240);
        Assert.DoesNotContain(await EventsAsync(t), e => e.Type == "balance.low");
        await Track(api, "bea", "calls", 11);
        var low = Assert.Single(await EventsAsync(t), e => e.Type == "balance.low").Data;
        Assert.Equal((sub, 24900L, 25000L), (low.Str("subscriptionId"), low["currentBalance"]!.GetValue<long>(), low["thresholdBalance"]!.GetValue<long>()));

        // 0 turns the events off: a $10.00 top-up (100,000) lifts it to 124,900 and re-arms the mark, then 1,240 calls
        // (124,000) leave 900, far below any share of the refill, and nothing more is recorded.
        Assert.Equal(0, (await api.PutJson("/api/v1/plans/payg/manage", new { lowBalancePercent = 0 }).Ok())["lowBalancePercent"]!.GetValue<int>());
        await api.PostJson($"/api/v1/subscriptions/{sub}/balance/topup", new { amount = 1000 }).Ok();
        await Track(api, "bea", "calls", 1240);
        Assert.Single(await EventsAsync(t), e => e.Type == "balance.low");

        var refused = await api.PutJson("/api/v1/plans/payg/manage", new { lowBalancePercent = 101 });
        Assert.Equal((422, "validation_error"), ((int)refused.Status, refused.ErrorCode));
        Assert.Equal(["lowBalancePercent"], refused.ErrorFields);
    }

    [Fact]
    public async Task TrialCheckoutReady_WhenATrialWaitsForACard()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.Plan("trial", 1500, trialDays: 14);
        await api.Customer("tia", card: null);
        await api.Customer("kim");
        var sub = (await api.Subscribe("tia", "trial")).Str("id");
        await api.Subscribe("kim", "trial"); // has a card: nothing to wait for

        var ready = Assert.Single(await EventsAsync(t), e => e.Type == "trial.checkout_ready").Data;
        Assert.Equal((sub, "tia", "Trial", 14), (ready.Str("subscriptionId"), ready.Str("customerId"), ready.Str("planName"), ready["trialDays"]!.GetValue<int>()));
        Assert.StartsWith("http", ready.Str("checkoutUrl"), StringComparison.Ordinal);
        Assert.Empty(SdkShapes.Problems([("trial.checkout_ready", ready)]));
    }

    [Fact]
    public async Task CustomerStateChanged_OncePerTransition_WithTheStateAfterIt()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.PostJson("/api/v1/features/manage", new { code = "members", name = "Members", type = "seats" }).Ok();
        await api.PostJson("/api/v1/features/manage", new { code = "calls", name = "Calls", type = "usage" }).Ok();
        await api.Plan("team", 4900);
        await api.PostJson("/api/v1/plans/team/features", new { featureId = "members", includedAmount = 5 }).Ok();
        await api.PostJson("/api/v1/plans/team/features", new { featureId = "calls", includedAmount = 100 }).Ok();
        await api.Customer("sea");

        var sub = (await api.Subscribe("sea", "team")).Str("id"); // created and activated in one request: one state
        await api.PutJson("/api/v1/seats", new { customerId = "sea", featureCode = "members", count = 2 }).Ok();
        await api.PostJson($"/api/v1/subscriptions/{sub}/cancel", new { reason = "too_expensive" }).Ok();
        await Track(api, "sea", "calls", 3); // usage is no transition

        var states = (await EventsAsync(t)).Where(e => e.Type == "customer.state_changed").Select(e => e.Data).ToList();
        Assert.Equal(["subscription_activated", "seats_updated", "cancellation_scheduled"], states.Select(s => s.Str("trigger")));
        var first = states[0];
        Assert.Equal(("sea", "active", sub, "Team", "monthly", "metered"), (first.Str("customerId"), first.Str("status"), first.Str("subscriptionId"),
            first["plan"]!.Str("name"), first.Str("billingInterval"), first.Str("consumptionModel")));
        Assert.Equal(["calls", "members"], first["features"]!.AsArray().Select(f => f!.Str("code")));
        Assert.Equal(13, first["features"]![0]!.AsObject().Count); // every WebhookFeatureAccess field, null where it does not apply
        Assert.Null(first["credits"]);
        Assert.Null(first["balance"]);
        var seats = states[1]["seats"]!.AsArray().Single()!;
        Assert.Equal(("members", 2m, 5m, 3m), (seats.Str("code"), seats["current"]!.GetValue<decimal>(), seats["included"]!.GetValue<decimal>(), seats["remaining"]!.GetValue<decimal>()));
        Assert.Empty(SdkShapes.Problems(states.Select(s => ("customer.state_changed", s))));
    }

    [Fact]
    public async Task CustomerStateChanged_StatusNone_WhenTheSubscriptionEnds()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.Plan("basic", 1900);
        await api.Customer("ann");
        var sub = (await api.Subscribe("ann", "basic")).Str("id");
        await api.PostJson($"/api/v1/subscriptions/{sub}/cancel", new { reason = "too_expensive" }).Ok();

        await api.RunUntil(Utc(2027, 4, 1)); // the period ends: the cancellation takes effect

        var last = (await EventsAsync(t)).Last(e => e.Type == "customer.state_changed").Data;
        Assert.Equal(("subscription_canceled", "none", "ann"), (last.Str("trigger"), last.Str("status"), last.Str("customerId")));
        Assert.Null(last["subscriptionId"]);
        Assert.Null(last["plan"]);
        Assert.Empty(last["features"]!.AsArray());
    }

    [Fact]
    public async Task CustomerStateChanged_ATrialEndingWithoutACard_IsTrialExpired()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.Plan("trial", 1500, trialDays: 14);
        await api.Customer("tia", card: null);
        await api.Subscribe("tia", "trial");

        await api.RunUntil(Start.AddDays(15)); // trial.expired and subscription.canceled, in one step

        var states = (await EventsAsync(t)).Where(e => e.Type == "customer.state_changed").Select(e => e.Data).ToList();
        Assert.Equal(["trial_started", "trial_expired"], states.Select(s => s.Str("trigger")));
        Assert.Equal(("trialing", "none"), (states[0].Str("status"), states[1].Str("status")));
    }

    private static Task<JsonNode> Track(HttpClient api, string customer, string feature, decimal value) =>
        api.PostJson("/api/v1/usage/events", new { customerId = customer, feature, value }).Ok(HttpStatusCode.Created);

    /// <summary>The data with what differs between two organizations by nature masked: generated IDs and real times.</summary>
    private static string Comparable(JsonObject data)
    {
        var copy = data.DeepClone().AsObject();
        foreach (var real in new[] { "createdAt", "updatedAt" })
        {
            if (copy.ContainsKey(real))
            {
                copy[real] = "*";
            }
        }
        return IdPattern().Replace(copy.ToJsonString(), m => m.Groups[1].Value + "_*");
    }

    [GeneratedRegex(@"\b(cus|sub|inv|plan|price|txn|pm|adn|evt)_[0-9A-Za-z]{10,}")]
    private static partial Regex IdPattern();

    private static async Task<List<(string Type, JsonObject Data)>> EventsAsync(TestTenant t)
    {
        await using var db = t.Db();
        var rows = await db.Events.AsNoTracking().OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).Select(e => new { e.Type, e.DataJson }).ToListAsync();
        return rows.Select(r => (r.Type, JsonNode.Parse(r.DataJson)!.AsObject())).ToList();
    }
}

public sealed class EventsProducedTests_Sqlite(SqliteServer server) : EventsProducedTests<SqliteServer>(server);

public sealed class EventsProducedTests_Postgres(PostgresServer server) : EventsProducedTests<PostgresServer>(server);

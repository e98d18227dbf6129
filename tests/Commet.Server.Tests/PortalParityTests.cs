using System.Net;
using System.Text.RegularExpressions;
using Commet.Server.Billing;
using Commet.Server.Payments;
using Commet.Server.Subscriptions;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// Every portal action writes what the API writes. Two organizations are set up alike with their test clocks at
/// the same moment; one customer acts through the API (or the hosted page), the other through the portal; then
/// their invoices, lines, transactions, cards, subscriptions and outbox events are compared row by row, with
/// only the generated IDs masked.
/// </summary>
public abstract partial class PortalParityTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static readonly DateTime Start = Utc(2027, 3, 1);

    private sealed record Twin(TestTenant Api, TestTenant Portal);

    private async Task<Twin> TwinsAsync(Func<HttpClient, Task> arrange)
    {
        var a = await server.NewTenantAsync();
        var b = await server.NewTenantAsync();
        foreach (var t in new[] { a, b })
        {
            await t.Api.SetClock(Start);
            await arrange(t.Api);
        }
        return new Twin(a, b);
    }

    private static async Task Both(Twin twin, Func<HttpClient, Task> step)
    {
        await step(twin.Api.Api);
        await step(twin.Portal.Api);
    }

    private static async Task<string> PlanId(HttpClient api, string code) => (await api.GetJson($"/api/v1/plans/{code}").Ok()).Str("id");

    private static async Task<string> SubId(HttpClient api, string customer) =>
        (await api.GetJson($"/api/v1/subscriptions/active?customerId={customer}").Ok()).Str("id");

    private static async Task GroupOfBasicAndPro(HttpClient api)
    {
        var group = await api.Group();
        await api.Plan("basic", 1900, group, sortOrder: 1);
        await api.Plan("pro", 4900, group, sortOrder: 2);
        await api.PostJson("/api/v1/features/manage", new { code = "sso", name = "SSO", type = "boolean" }).Ok();
        await api.Customer("ann");
        await api.Subscribe("ann", "basic");
    }

    [Fact]
    public async Task Upgrade_MidPeriod_SameInvoiceChargeAndEvents()
    {
        var twin = await TwinsAsync(GroupOfBasicAndPro);
        await Both(twin, api => api.SetClock(Start.AddDays(10)));

        await twin.Api.Api.PostJson($"/api/v1/subscriptions/{await SubId(twin.Api.Api, "ann")}/change-plan", new { newPlanId = "pro" }).Ok();
        using var ann = await PortalClient.OpenAsync(server, twin.Portal.Api, "ann");
        var pro = await PlanId(twin.Portal.Api, "pro");
        var confirmed = await ann.ConfirmAsync($"/portal/plans/change?plan={pro}&interval=monthly", "/portal/plans/change");

        Assert.Equal((HttpStatusCode.Found, "/portal?m=upgraded"), (confirmed.Status, confirmed.Location));
        await AssertSameRowsAsync(twin, expectInvoices: 2);
    }

    [Fact]
    public async Task Downgrade_IsScheduled_ThenRevoked_SameRowsAndEvents()
    {
        var twin = await TwinsAsync(async api =>
        {
            var group = await api.Group();
            await api.Plan("basic", 1900, group, sortOrder: 1);
            await api.Plan("pro", 4900, group, sortOrder: 2);
            await api.Customer("ann");
            await api.Subscribe("ann", "pro");
        });

        var apiSub = await SubId(twin.Api.Api, "ann");
        await twin.Api.Api.PostJson($"/api/v1/subscriptions/{apiSub}/change-plan", new { newPlanId = "basic" }).Ok();
        await twin.Api.Api.Delete($"/api/v1/subscriptions/{apiSub}/scheduled-change").Ok();
        using var ann = await PortalClient.OpenAsync(server, twin.Portal.Api, "ann");
        var basic = await PlanId(twin.Portal.Api, "basic");
        var scheduled = await ann.ConfirmAsync($"/portal/plans/change?plan={basic}&interval=monthly", "/portal/plans/change");
        var overview = await ann.GetAsync("/portal");
        var revoked = await ann.ConfirmAsync("/portal/plans", "/portal/plans?handler=Revoke");

        Assert.Equal("/portal?m=change_scheduled", scheduled.Location);
        Assert.Contains("Scheduled change", overview.Html, StringComparison.Ordinal);
        Assert.Equal("/portal?m=change_revoked", revoked.Location);
        await AssertSameRowsAsync(twin, expectInvoices: 1);
    }

    [Fact]
    public async Task CancelWithReason_ThenUndo_SameRowsAndEvents()
    {
        var twin = await TwinsAsync(GroupOfBasicAndPro);

        var apiSub = await SubId(twin.Api.Api, "ann");
        await twin.Api.Api.PostJson($"/api/v1/subscriptions/{apiSub}/cancel", new { reason = "too_expensive", feedback = "Cheaper elsewhere" }).Ok();
        var apiCanceled = await twin.Api.Api.Subscription(apiSub);
        await twin.Api.Api.PostJson($"/api/v1/subscriptions/{apiSub}/uncancel", new { }).Ok();
        using var ann = await PortalClient.OpenAsync(server, twin.Portal.Api, "ann");
        var sub = await SubId(twin.Portal.Api, "ann");
        var review = await ann.SubmitAsync("/portal/cancel", "/portal/cancel?handler=Review",
            new Dictionary<string, string?> { ["subscriptionId"] = sub, ["Reason"] = "too_expensive", ["Feedback"] = "Cheaper elsewhere" });
        var confirmed = await ann.PostAsync("/portal/cancel?handler=Confirm",
            new Dictionary<string, string?> { ["subscriptionId"] = sub, ["Reason"] = "too_expensive", ["Feedback"] = "Cheaper elsewhere" }, PortalClient.Token(review.Html));
        var portalCanceled = await twin.Portal.Api.Subscription(sub);
        var banner = await ann.GetAsync("/portal");
        var undone = await ann.ConfirmAsync("/portal", "/portal/cancel?handler=Undo");

        Assert.Contains("Are you sure?", review.Html, StringComparison.Ordinal);
        Assert.Equal("/portal?m=canceled", confirmed.Location);
        Assert.Contains("Keep my subscription", banner.Html, StringComparison.Ordinal);
        Assert.Equal("/portal?m=uncanceled", undone.Location);
        Assert.Equal(Mask(apiCanceled.ToJsonString()), Mask(portalCanceled.ToJsonString()));
        await AssertSameRowsAsync(twin, expectInvoices: 1);
    }

    [Fact]
    public async Task Reactivate_Canceled_SameInvoiceAndEvents()
    {
        var twin = await TwinsAsync(GroupOfBasicAndPro);
        await Both(twin, async api => await api.PostJson($"/api/v1/subscriptions/{await SubId(api, "ann")}/cancel", new { immediate = true }).Ok());
        await Both(twin, api => api.SetClock(Start.AddDays(40)));

        var apiSub = (await twin.Api.Api.GetJson("/api/v1/subscriptions?customerId=ann").Ok())[0]!.Str("id");
        await twin.Api.Api.PostJson($"/api/v1/subscriptions/{apiSub}/reactivate", new { }).Ok();
        using var ann = await PortalClient.OpenAsync(server, twin.Portal.Api, "ann");
        var overview = await ann.GetAsync("/portal");
        var reactivated = await ann.ConfirmAsync("/portal/reactivate", "/portal/reactivate");

        Assert.Contains("Reactivate Basic", overview.Html, StringComparison.Ordinal);
        Assert.Equal("/portal?m=reactivated", reactivated.Location);
        await AssertSameRowsAsync(twin, expectInvoices: 2);
    }

    [Fact]
    public async Task Addon_ActivateThenDeactivate_SameProratedInvoiceAndEvents()
    {
        var twin = await TwinsAsync(async api =>
        {
            await GroupOfBasicAndPro(api);
            await api.PostJson("/api/v1/features/manage", new { code = "extra_storage", name = "Extra storage", type = "boolean" }).Ok();
            await api.PostJson("/api/v1/addons", new { name = "Extra storage", featureId = "extra_storage", basePrice = 1000, consumptionModel = "boolean" }).Ok();
        });
        await Both(twin, api => api.SetClock(Start.AddDays(7)));
        var addonId = (await twin.Portal.Api.GetJson("/api/v1/addons").Ok())[0]!.Str("id");
        var apiAddon = (await twin.Api.Api.GetJson("/api/v1/addons").Ok())[0]!.Str("id");

        var apiSub = await SubId(twin.Api.Api, "ann");
        await twin.Api.Api.PostJson($"/api/v1/subscriptions/{apiSub}/addons", new { addonId = apiAddon }).Ok();
        await twin.Api.Api.Delete($"/api/v1/subscriptions/{apiSub}/addons/{apiAddon}").Ok();
        using var ann = await PortalClient.OpenAsync(server, twin.Portal.Api, "ann");
        var confirm = await ann.GetAsync($"/portal/purchases/confirm?kind=addon&id={addonId}");
        var added = await ann.ConfirmAsync($"/portal/purchases/confirm?kind=addon&id={addonId}", "/portal/purchases/confirm");
        var removed = await ann.ConfirmAsync($"/portal/purchases/confirm?kind=remove&id={addonId}", "/portal/purchases/confirm");

        // 10.00 a month, 24 of 31 days left in March: 7.74 now.
        Assert.Contains("$7.74", confirm.Html, StringComparison.Ordinal);
        Assert.Equal("/portal/purchases?m=addon_on", added.Location);
        Assert.Equal("/portal/purchases?m=addon_off", removed.Location);
        await AssertSameRowsAsync(twin, expectInvoices: 2);
    }

    [Fact]
    public async Task ReplaceCard_SameAsTheHostedCardUpdatePage()
    {
        var twin = await TwinsAsync(GroupOfBasicAndPro);

        var apiSub = await SubId(twin.Api.Api, "ann");
        var link = await twin.Api.Api.PostJson($"/api/v1/subscriptions/{apiSub}/payment-method/update", new { }).Ok();
        await CompleteHostedAsync(twin.Api, link.Str("checkoutUrl"), "5555555555554444");
        using var ann = await PortalClient.OpenAsync(server, twin.Portal.Api, "ann");
        var saved = await ann.SubmitAsync("/portal/card/replace", "/portal/card/replace",
            new Dictionary<string, string?> { ["cardNumber"] = "5555 5555 5555 4444", ["expiry"] = "12/29", ["cvc"] = "123" });
        var page = await ann.GetAsync("/portal/payment-method");

        Assert.Equal("/portal?m=card_saved", saved.Location);
        Assert.Contains("Mastercard ending in 4444", page.Html, StringComparison.Ordinal);
        await AssertSameRowsAsync(twin, expectInvoices: 1, ignoreHostedSessions: true);
    }

    [Fact]
    public async Task PastDue_PaidWithTheSavedCard_SameRecoveryAndEvents()
    {
        var twin = await TwinsAsync(async api =>
        {
            await api.Plan("basic", 1900);
            await api.Customer("ann", card: "4000000000000341");
            await api.Subscribe("ann", "basic");
        });
        // The first charge of a card that fails later fails, so the subscription waits for payment; pay it with a good card.
        await Both(twin, async api =>
        {
            await api.Card("ann", "4242424242424242");
            var sub = (await api.GetJson("/api/v1/subscriptions?customerId=ann").Ok())[0]!.Str("id");
            if ((await api.Subscription(sub)).Str("status") == "pending_payment")
            {
                await api.PostJson("/api/v1/subscriptions/" + sub + "/cancel", new { immediate = true }).Ok();
                await api.PostJson("/api/v1/subscriptions", new { customerId = "ann", planCode = "basic" }).Ok();
            }
            await api.Card("ann", "4000000000000341");
            await api.RunUntil(Start.AddMonths(1));
            await api.Card("ann", "4242424242424242");
        });
        Assert.Equal("past_due", (await twin.Portal.Api.Subscription(await SubId(twin.Portal.Api, "ann"))).Str("status"));

        await twin.Api.Api.PostJson($"/api/v1/subscriptions/{await SubId(twin.Api.Api, "ann")}/reactivate", new { }).Ok();
        using var ann = await PortalClient.OpenAsync(server, twin.Portal.Api, "ann");
        var overview = await ann.GetAsync("/portal");
        var paid = await ann.ConfirmAsync("/portal/recover", "/portal/recover");

        Assert.Contains("Your last payment did not go through", overview.Html, StringComparison.Ordinal);
        Assert.Equal("/portal?m=recovered", paid.Location);
        Assert.Equal("active", (await twin.Portal.Api.Subscription(await SubId(twin.Portal.Api, "ann"))).Str("status"));
        await AssertSameRowsAsync(twin, expectInvoices: null);
    }

    [Fact]
    public async Task StartSubscription_WithoutOne_SameAsCreatingItThroughTheApi()
    {
        var twin = await TwinsAsync(async api =>
        {
            await api.Plan("basic", 1900);
            await api.Customer("ann");
        });

        await twin.Api.Api.Subscribe("ann", "basic");
        using var ann = await PortalClient.OpenAsync(server, twin.Portal.Api, "ann");
        var overview = await ann.GetAsync("/portal");
        var basic = await PlanId(twin.Portal.Api, "basic");
        var started = await ann.ConfirmAsync($"/portal/start?plan={basic}&interval=monthly", "/portal/start");

        Assert.Contains("You don't have a subscription yet", WebUtility.HtmlDecode(overview.Html), StringComparison.Ordinal);
        Assert.Equal("/portal?m=started", started.Location);
        await AssertSameRowsAsync(twin, expectInvoices: 1);
    }

    [Fact]
    public async Task BillingDetails_SameCustomerAsTheApiUpdate()
    {
        var twin = await TwinsAsync(api => api.Customer("ann", card: null));
        var fields = new Dictionary<string, string?>
        {
            ["FullName"] = "Ann Lee", ["Email"] = "billing@ann.example", ["TaxId"] = "ESB12345678",
            ["Line1"] = "Calle Mayor 1", ["City"] = "Madrid", ["PostalCode"] = "28013", ["Country"] = "ES",
        };

        await twin.Api.Api.PutJson("/api/v1/customers/ann", new
        {
            fullName = "Ann Lee", email = "billing@ann.example", taxDocument = "ESB12345678",
            address = new { line1 = "Calle Mayor 1", city = "Madrid", postalCode = "28013", country = "ES" },
        }).Ok();
        using var ann = await PortalClient.OpenAsync(server, twin.Portal.Api, "ann");
        var invalid = await ann.SubmitAsync("/portal/billing-details", "/portal/billing-details", new Dictionary<string, string?>(fields) { ["Email"] = "not-an-email", ["Country"] = "" });
        var saved = await ann.SubmitAsync("/portal/billing-details", "/portal/billing-details", fields);

        Assert.Equal(HttpStatusCode.OK, invalid.Status);
        Assert.Contains("Enter a valid email address", invalid.Html, StringComparison.Ordinal);
        Assert.Contains("Choose the country", invalid.Html, StringComparison.Ordinal);
        Assert.Equal("/portal/billing-details?m=details_saved", saved.Location);
        var a = (await twin.Api.Api.GetJson("/api/v1/customers/ann").Ok()).AsObject();
        var b = (await twin.Portal.Api.GetJson("/api/v1/customers/ann").Ok()).AsObject();
        foreach (var real in new[] { "createdAt", "updatedAt" })
        {
            a.Remove(real);
            b.Remove(real);
        }
        Assert.Equal(Mask(a.ToJsonString()), Mask(b.ToJsonString()));
    }

    private static async Task FreeCreditsPlan(HttpClient api)
    {
        await api.PostJson("/api/v1/features/manage", new { code = "gen", name = "Generations", type = "usage", unitName = "generation" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "free", name = "Free", consumptionModel = "credits", isFree = true }).Ok();
        await api.PostJson("/api/v1/plans/free/features", new { featureId = "gen", creditsPerUnit = 1 }).Ok();
        await api.PostJson("/api/v1/credit-packs/manage", new { name = "Starter pack", credits = 250, price = 900 }).Ok();
        await api.Customer("ann", card: null);
        await api.Subscribe("ann", "free");
    }

    [Fact]
    public async Task CreditPack_FirstPurchaseWithoutACard_AsksForOne_DeclineChargesNothing_ThenBuysAndKeepsTheCard()
    {
        var twin = await TwinsAsync(FreeCreditsPlan);
        var apiSub = await SubId(twin.Api.Api, "ann");
        var apiPack = (await twin.Api.Api.GetJson("/api/v1/credit-packs").Ok())[0]!.Str("id");
        var pack = (await twin.Portal.Api.GetJson("/api/v1/credit-packs").Ok())[0]!.Str("id");

        // The hosted page's way: a checkout holding the purchase, completed with a card; then a second purchase.
        string sessionId;
        await using (var db = twin.Api.Db())
        {
            var scope = await server.Services.GetRequiredService<BillingScopes>().ForAsync(db, twin.Api.OrganizationId, false, server.BaseAddress.ToString(), CancellationToken.None);
            var session = server.Services.GetRequiredService<HostedLinks>().Create(db, scope.Tenant, Commet.Server.Portal.PortalActions.IntentKind,
                (await twin.Api.Api.GetJson("/api/v1/customers/ann").Ok()).Str("id"), apiSub, null, null, scope.Now);
            session.PurchaseJson = new Commet.Server.Payments.PendingPurchase(Commet.Server.Payments.PendingPurchase.CreditPack, apiPack, SubscriptionId: apiSub).ToJson();
            await db.SaveChangesAsync();
            sessionId = session.Id;
        }
        await CompleteSessionAsync(twin.Api, sessionId, "4242424242424242");
        await twin.Api.Api.PostJson($"/api/v1/subscriptions/{apiSub}/credits", new { creditPackId = apiPack }).Ok();

        using var ann = await PortalClient.OpenAsync(server, twin.Portal.Api, "ann");
        var first = await ann.ConfirmAsync($"/portal/purchases/confirm?kind=credit_pack&id={pack}", "/portal/purchases/confirm");
        Assert.Equal(HttpStatusCode.Found, first.Status);
        Assert.StartsWith("/portal/card/", first.Location, StringComparison.Ordinal);
        var cardPage = await ann.GetAsync(first.Location!);
        Assert.Contains("Due now: $9.00", cardPage.Html, StringComparison.Ordinal);
        var declined = await ann.PostAsync(first.Location!, new Dictionary<string, string?> { ["cardNumber"] = "4000 0000 0000 0002", ["expiry"] = "12/29", ["cvc"] = "123" }, PortalClient.Token(cardPage.Html));
        Assert.Equal(HttpStatusCode.OK, declined.Status);
        Assert.Contains("Your card was declined and nothing was charged", declined.Html, StringComparison.Ordinal);
        await using (var db = twin.Portal.Db())
        {
            Assert.Equal(0, await db.PaymentMethods.CountAsync());
            Assert.Equal(0, await db.Invoices.CountAsync());
            Assert.Equal(0, await db.Transactions.CountAsync());
        }
        var bought = await ann.PostAsync(first.Location!, new Dictionary<string, string?> { ["cardNumber"] = "4242 4242 4242 4242", ["expiry"] = "12/29", ["cvc"] = "123" }, PortalClient.Token(declined.Html));
        var second = await ann.ConfirmAsync($"/portal/purchases/confirm?kind=credit_pack&id={pack}", "/portal/purchases/confirm");
        var usage = await ann.GetAsync("/portal/usage");

        // Bought through the card step, the notice says what changed too: the pack's 250 credits, 250 left on a free plan with none included.
        Assert.Equal("/portal/purchases?m=credits_bought&n=250&left=250", bought.Location);
        // Bought on the confirm page (no card step): 250 + 250 credits.
        Assert.Equal("/portal/purchases?m=credits_bought&n=250&left=500", second.Location);
        Assert.Contains("Purchased credits: <strong>500</strong>", usage.Html, StringComparison.Ordinal);
        await AssertSameRowsAsync(twin, expectInvoices: 2);
    }

    [Fact]
    public async Task BalanceTopup_SameAsTheApi_WithinTheOrganizationsLimits()
    {
        var twin = await TwinsAsync(async api =>
        {
            await api.PostJson("/api/v1/features/manage", new { code = "calls", name = "Calls", type = "usage" }).Ok();
            await api.PostJson("/api/v1/plans/manage", new { code = "payg", name = "Pay as you go", consumptionModel = "balance", blockOnExhaustion = false }).Ok();
            await api.PostJson("/api/v1/plans/payg/prices", new { billingInterval = "monthly", price = 1000, includedBalance = 50000 }).Ok();
            await api.PostJson("/api/v1/plans/payg/features", new { featureId = "calls", overage = new { enabled = true, unitPrice = 100 } }).Ok();
            await api.PutJson("/api/v1/portal/settings", new { topupMinimum = 1000, topupMaximum = 20000 }).Ok();
            await api.Customer("ann");
            await api.Subscribe("ann", "payg");
        });

        await twin.Api.Api.PostJson($"/api/v1/subscriptions/{await SubId(twin.Api.Api, "ann")}/balance/topup", new { amount = 2550 }).Ok();
        using var ann = await PortalClient.OpenAsync(server, twin.Portal.Api, "ann");
        var tooSmall = await ann.GetAsync("/portal/purchases/confirm?kind=topup&amount=5");
        var confirm = await ann.GetAsync("/portal/purchases/confirm?kind=topup&amount=25.50");
        var topped = await ann.ConfirmAsync("/portal/purchases/confirm?kind=topup&amount=25.50", "/portal/purchases/confirm");
        var usage = await ann.GetAsync("/portal/usage");

        Assert.Contains("Choose an amount from $10.00 to $200.00", tooSmall.Html, StringComparison.Ordinal);
        Assert.Contains("Pay $25.50", confirm.Html, StringComparison.Ordinal);
        // The notice says what changed: $25.50 added to the plan's $5.00 = $30.50.
        Assert.Equal("/portal/purchases?m=topped_up&n=2550&left=3050", topped.Location);
        Assert.Contains("$25.50 added — $30.50 left.", WebUtility.HtmlDecode((await ann.GetAsync(topped.Location!)).Html), StringComparison.Ordinal);
        Assert.Contains("$30.50", usage.Html, StringComparison.Ordinal);
        await AssertSameRowsAsync(twin, expectInvoices: 2);
    }

    /// <summary>What the hosted card page does when the customer types a card: the same operation, on the link's session.</summary>
    private Task CompleteHostedAsync(TestTenant t, string url, string card) =>
        CompleteSessionAsync(t, server.Services.GetRequiredService<HostedLinks>().SessionIdOf(url[(url.LastIndexOf('/') + 1)..])!, card);

    private async Task CompleteSessionAsync(TestTenant t, string sessionId, string card)
    {
        await using var db = t.Db();
        var scope = await server.Services.GetRequiredService<BillingScopes>().ForAsync(db, t.OrganizationId, false, server.BaseAddress.ToString(), CancellationToken.None);
        var done = await server.Services.GetRequiredService<CompleteHostedPage>().HandleAsync(scope, sessionId, new CardInput(card, 12, 2029, "123"), CancellationToken.None);
        Assert.True(done.IsSuccess, done.Error?.Message);
    }

    private static async Task AssertSameRowsAsync(Twin twin, int? expectInvoices, bool ignoreHostedSessions = true)
    {
        var a = await SnapshotAsync(twin.Api);
        var b = await SnapshotAsync(twin.Portal);
        if (expectInvoices is { } n)
        {
            Assert.Equal(n, a.Invoices.Count);
        }
        Assert.Equal(a.Invoices, b.Invoices);
        Assert.Equal(a.Transactions, b.Transactions);
        Assert.Equal(a.Cards, b.Cards);
        Assert.Equal(a.Subscriptions, b.Subscriptions);
        Assert.Equal(a.Addons, b.Addons);
        Assert.Equal(a.Ledger, b.Ledger);
        for (var i = 0; i < Math.Max(a.Events.Count, b.Events.Count); i++)
        {
            Assert.Equal(a.Events.ElementAtOrDefault(i), b.Events.ElementAtOrDefault(i));
        }
        _ = ignoreHostedSessions;
    }

    private sealed record Snapshot(List<string> Invoices, List<string> Transactions, List<string> Cards, List<string> Subscriptions, List<string> Addons, List<string> Events, List<string> Ledger);

    private static async Task<Snapshot> SnapshotAsync(TestTenant t)
    {
        await using var db = t.Db();
        var invoices = await db.Invoices.Include(i => i.Lines).OrderBy(i => i.Number).ToListAsync();
        var transactions = await db.Transactions.OrderBy(x => x.Id).ToListAsync();
        var cards = await db.PaymentMethods.OrderBy(x => x.Id).ToListAsync();
        var subs = await db.Subscriptions.OrderBy(x => x.Id).ToListAsync();
        var subIds = subs.Select(s => s.Id).ToList();
        var addons = await db.SubscriptionAddons.Where(x => subIds.Contains(x.SubscriptionId)).OrderBy(x => x.Id).ToListAsync();
        // customer.created and customer.updated carry the customer's own times (the wall clock, not the test clock), which
        // differ between the two organizations by nature; Events/EventsProducedTests compares them with those masked.
        var events = await db.Events.Where(x => x.Type != "customer.created" && x.Type != "customer.updated").OrderBy(x => x.Id).ToListAsync();
        var ledger = await db.Ledger.OrderBy(x => x.Id).ToListAsync();
        return new Snapshot(
            invoices.Select(i => Mask($"{i.Number} {i.Type} {i.Status} {i.Currency} {i.Subtotal} {i.DiscountAmount} {i.TaxAmount} {i.Total} {i.PeriodStart:O} {i.PeriodEnd:O} {i.IssueDate:O} {i.PaidAt:O} {i.PlanName} {i.BillingKey} | "
                + string.Join(" | ", i.Lines.OrderBy(l => l.Position).Select(l => $"{l.LineType} {l.Description} {l.Quantity} {l.UnitAmount} {l.Amount} {l.ChargeType}")))).ToList(),
            transactions.Select(x => Mask($"{x.Amount} {x.Currency} {x.Status} {x.FailureCode} {x.AttemptKey} {x.PaidAt:O} {x.InvoiceId} {x.PaymentMethodId}")).ToList(),
            cards.Select(x => Mask($"{x.Brand} {x.Last4} {x.ExpMonth}/{x.ExpYear} {x.IsDefault} {x.Fingerprint} {x.DetachedAt:O}")).ToList(),
            subs.Select(s => Mask($"{s.Status} {s.PlanId} {s.BillingInterval} {s.BasePrice} {s.PaidForCurrentPeriod} {s.CurrentPeriodStart:O} {s.CurrentPeriodEnd:O} {s.CancelAtPeriodEnd} {s.CancelReason} {s.CancelFeedback} {s.CanceledAt:O} {s.ScheduledChangeType} {s.ScheduledPlanId} {s.ScheduledInterval} {s.OutstandingInvoiceId} {s.DunningRetries} {s.NextActionAt:O}")).ToList(),
            addons.Select(x => Mask($"{x.AddonId} {x.Status} {x.ActivatedAt:O} {x.DeactivatedAt:O}")).ToList(),
            events.Select(e => Mask($"{e.Type} {e.OccurredAt:O} {e.SubscriptionId} {e.CustomerId} {e.DataJson}")).ToList(),
            ledger.Select(e => Mask(System.Text.Json.JsonSerializer.Serialize(e) is var json ? LedgerNoise().Replace(json, "") : "")).ToList());
    }

    /// <summary>Generated IDs differ between the two organizations; everything else must not.</summary>
    private static string Mask(string text) => RawIdPattern().Replace(SignedTokenPattern().Replace(IdPattern().Replace(text, m => m.Groups[1].Value + "_*"), "CfDJ8*"), "*");

    /// <summary>A bare generated ID (26 Crockford base32 characters), as in billing keys.</summary>
    [GeneratedRegex("[0-9A-HJKMNP-TV-Z]{26}")]
    private static partial Regex RawIdPattern();

    [GeneratedRegex("\"(Id|OrganizationId|CreatedAt)\":\"[^\"]*\",?")]
    private static partial Regex LedgerNoise();

    [GeneratedRegex(@"CfDJ8[0-9A-Za-z_-]+")]
    private static partial Regex SignedTokenPattern();

    [GeneratedRegex(@"\b(cus|sub|inv|plan|price|txn|pm|adn|evt|hps|sad|ftr|plg|cpk|org|pts|pta)_[0-9A-Za-z]{10,}")]
    private static partial Regex IdPattern();
}

public sealed class PortalParityTests_Sqlite(SqliteServer server) : PortalParityTests<SqliteServer>(server);

public sealed class PortalParityTests_Postgres(PostgresServer server) : PortalParityTests<PostgresServer>(server);

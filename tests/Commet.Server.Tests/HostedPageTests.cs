using System.Data.Common;
using System.Net;
using System.Text;
using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Commet.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Commet.Server.Tests;

/// <summary>
/// The hosted payment pages at /pay/{token}, driven like a browser without JavaScript: GET the page, read the
/// antiforgery token, POST the card form.
/// </summary>
public abstract class HostedPageTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private const string Ok = "4242424242424242";
    private const string Declined = "4000000000000002";
    private const string FailsLater = "4000000000000341";
    private const string InsufficientFunds = "4000000000009995";
    private const string Expired = "4000000000000069";

    private readonly HttpClient api = server.Client();

    private static string Unique(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..10];

    private static Dictionary<string, string> Card(string number, string expiry = "12/35", string cvc = "123") =>
        new() { ["cardNumber"] = number, ["expiry"] = expiry, ["cvc"] = cvc, ["cardName"] = "Ann Lee" };

    [Fact]
    public async Task Checkout_ADeclineChargesNothing_ThenAGoodCardActivatesAndIsSaved()
    {
        var plan = await PaidPlanAsync(4900);
        var customer = await CustomerAsync();
        var created = await api.PostJson("/api/v1/subscriptions", new { customerId = customer, planCode = plan, successUrl = "https://shop.example/thanks" });
        Assert.Equal("pending_payment", created.Data["status"]!.GetValue<string>());
        var subscriptionId = created.Data["id"]!.GetValue<string>();
        var url = created.Data["checkoutUrl"]!.GetValue<string>();
        Assert.Contains("/pay/", url, StringComparison.Ordinal);

        using var browser = new PageClient(server.BaseAddress);
        var page = await browser.Get(url);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Default organization", page.Text, StringComparison.Ordinal);
        Assert.Contains("$49.00", page.Text, StringComparison.Ordinal);
        Assert.Matches(@"Invoice INV-\d{6}", page.Text);
        Assert.Contains("Sandbox mode", page.Text, StringComparison.Ordinal);
        Assert.Contains("4000 0000 0000 0002", page.Text, StringComparison.Ordinal);
        Assert.Contains("autocomplete=\"cc-number\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("inputmode=\"numeric\"", page.Html, StringComparison.Ordinal);
        Assert.NotNull(page.AntiforgeryToken);

        var declined = await browser.Post(url, Card(Declined));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, declined.Status);
        Assert.Contains("role=\"alert\"", declined.Html, StringComparison.Ordinal);
        Assert.Contains("Your card was declined and nothing was charged", declined.Text, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"form-alert\"", declined.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(Declined, declined.Html, StringComparison.Ordinal);
        Assert.Equal("pending_payment", await StatusAsync(subscriptionId));
        Assert.Empty(await TransactionsAsync(customer, TransactionStatus.Succeeded));
        Assert.Null(await DefaultCardAsync(customer));

        var paid = await browser.Post(url, Card("4012 8888 8888 1881"));
        Assert.Equal(HttpStatusCode.OK, paid.Status);
        Assert.Contains("Payment received", paid.Text, StringComparison.Ordinal);
        Assert.Contains("href=\"https://shop.example/thanks\"", paid.Html, StringComparison.Ordinal);
        Assert.Contains("Return to Default organization", paid.Text, StringComparison.Ordinal);
        Assert.Equal("active", await StatusAsync(subscriptionId));
        var transaction = Assert.Single(await TransactionsAsync(customer, TransactionStatus.Succeeded));
        Assert.Equal(4900, transaction.Amount);
        var card = await DefaultCardAsync(customer);
        Assert.NotNull(card);
        Assert.Equal("1881", card.Last4);
        Assert.Equal("visa", card.Brand);

        var again = await browser.Get(url);
        Assert.Equal(HttpStatusCode.Gone, again.Status);
        Assert.Contains("already used", again.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("$49.00", again.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("INV-", again.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", again.Html, StringComparison.Ordinal);

        // The same form sent again (a resend) answers what it answered the first time; any other form finds the link used.
        var postAgain = await browser.Post(url, Card(Ok));
        Assert.Equal(HttpStatusCode.OK, postAgain.Status);
        Assert.Contains("Payment received", postAgain.Text, StringComparison.Ordinal);
        var otherForm = new Dictionary<string, string>(Card(Ok)) { ["chargeToken"] = new string('a', 32) };
        var postOther = await browser.Post(url, otherForm);
        Assert.Equal(HttpStatusCode.Gone, postOther.Status);
        Assert.Single(await TransactionsAsync(customer, TransactionStatus.Succeeded));

        await AssertNoRowContainsAsync("4012888888881881", Declined);
    }

    [Fact]
    public async Task SandboxCards_ThroughTheApiHelper_EachTestCardBehavesAsDocumented_AndNoNumberIsStored()
    {
        var customer = await CustomerAsync();
        foreach (var (number, code) in new[] { (Declined, "card_declined"), (InsufficientFunds, "insufficient_funds"), (Expired, "expired_card") })
        {
            var refused = await api.PostJson("/api/v1/sandbox/payment-methods", new { customerId = customer, cardNumber = number });
            Assert.Equal((HttpStatusCode.PaymentRequired, code), (refused.Status, refused.ErrorCode));
        }
        // One digit off 4242…: the Luhn check fails.
        var invalid = await api.PostJson("/api/v1/sandbox/payment-methods", new { customerId = customer, cardNumber = "4242424242424241" });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_card_number"), (invalid.Status, invalid.ErrorCode));
        Assert.Null(await DefaultCardAsync(customer));

        // …0341 attaches, and every charge on it fails: a paid subscription waits for payment, with a checkout link.
        var attached = await api.PostJson("/api/v1/sandbox/payment-methods", new { customerId = customer, cardNumber = FailsLater });
        Assert.Equal(HttpStatusCode.Created, attached.Status);
        Assert.Equal(("visa", "0341"), (attached.Data["brand"]!.GetValue<string>(), attached.Data["last4"]!.GetValue<string>()));
        var created = await api.PostJson("/api/v1/subscriptions", new { customerId = customer, planCode = await PaidPlanAsync(4900) });
        Assert.Equal("pending_payment", created.Data["status"]!.GetValue<string>());
        Assert.Contains("/pay/", created.Data["checkoutUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await TransactionsAsync(customer, TransactionStatus.Succeeded));

        await AssertNoRowContainsAsync(Declined, InsufficientFunds, Expired, FailsLater);
    }

    [Theory]
    [InlineData(InsufficientFunds, "Your card has insufficient funds and nothing was charged")]
    [InlineData(Expired, "This card has expired")]
    public async Task Checkout_InsufficientFundsOrExpiredTestCard_SaysWhich_ChargesNothing_ThenAGoodCardPays(string number, string message)
    {
        var (subscriptionId, customer, url) = await PendingCheckoutAsync();
        using var browser = new PageClient(server.BaseAddress);
        await browser.Get(url);

        var refused = await browser.Post(url, Card(number));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains(message, refused.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(number, refused.Html, StringComparison.Ordinal);
        Assert.Equal("pending_payment", await StatusAsync(subscriptionId));
        Assert.Empty(await TransactionsAsync(customer, TransactionStatus.Succeeded));
        Assert.Null(await DefaultCardAsync(customer));

        var paid = await browser.Post(url, Card(Ok));
        Assert.Equal(HttpStatusCode.OK, paid.Status);
        Assert.Equal("active", await StatusAsync(subscriptionId));
        Assert.Equal(4900, Assert.Single(await TransactionsAsync(customer, TransactionStatus.Succeeded)).Amount);
        await AssertNoRowContainsAsync(number);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_Is400WithAFriendlyPage_AndChargesNothing()
    {
        var (subscriptionId, customer, url) = await PendingCheckoutAsync();
        using var browser = new PageClient(server.BaseAddress);
        await browser.Get(url);

        var answer = await browser.Post(url, Card(Ok), withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("<h1>Please try again</h1>", answer.Html, StringComparison.Ordinal);
        Assert.Contains("nothing was charged", answer.Text, StringComparison.Ordinal);
        Assert.Equal("pending_payment", await StatusAsync(subscriptionId));
        Assert.Null(await DefaultCardAsync(customer));

        // A token from another browser (no matching cookie) is refused too.
        using var other = new PageClient(server.BaseAddress);
        var foreign = await other.Post(url, new Dictionary<string, string>(Card(Ok)) { ["__RequestVerificationToken"] = browser.Token! }, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.Status);
        Assert.Equal("pending_payment", await StatusAsync(subscriptionId));
    }

    [Fact]
    public async Task TamperedOrUnknownToken_Is404_AndRevealsNothing()
    {
        var (_, _, url) = await PendingCheckoutAsync();
        var tampered = url[..^3] + (url[^3] == 'A' ? "B" : "A") + url[^2..];
        using var browser = new PageClient(server.BaseAddress);

        foreach (var target in new[] { tampered, "/pay/not-a-token", url + "x" })
        {
            var page = await browser.Get(target);
            Assert.Equal(HttpStatusCode.NotFound, page.Status);
            Assert.Contains("This link is not valid", page.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("$", page.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("INV-", page.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("Default organization", page.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("<form", page.Html, StringComparison.Ordinal);
        }
        await browser.Get(url);
        var post = await browser.Post(tampered, Card(Ok));
        Assert.Equal(HttpStatusCode.NotFound, post.Status);
    }

    [Fact]
    public async Task Checkout_InvalidFields_AreNamedOneByOne_AndTheCardNumberIsNotEchoed()
    {
        var (subscriptionId, _, url) = await PendingCheckoutAsync();
        using var browser = new PageClient(server.BaseAddress);
        await browser.Get(url);

        var page = await browser.Post(url, Card("4111 11", expiry: "13/29", cvc: "12"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, page.Status);
        Assert.Contains("id=\"cardNumber-error\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"expiry-error\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"cvc-error\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"cardNumber-error\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("value=\"13/29\"", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("4111 11", page.Html, StringComparison.Ordinal);
        Assert.Equal("pending_payment", await StatusAsync(subscriptionId));

        var expired = await browser.Post(url, Card(Ok, expiry: "01/20"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, expired.Status);
        Assert.Contains("expired", expired.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkout_TooManyRefusedCards_IsBlockedForTheLink()
    {
        var (subscriptionId, _, url) = await PendingCheckoutAsync();
        using var browser = new PageClient(server.BaseAddress);
        await browser.Get(url);

        for (var i = 0; i < HostedPages.PayAttempts.Limit; i++)
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await browser.Post(url, Card(Declined))).Status);
        }
        var blocked = await browser.Post(url, Card(Ok));

        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.Status);
        Assert.Contains("Too many attempts", blocked.Text, StringComparison.Ordinal);
        Assert.Equal("pending_payment", await StatusAsync(subscriptionId));
    }

    [Fact]
    public async Task Recovery_PastDue_SavedCardFailsAgain_NewCardRecovers()
    {
        var plan = await PaidPlanAsync(4900);
        var customer = await CustomerAsync();
        await AttachAsync(customer, Ok);
        var created = await api.PostJson("/api/v1/subscriptions", new { customerId = customer, planCode = plan });
        Assert.Equal("active", created.Data["status"]!.GetValue<string>());
        var subscriptionId = created.Data["id"]!.GetValue<string>();
        await AttachAsync(customer, FailsLater);
        await PastRenewalAsync();
        Assert.Equal("past_due", await StatusAsync(subscriptionId));

        var link = await api.PostJson($"/api/v1/subscriptions/{subscriptionId}/recovery-link", null);
        Assert.Equal(HttpStatusCode.OK, link.Status);
        var url = link.Data["url"]!.GetValue<string>();

        using var browser = new PageClient(server.BaseAddress);
        var page = await browser.Get(url);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Pay your overdue invoice", page.Text, StringComparison.Ordinal);
        Assert.Contains("$49.00", page.Text, StringComparison.Ordinal);
        Assert.Contains("Pay with saved card Visa •••• 0341", page.Text, StringComparison.Ordinal);

        var savedFails = await browser.Post(url, new Dictionary<string, string> { ["use"] = "saved" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, savedFails.Status);
        Assert.Contains("declined", savedFails.Text, StringComparison.Ordinal);
        Assert.Equal("past_due", await StatusAsync(subscriptionId));

        var recovered = await browser.Post(url, Card(Ok));
        Assert.Equal(HttpStatusCode.OK, recovered.Status);
        Assert.Contains("active again", recovered.Text, StringComparison.Ordinal);
        Assert.Equal("active", await StatusAsync(subscriptionId));
        Assert.Equal("4242", (await DefaultCardAsync(customer))!.Last4);
    }

    [Fact]
    public async Task Recovery_PayWithTheSavedCard()
    {
        var plan = await PaidPlanAsync(2500);
        var customer = await CustomerAsync();
        await AttachAsync(customer, Ok);
        var subscriptionId = (await api.PostJson("/api/v1/subscriptions", new { customerId = customer, planCode = plan })).Data["id"]!.GetValue<string>();
        await AttachAsync(customer, FailsLater);
        await PastRenewalAsync();
        Assert.Equal("past_due", await StatusAsync(subscriptionId));
        await AttachAsync(customer, "5555555555554444");
        var url = (await api.PostJson($"/api/v1/subscriptions/{subscriptionId}/recovery-link", null)).Data["url"]!.GetValue<string>();

        using var browser = new PageClient(server.BaseAddress);
        var page = await browser.Get(url);
        Assert.Contains("Pay with saved card Mastercard •••• 4444", page.Text, StringComparison.Ordinal);
        var paid = await browser.Post(url, new Dictionary<string, string> { ["use"] = "saved" });

        Assert.Equal(HttpStatusCode.OK, paid.Status);
        Assert.Contains("$25.00", paid.Text, StringComparison.Ordinal);
        Assert.Equal("active", await StatusAsync(subscriptionId));
    }

    [Fact]
    public async Task PaymentMethodUpdate_ReplacesTheDefaultCard()
    {
        var plan = await PaidPlanAsync(4900);
        var customer = await CustomerAsync();
        await AttachAsync(customer, Ok);
        var subscriptionId = (await api.PostJson("/api/v1/subscriptions", new { customerId = customer, planCode = plan })).Data["id"]!.GetValue<string>();
        var link = await api.PostJson($"/api/v1/subscriptions/{subscriptionId}/payment-method/update", new { successUrl = "https://shop.example/account" });
        Assert.Equal(HttpStatusCode.OK, link.Status);
        var url = link.Data["checkoutUrl"]!.GetValue<string>();

        using var browser = new PageClient(server.BaseAddress);
        var page = await browser.Get(url);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Update your payment method", page.Text, StringComparison.Ordinal);
        Assert.Contains("Visa •••• 4242", page.Text, StringComparison.Ordinal);

        var saved = await browser.Post(url, Card("5555 5555 5555 4444", expiry: "0731"));
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Contains("Card saved", saved.Text, StringComparison.Ordinal);
        Assert.Contains("Mastercard •••• 4444", saved.Text, StringComparison.Ordinal);
        Assert.Contains("href=\"https://shop.example/account\"", saved.Html, StringComparison.Ordinal);

        var card = await DefaultCardAsync(customer);
        Assert.Equal("4444", card!.Last4);
        Assert.Equal(7, card.ExpMonth);
        Assert.Equal(2031, card.ExpYear);
        Assert.Equal("active", await StatusAsync(subscriptionId));
        Assert.Single(await TransactionsAsync(customer, TransactionStatus.Succeeded));
        Assert.Equal(HttpStatusCode.Gone, (await browser.Get(url)).Status);
    }

    [Fact]
    public async Task TrialCheckout_SavesTheCardWithoutCharging()
    {
        var plan = await PaidPlanAsync(4900);
        var customer = await CustomerAsync();
        var created = await api.PostJson("/api/v1/subscriptions", new { customerId = customer, planCode = plan, customTrialDays = 14 });
        Assert.Equal("trialing", created.Data["status"]!.GetValue<string>());
        var url = created.Data["checkoutUrl"]!.GetValue<string>();

        using var browser = new PageClient(server.BaseAddress);
        var page = await browser.Get(url);
        Assert.Contains("You will not be charged today", page.Text, StringComparison.Ordinal);
        Assert.Contains("$49.00 per month", page.Text, StringComparison.Ordinal);

        var saved = await browser.Post(url, Card(Ok));
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Contains("Card saved", saved.Text, StringComparison.Ordinal);
        Assert.Equal("trialing", await StatusAsync(created.Data["id"]!.GetValue<string>()));
        Assert.Empty(await TransactionsAsync(customer, null));
        Assert.Equal("4242", (await DefaultCardAsync(customer))!.Last4);
    }

    [Fact]
    public async Task PlanChangeCheckout_FreeToPaid_ShowsTheTargetPlan_AndSwitches()
    {
        var group = (await api.PostJson("/api/v1/plan-groups", new { name = Unique("Group") })).Data["id"]!.GetValue<string>();
        var free = Unique("free");
        var paid = Unique("team");
        Assert.Equal(HttpStatusCode.Created, (await api.PostJson("/api/v1/plans/manage", new { code = free, name = "Starter", isFree = true, planGroupId = group })).Status);
        Assert.Equal(HttpStatusCode.Created, (await api.PostJson("/api/v1/plans/manage", new { code = paid, name = "Team", planGroupId = group })).Status);
        await api.PostJson($"/api/v1/plans/{paid}/prices", new { billingInterval = "monthly", price = 4900 });
        var customer = await CustomerAsync();
        var subscriptionId = (await api.PostJson("/api/v1/subscriptions", new { customerId = customer, planCode = free })).Data["id"]!.GetValue<string>();
        var change = await api.PostJson($"/api/v1/subscriptions/{subscriptionId}/change-plan", new { newPlanId = paid });
        Assert.True(change.Data["requiresCheckout"]!.GetValue<bool>(), change.ToString());
        var url = change.Data["checkoutUrl"]!.GetValue<string>();

        using var browser = new PageClient(server.BaseAddress);
        var page = await browser.Get(url);
        Assert.Contains("Switch to Team", page.Text, StringComparison.Ordinal);
        Assert.Contains("$49.00 per month", page.Text, StringComparison.Ordinal);

        var done = await browser.Post(url, Card(Ok));
        Assert.Equal(HttpStatusCode.OK, done.Status);
        Assert.Contains("You are now on Team", done.Text, StringComparison.Ordinal);
        var subscription = await api.GetJson($"/api/v1/subscriptions/{subscriptionId}");
        Assert.Equal("Team", subscription.Data["plan"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Page_IsSmall_Accessible_AndNotCacheableOrFramable()
    {
        var (_, _, url) = await PendingCheckoutAsync();
        using var plain = new HttpClient();
        using var response = await plain.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.True(Encoding.UTF8.GetByteCount(html) < 20_000, $"page is {html.Length} bytes");
        var style = html[(html.IndexOf("<style>", StringComparison.Ordinal) + 7)..html.IndexOf("</style>", StringComparison.Ordinal)];
        Assert.True(style.Length < 10_000, $"inline CSS is {style.Length} bytes");
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        foreach (var field in new[] { "cardNumber", "expiry", "cvc", "cardName" })
        {
            Assert.Contains($"<label for=\"{field}\"", html, StringComparison.Ordinal);
        }
        Assert.Contains("autocomplete=\"cc-exp\"", html, StringComparison.Ordinal);
        Assert.Contains("autocomplete=\"cc-csc\"", html, StringComparison.Ordinal);
        Assert.Contains(":focus-visible", html, StringComparison.Ordinal);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    private async Task<string> PaidPlanAsync(long price)
    {
        var code = Unique("pro");
        var plan = await api.PostJson("/api/v1/plans/manage", new { code, name = "Pro" });
        Assert.Equal(HttpStatusCode.Created, plan.Status);
        var priced = await api.PostJson($"/api/v1/plans/{code}/prices", new { billingInterval = "monthly", price });
        Assert.Equal(HttpStatusCode.Created, priced.Status);
        return code;
    }

    private async Task<string> CustomerAsync()
    {
        var created = await api.PostJson("/api/v1/customers", new { id = Unique("user"), email = "ann@example.com" });
        return created.Data["id"]!.GetValue<string>();
    }

    private async Task AttachAsync(string customer, string number)
    {
        var attached = await api.PostJson("/api/v1/sandbox/payment-methods", new { customerId = customer, cardNumber = number });
        Assert.Equal(HttpStatusCode.Created, attached.Status);
    }

    private async Task<(string SubscriptionId, string CustomerId, string Url)> PendingCheckoutAsync()
    {
        var plan = await PaidPlanAsync(4900);
        var customer = await CustomerAsync();
        var created = await api.PostJson("/api/v1/subscriptions", new { customerId = customer, planCode = plan });
        return (created.Data["id"]!.GetValue<string>(), customer, created.Data["checkoutUrl"]!.GetValue<string>());
    }

    /// <summary>Moves the sandbox clock past every current period end and runs billing.</summary>
    private async Task PastRenewalAsync()
    {
        Assert.Equal(HttpStatusCode.OK, (await api.PostJson("/api/v1/test-clock", new { advanceDays = 31 })).Status);
        Assert.Equal(HttpStatusCode.OK, (await api.PostJson("/api/v1/test-clock/process-billing", null)).Status);
    }

    private async Task<string> StatusAsync(string subscriptionId)
    {
        var answer = await api.GetJson($"/api/v1/subscriptions/{subscriptionId}");
        return answer.Data["status"]!.GetValue<string>();
    }

    private async Task<CommetDb> DbAsync() =>
        await server.Services.GetRequiredService<IDbContextFactory<CommetDb>>().CreateDbContextAsync();

    private async Task<List<PaymentTransaction>> TransactionsAsync(string customer, string? status)
    {
        await using var db = await DbAsync();
        return await db.Transactions.IgnoreQueryFilters().AsNoTracking()
            .Where(t => t.CustomerId == customer && (status == null || t.Status == status)).ToListAsync();
    }

    private async Task<PaymentMethod?> DefaultCardAsync(string customer)
    {
        await using var db = await DbAsync();
        return await db.PaymentMethods.IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(m => m.CustomerId == customer && m.IsDefault && m.DetachedAt == null);
    }

    /// <summary>Reads every row of every table as text and checks that none holds any of the card numbers.</summary>
    private async Task AssertNoRowContainsAsync(params string[] secrets)
    {
        await using var db = await DbAsync();
        var tables = db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct().ToList();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using DbDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.IsDBNull(i) ? "" : reader.GetValue(i) is byte[] bytes ? Encoding.UTF8.GetString(bytes) : reader.GetValue(i).ToString() ?? "";
                    foreach (var secret in secrets)
                    {
                        Assert.False(value.Contains(secret, StringComparison.Ordinal), $"{table}.{reader.GetName(i)} holds a card number");
                    }
                }
            }
        }
    }
}

public sealed class HostedPageTests_Sqlite(SqliteServer server) : HostedPageTests<SqliteServer>(server);

public sealed class HostedPageTests_Postgres(PostgresServer server) : HostedPageTests<PostgresServer>(server);

using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Commet.Server.Localization;
using Commet.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Browser.Tests;

/// <summary>
/// The same journey through the portal in every language: each page is read as the customer sees it and must show
/// no resource key and no English sentence; the pseudo-localised run (qps-ploc) finds any text that does not come
/// from the resources at all (country names, which come from the platform in each language, are left out).
/// Overview, plans and invoices are checked with axe and for sideways overflow at phone width.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PortalLanguageJourneyTests(BrowserFixture fixture)
{
    private static readonly DateTime Start = Utc(2027, 3, 1);

    /// <summary>The pages of the journey; the invoice page is added once its ID is known.</summary>
    private static readonly string[] Pages =
        ["/portal", "/portal/usage", "/portal/plans", "/portal/invoices", "/portal/billing-details", "/portal/payment-method", "/portal/purchases", "/portal/cancel"];

    /// <summary>What the merchant and the customer wrote (names of plans and features, addresses): data, not text to translate.</summary>
    private static readonly string[] Data =
        ["Nimbus Cloud", "Basic", "Pro", "API calls", "call", "calls", "Single sign-on", "For small teams", "For growing companies", "ann@example.com", "help@example.com",
         "Visa", "Mastercard", "Extra storage", "UTC", "PDF", "CVC", "USD", "Ƥšéũđö", "English", "Español", "Português", "Brasil", "Français", "Deutsch"];

    private async Task<(TestTenant Tenant, string InvoiceId)> TenantAsync()
    {
        var t = await fixture.Server.NewTenantAsync();
        var api = t.Api;
        await api.SetClock(Start);
        await api.PutJson("/api/v1/portal/settings", new { displayName = "Nimbus Cloud", supportEmail = "help@example.com", termsUrl = "https://example.com/terms", privacyUrl = "https://example.com/privacy" }).Ok();
        var group = await api.Group();
        await api.PostJson("/api/v1/features/manage", new { code = "api_calls", name = "API calls", type = "usage", unitName = "call" }).Ok();
        await api.PostJson("/api/v1/features/manage", new { code = "sso", name = "Single sign-on", type = "boolean" }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "basic", name = "Basic", description = "For small teams", planGroupId = group, sortOrder = 1 }).Ok();
        await api.PostJson("/api/v1/plans/basic/prices", new { billingInterval = "monthly", price = 1900, isDefault = true }).Ok();
        await api.PostJson("/api/v1/plans/basic/prices", new { billingInterval = "yearly", price = 19000 }).Ok();
        await api.PostJson("/api/v1/plans/basic/features", new { featureId = "api_calls", includedAmount = 10000, overage = new { enabled = true, unitPrice = 20 } }).Ok();
        await api.PostJson("/api/v1/plans/manage", new { code = "pro", name = "Pro", description = "For growing companies", planGroupId = group, sortOrder = 2 }).Ok();
        await api.PostJson("/api/v1/plans/pro/prices", new { billingInterval = "monthly", price = 4900, isDefault = true }).Ok();
        await api.PostJson("/api/v1/plans/pro/prices", new { billingInterval = "yearly", price = 49000 }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "api_calls", includedAmount = 100000, overage = new { enabled = true, unitPrice = 10 } }).Ok();
        await api.PostJson("/api/v1/plans/pro/features", new { featureId = "sso" }).Ok();
        await api.Customer("ann");
        await api.Subscribe("ann", "pro");
        await api.PostJson("/api/v1/usage/events", new { customerId = "ann", feature = "api_calls", value = 42000 }).Ok();
        var invoices = await api.GetJson("/api/v1/invoices?customerId=ann").Ok();
        var list = invoices is System.Text.Json.Nodes.JsonArray a ? a : invoices["data"]!.AsArray();
        return (t, list[0]!.Str("id"));
    }

    private static async Task<string> LinkAsync(TestTenant t, string locale)
    {
        var data = await t.Api.PostJson("/api/v1/portal/request-access", new { customerId = "ann", locale }).Ok();
        return data["portalUrl"]!.GetValue<string>();
    }

    /// <summary>The resource texts of one language (null: English), by key.</summary>
    private static Dictionary<string, string> Texts(string? tag)
    {
        var manager = new ResourceManager("Commet.Server.Resources.Localization.Texts", typeof(Texts).Assembly);
        using var set = manager.GetResourceSet(tag is null ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(tag), true, false)!;
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
    }

    /// <summary>The words of a text pattern between its arguments: "Your subscription ends on {date}." → "Your subscription ends on".</summary>
    private static IEnumerable<string> Fragments(string pattern) =>
        ArgumentPattern().Split(pattern).Select(f => f.Trim(' ', '.', ',', ':', '(', ')', '·', '—', '–')).Where(f => f.Length >= 12 && f.Contains(' ', StringComparison.Ordinal));

    private static async Task<string> VisibleTextAsync(Journey j) =>
        await j.Page.EvaluateAsync<string>("() => document.body.innerText + '\\n' + [...document.querySelectorAll('[aria-label],option,title')].map(e => e.getAttribute('aria-label') || e.textContent).join('\\n') + '\\n' + document.title");

    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    [InlineData("pt-BR")]
    [InlineData("fr")]
    [InlineData("de")]
    public async Task Journey_InEachLanguage_ShowsNoKeyAndNoEnglish(string tag)
    {
        var (t, invoice) = await TenantAsync();
        var english = Texts(null);
        var translated = Texts(tag == "en" ? null : tag);
        // English fragments that the translation does not also use (names of card brands, "(CVC)" and such are the same everywhere).
        var foreign = english.SelectMany(e => Fragments(e.Value).Select(f => (e.Key, Fragment: f)))
            .Where(x => !translated.Values.Any(v => v.Contains(x.Fragment, StringComparison.Ordinal)))
            .ToList();
        await using var j = await fixture.StartAsync("lang-" + tag);
        await j.GotoAsync(await LinkAsync(t, tag));
        foreach (var path in Pages.Append($"/portal/invoices/{invoice}"))
        {
            await j.GotoAsync(path);
            var text = await VisibleTextAsync(j);
            var keys = KeyPattern().Matches(text).Select(m => m.Value).Distinct().ToList();
            Assert.True(keys.Count == 0, $"{tag} {path} shows resource keys: {string.Join(", ", keys)}");
            var englishShown = foreign.Where(x => text.Contains(x.Fragment, StringComparison.Ordinal)).Select(x => $"{x.Key}: \"{x.Fragment}\"").ToList();
            Assert.True(englishShown.Count == 0, $"{tag} {path} shows English:\n{string.Join("\n", englishShown)}");
            Assert.Equal(tag, await j.Page.GetAttributeAsync("html", "lang"));
            if (path == "/portal/billing-details")
            {
                // Country names come from the platform in the page's language: Germany is not "Germany".
                Assert.DoesNotContain(">Germany<", await j.Page.ContentAsync(), StringComparison.Ordinal);
            }
            if (path is "/portal" or "/portal/plans" or "/portal/invoices")
            {
                await j.AccessibleAsync();
                await j.ShotAsync(path.Replace("/portal", "", StringComparison.Ordinal).Trim('/') is { Length: > 0 } p ? p : "overview");
            }
        }
    }

    [Fact]
    public async Task PseudoLocalised_EveryTextComesFromTheResources()
    {
        var (t, invoice) = await TenantAsync();
        // Bea has no card: her subscription waits on the hosted payment page, which is walked too.
        await t.Api.Customer("bea", card: null);
        var checkout = (await t.Api.Subscribe("bea", "basic")).Str("checkoutUrl");
        await using var j = await fixture.StartAsync("pseudo");
        await j.GotoAsync(await LinkAsync(t, Languages.Pseudo));
        var found = new List<string>();
        foreach (var path in Pages.Append($"/portal/invoices/{invoice}").Append(checkout + "?lang=" + Languages.Pseudo))
        {
            await j.GotoAsync(path);
            var nodes = await j.Page.EvaluateAsync<string[]>(
                "() => { const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); const out = []; let n; "
                + "while ((n = w.nextNode())) { const p = n.parentElement; if (p && !['SCRIPT','STYLE'].includes(p.tagName) && !p.closest('#Country') && n.textContent.trim()) out.push(n.textContent.trim()); } "
                + "document.querySelectorAll('[aria-label]').forEach(e => out.push(e.getAttribute('aria-label'))); out.push(document.title); return out; }");
            foreach (var node in nodes)
            {
                // What the resources gave is bracketed and accented; merchant data, numbers, money and dates are not words to translate.
                var rest = BracketPattern().Replace(node, " ");
                foreach (var d in Data.OrderByDescending(d => d.Length))
                {
                    rest = rest.Replace(d, " ", StringComparison.Ordinal);
                }
                rest = MonthPattern().Replace(rest, " ");
                rest = InvoiceNumberPattern().Replace(rest, " ");
                if (WordPattern().IsMatch(rest))
                {
                    found.Add($"{path}: \"{node}\"");
                }
            }
        }
        Assert.True(found.Count == 0, "Text not in the resources:\n" + string.Join("\n", found.Distinct()));
    }

    [Fact]
    public async Task LogoThatFailsToLoad_ShowsTheMerchantsInitials_OnThePortalAndThePaymentPage()
    {
        var (t, _) = await TenantAsync();
        await t.Api.PutJson("/api/v1/portal/settings", new { logoUrl = new Uri(fixture.Server.BaseAddress, "/logos/logo_gone").ToString() }).Ok();
        await t.Api.Customer("bea", card: null);
        var checkout = (await t.Api.Subscribe("bea", "basic")).Str("checkoutUrl");
        await using var j = await fixture.StartAsync("logo-fallback");
        await j.GotoAsync(await LinkAsync(t, "en"));
        // "Nimbus Cloud" → NC, shown in place of the logo that answered 404.
        await Assertions.Expect(j.Page.Locator(".brand .initials")).ToHaveTextAsync("NC");
        await Assertions.Expect(j.Page.Locator(".brand .initials")).ToBeVisibleAsync();
        await Assertions.Expect(j.Page.Locator(".brand img")).ToBeHiddenAsync();
        await j.GotoAsync(checkout);
        await Assertions.Expect(j.Page.Locator(".merchant .initials")).ToBeVisibleAsync();
        await Assertions.Expect(j.Page.Locator(".merchant img")).ToBeHiddenAsync();
        await j.AccessibleAsync();
    }

    [GeneratedRegex(@"\{[^{}]*(\{[^{}]*\}[^{}]*)*\}")]
    private static partial Regex ArgumentPattern();

    [GeneratedRegex(@"\b(Layout|Nav|Footer|Overview|Usage|Plans?|Invoices?|InvoiceLine|Promo|Table|Status|InvoiceType|InvoiceStatus|Interval|Card|Change|Cancel|Details|Purchases|Confirm|Balance|Charge|Error|Notice|Reason|Recover|Reactivate|Start|PaymentMethod|Ended|Format|Form)\.[A-Z][A-Za-z.]*")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex BracketPattern();

    [GeneratedRegex(@"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")]
    private static partial Regex MonthPattern();

    [GeneratedRegex(@"\bINV-\d+\b")]
    private static partial Regex InvoiceNumberPattern();

    [GeneratedRegex("[A-Za-z]{3,}")]
    private static partial Regex WordPattern();
}

using System.Globalization;
using System.Net;
using Commet.Server.Localization;
using Commet.Server.Portal;
using Commet.Server.Tests.Infrastructure;
using static Commet.Server.Tests.Infrastructure.BillingApi;

namespace Commet.Server.Tests;

/// <summary>
/// The portal's language, worked out per request in this order: the link's <c>locale</c> (or the footer switcher's
/// choice, both kept on the session), the customer's <c>locale</c>, the browser's <c>Accept-Language</c>, the
/// organization's default, English. Plus the <c>locale</c> fields of the customers API and portal settings.
/// </summary>
public abstract class PortalLanguageTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static readonly DateTime Start = Utc(2027, 3, 1);

    /// <summary>A tenant with Ann on a $49.00 monthly plan, started on 1 March 2027.</summary>
    private async Task<HttpClient> TenantAsync()
    {
        var t = await server.NewTenantAsync();
        await t.Api.SetClock(Start);
        await t.Api.Plan("pro", 4900);
        await t.Api.Customer("ann");
        await t.Api.Subscribe("ann", "pro");
        return t.Api;
    }

    private async Task<PortalClient> OpenAsync(HttpClient api, string? locale = null, string? acceptLanguage = null)
    {
        var link = (await api.PostJson("/api/v1/portal/request-access", new { customerId = "ann", locale }).Ok())["portalUrl"]!.GetValue<string>();
        var client = new PortalClient(server.BaseAddress);
        if (acceptLanguage is not null)
        {
            client.AcceptLanguage(acceptLanguage);
        }
        var opened = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.Found, opened.Status);
        return client;
    }

    private static async Task<string> OverviewAsync(PortalClient client)
    {
        var page = await client.GetAsync("/portal");
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        return WebUtility.HtmlDecode(page.Html);
    }

    /// <summary>The page's lang attribute and its heading, which say which language it is in.</summary>
    private static void InLanguage(string html, string lang, string heading)
    {
        Assert.Contains($"<html lang=\"{lang}\">", html, StringComparison.Ordinal);
        Assert.Contains($"<h1>{heading}</h1>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "Name or company")]
    [InlineData("en-US", "Name or company")]
    [InlineData("de", "Name oder Firma")]
    public async Task BillingDetails_Opens(string? acceptLanguage, string label)
    {
        var api = await TenantAsync();
        using var ann = await OpenAsync(api, acceptLanguage: acceptLanguage);
        var page = await ann.GetAsync("/portal/billing-details");
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        Assert.Contains(label, WebUtility.HtmlDecode(page.Html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingSaid_English()
    {
        var api = await TenantAsync();
        using var ann = await OpenAsync(api);
        InLanguage(await OverviewAsync(ann), "en", "Your subscription");
    }

    [Fact]
    public async Task BrowserLanguage_FirstSupportedByQuality_RegionFallsBackToTheLanguage()
    {
        var api = await TenantAsync();
        // Japanese is not spoken; es-MX (q=0.8) is served as es before de (q=0.5).
        using var ann = await OpenAsync(api, acceptLanguage: "ja;q=0.9, es-MX;q=0.8, de;q=0.5");
        var html = await OverviewAsync(ann);
        InLanguage(html, "es", "Tu suscripción");
        // $49.00 in Spanish: a decimal comma and the symbol after the number.
        Assert.Contains("49,00\u00a0$ al mes", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrganizationDefault_WhenTheBrowserAsksForNothingSupported()
    {
        var api = await TenantAsync();
        await api.PutJson("/api/v1/portal/settings", new { defaultLocale = "pt-BR" }).Ok();
        using var ann = await OpenAsync(api, acceptLanguage: "ja");
        InLanguage(await OverviewAsync(ann), "pt-BR", "Sua assinatura");
        // The browser's supported language still wins over the organization's default.
        using var again = await OpenAsync(api, acceptLanguage: "fr-CA");
        InLanguage(await OverviewAsync(again), "fr", "Votre abonnement");
    }

    [Fact]
    public async Task CustomerLocale_WinsOverTheBrowser_AndTheLinkLocaleWinsOverTheCustomer()
    {
        var api = await TenantAsync();
        await api.PutJson("/api/v1/customers/ann", new { locale = "de" }).Ok();
        using var browser = await OpenAsync(api, acceptLanguage: "es");
        var german = await OverviewAsync(browser);
        InLanguage(german, "de", "Ihr Abonnement");
        // The period in German: "1. März – 1. Apr. 2027" (day first, abbreviated month names).
        Assert.Contains("1. März – 1. Apr. 2027", german, StringComparison.Ordinal);

        using var link = await OpenAsync(api, locale: "fr", acceptLanguage: "es");
        InLanguage(await OverviewAsync(link), "fr", "Votre abonnement");
    }

    [Fact]
    public async Task Switcher_KeepsTheChoiceForTheSession_AndGoesBackToThePage()
    {
        var api = await TenantAsync();
        using var ann = await OpenAsync(api, locale: "fr");
        var usage = await ann.GetAsync("/portal/usage");
        Assert.Equal(HttpStatusCode.OK, usage.Status);
        var switched = await ann.PostAsync("/portal/language", new Dictionary<string, string?> { ["locale"] = "es", ["back"] = "/portal/usage" },
            PortalClient.Token(usage.Html));
        Assert.Equal((HttpStatusCode.Found, "/portal/usage"), (switched.Status, switched.Location));
        InLanguage(await OverviewAsync(ann), "es", "Tu suscripción");

        // Somewhere off the portal is not a place to go back to.
        var offsite = await ann.PostAsync("/portal/language", new Dictionary<string, string?> { ["locale"] = "de", ["back"] = "https://evil.example/portal" },
            PortalClient.Token(ann.Last!.Html));
        Assert.Equal((HttpStatusCode.Found, "/portal"), (offsite.Status, offsite.Location));
        InLanguage(await OverviewAsync(ann), "de", "Ihr Abonnement");
    }

    [Fact]
    public async Task PseudoLocalisation_AccentsEveryTextFromTheResources()
    {
        var api = await TenantAsync();
        using var ann = await OpenAsync(api, locale: Languages.Pseudo);
        var html = await OverviewAsync(ann);
        // "Your subscription" with accents, in brackets; the html lang stays English.
        Assert.Contains("<h1>[Ýöûŕ šûbšçŕîpţîöñ]</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestAccess_RejectsALocaleThatIsNotALanguageTag()
    {
        var api = await TenantAsync();
        var bad = await api.PostJson("/api/v1/portal/request-access", new { customerId = "ann", locale = "español!" });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "locale"), (bad.Status, bad.Body!["error"]!["details"]![0]!["field"]!.GetValue<string>()));
    }

    [Fact]
    public async Task CustomersApi_Locale_IsStoredInItsUsualCase_ValidatedAndCleared()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var created = await api.PostJson("/api/v1/customers", new { id = "bea", email = "bea@example.com", locale = "PT-br" }).Ok();
        Assert.Equal("pt-BR", created.Str("locale"));
        // A well-formed tag the portal does not speak is kept (the portal falls through to the next rule).
        Assert.Equal("ja-JP", (await api.PutJson("/api/v1/customers/bea", new { locale = "ja-jp" }).Ok()).Str("locale"));
        // Left out: kept.
        Assert.Equal("ja-JP", (await api.PutJson("/api/v1/customers/bea", new { fullName = "Bea" }).Ok()).Str("locale"));
        var bad = await api.PutJson("/api/v1/customers/bea", new { locale = "en_US" });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "locale"), (bad.Status, bad.Body!["error"]!["details"]![0]!["field"]!.GetValue<string>()));
        // An empty string clears it.
        Assert.Null((await api.PutJson("/api/v1/customers/bea", new { locale = "" }).Ok())["locale"]);
    }

    [Fact]
    public async Task PortalSettings_DefaultLocale_IsOneOfThePortalsLanguages()
    {
        var t = await server.NewTenantAsync();
        var api = t.Api;
        var before = await api.GetJson("/api/v1/portal/settings").Ok();
        Assert.Equal("en", before.Str("defaultLocale"));
        Assert.Equal(["en", "es", "pt-BR", "fr", "de"], before["locales"]!.AsArray().Select(x => x!.GetValue<string>()));
        var bad = await api.PutJson("/api/v1/portal/settings", new { defaultLocale = "ja" });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "defaultLocale"), (bad.Status, bad.Body!["error"]!["details"]![0]!["field"]!.GetValue<string>()));
        Assert.Equal("fr", (await api.PutJson("/api/v1/portal/settings", new { defaultLocale = "FR" }).Ok()).Str("defaultLocale"));
        Assert.Equal("en", (await api.PutJson("/api/v1/portal/settings", new { defaultLocale = "" }).Ok()).Str("defaultLocale"));
    }
}

public sealed class PortalLanguageTests_Sqlite(SqliteServer server) : PortalLanguageTests<SqliteServer>(server);

public sealed class PortalLanguageTests_Postgres(PostgresServer server) : PortalLanguageTests<PostgresServer>(server);

/// <summary>The plural rules, the message patterns and money in each language, without a server.</summary>
public sealed class TextsTests
{
    [Theory]
    [InlineData("en", 1, "one")]
    [InlineData("en", 0, "other")]
    [InlineData("en", 2, "other")]
    [InlineData("de", 1, "one")]
    [InlineData("es", 1, "one")]
    [InlineData("es", 0, "other")]
    [InlineData("es", 1000000, "many")]
    // French and Portuguese count 0 and 1 (and 1.5) as one: "0 crédit", "1,5 crédit".
    [InlineData("fr", 0, "one")]
    [InlineData("fr", 1.5, "one")]
    [InlineData("fr", 2, "other")]
    [InlineData("pt-BR", 0, "one")]
    [InlineData("pt-BR", 2, "other")]
    public void PluralCategories(string language, double n, string category) =>
        Assert.Equal(category, Plurals.Category(language, (decimal)n));

    [Fact]
    public void Patterns_PluralsNumbersAndExactMatches()
    {
        const string p = "{count, plural, =0 {no credits} one {# credit} other {# credits}} for {name}";
        var en = CultureInfo.GetCultureInfo("en-US");
        Assert.Equal("no credits for Ann", MessagePattern.Format(p, [("count", 0), ("name", "Ann")], "en", en, false));
        Assert.Equal("1 credit for Ann", MessagePattern.Format(p, [("count", 1), ("name", "Ann")], "en", en, false));
        Assert.Equal("1,700 credits for Ann", MessagePattern.Format(p, [("count", 1700L), ("name", "Ann")], "en", en, false));
        // German writes 1.700; the pseudo mode accents the words but not the arguments.
        Assert.Equal("1.700 credits for Ann", MessagePattern.Format(p, [("count", 1700L), ("name", "Ann")], "de", CultureInfo.GetCultureInfo("de-DE"), false));
        Assert.Equal("1,700 çŕéđîţš föŕ Ann", MessagePattern.Format(p, [("count", 1700L), ("name", "Ann")], "en", en, true));
    }

    /// <summary>
    /// Adding a language is adding its resource file: the build puts it in a satellite assembly under a folder named
    /// after its tag, and the server finds it there at startup. Folders that are not tags, or hold no resources of the
    /// server's, are not languages.
    /// </summary>
    [Fact]
    public void AddedResourceFile_IsALanguage_FoundNextToTheServer()
    {
        var dir = Directory.CreateTempSubdirectory("commet-languages").FullName;
        try
        {
            foreach (var folder in new[] { "it", "nl-BE", "es", "qps-ploc", "logs" })
            {
                Directory.CreateDirectory(Path.Combine(dir, folder));
                File.WriteAllBytes(Path.Combine(dir, folder, "Commet.Server.resources.dll"), []);
            }
            Directory.CreateDirectory(Path.Combine(dir, "ja"));
            Assert.Equal(["en", "es", "pt-BR", "fr", "de", "it", "nl-BE"], Languages.Discover(dir));
            Assert.Equal("Italiano", Languages.NativeName("it"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        // Next to this test's server: the five languages this repository ships, in the switcher's order.
        Assert.Equal(["en", "es", "pt-BR", "fr", "de"], Languages.Supported);
    }

    [Fact]
    public void Texts_EachLanguageHasEveryKeyOfTheEnglishFile()
    {
        var english = Keys(null);
        foreach (var tag in Languages.Supported.Where(t => t != "en"))
        {
            var missing = english.Except(Keys(tag)).ToList();
            Assert.True(missing.Count == 0, $"{tag} lacks: {string.Join(", ", missing)}");
        }
    }

    private static HashSet<string> Keys(string? tag)
    {
        var manager = new System.Resources.ResourceManager("Commet.Server.Resources.Localization.Texts", typeof(Texts).Assembly);
        var culture = tag is null ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(tag);
        using var set = manager.GetResourceSet(culture, createIfNotExists: true, tryParents: false)
            ?? throw new Xunit.Sdk.XunitException($"No resources for {tag ?? "English"}.");
        return set.Cast<System.Collections.DictionaryEntry>().Select(e => (string)e.Key).ToHashSet();
    }

    [Theory]
    [InlineData("en-US", 123450, "USD", "$1,234.50")]
    [InlineData("de-DE", 123450, "EUR", "1.234,50\u00a0€")]
    [InlineData("fr-FR", 123450, "EUR", "1\u202f234,50\u00a0€")]
    // Spanish style would not group four digits ("1234,50 €"); .NET groups them, which readers accept.
    [InlineData("es-ES", 123450, "EUR", "1.234,50\u00a0€")]
    [InlineData("pt-BR", 123450, "BRL", "R$\u00a01.234,50")]
    [InlineData("de-DE", -500, "USD", "-5,00\u00a0$")]
    public void Money_InTheCulture(string culture, long minor, string currency, string expected) =>
        Assert.Equal(expected, PortalFormat.Money(minor, currency, CultureInfo.GetCultureInfo(culture)));
}

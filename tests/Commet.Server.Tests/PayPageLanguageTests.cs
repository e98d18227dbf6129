using System.Net;
using System.Text.RegularExpressions;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests;

/// <summary>
/// The hosted payment pages (<c>/pay/{token}</c>) in the pseudo-language: every word a customer reads on them (the
/// page, a refused card, the thank-you page, a used link, a forged link, an expired form) must come from the
/// resources, so any English sentence left in code shows up here. And the same notices in Spanish.
/// </summary>
public abstract partial class PayPageLanguageTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private const string Pseudo = "?lang=qps-ploc";

    /// <summary>Merchant and customer data, card brands and language names: not texts to translate.</summary>
    private static readonly string[] Data =
        ["Default organization", "Pro", "Visa", "English", "Español", "Português", "Brasil", "Français", "Deutsch", "MM/YY"];

    private static Dictionary<string, string> Card(string number) =>
        new() { ["cardNumber"] = number, ["expiry"] = "12/35", ["cvc"] = "123", ["cardName"] = "Ann Lee" };

    private static async Task<string> CheckoutUrlAsync(HttpClient api)
    {
        var code = "pro_" + Guid.NewGuid().ToString("N")[..8];
        await api.PostJson("/api/v1/plans/manage", new { code, name = "Pro" }).Ok();
        await api.PostJson($"/api/v1/plans/{code}/prices", new { billingInterval = "monthly", price = 4900 }).Ok();
        var customer = "ann_" + Guid.NewGuid().ToString("N")[..8];
        await api.PostJson("/api/v1/customers", new { id = customer, email = "ann@example.com" }).Ok();
        var created = await api.PostJson("/api/v1/subscriptions", new { customerId = customer, planCode = code });
        return created.Data["checkoutUrl"]!.GetValue<string>();
    }

    [Fact]
    public async Task PseudoLocalised_EveryTextOnTheHostedPagesComesFromTheResources()
    {
        var api = server.Client();
        var url = await CheckoutUrlAsync(api);
        using var browser = new PageClient(server.BaseAddress);
        var pages = new List<(string What, HtmlPage Page)>
        {
            ("checkout", await browser.Get(url + Pseudo)),
            ("declined", await browser.Post(url + Pseudo, Card("4000000000000002"))),
            ("invalid fields", await browser.Post(url + Pseudo, Card("1234"))),
            ("no antiforgery", await browser.Post(url + Pseudo, Card("4242424242424242"), withToken: false)),
        };
        await browser.Get(url + Pseudo);
        pages.Add(("paid", await browser.Post(url + Pseudo, Card("4242424242424242"))));
        pages.Add(("used", await browser.Get(url + Pseudo)));
        pages.Add(("forged", await browser.Get("/pay/not-a-token" + Pseudo)));

        var found = new List<string>();
        foreach (var (what, page) in pages)
        {
            Assert.Contains("[", page.Text, StringComparison.Ordinal);
            foreach (var line in VisibleLines(page.Html))
            {
                var rest = BracketPattern().Replace(line, " ");
                foreach (var d in Data)
                {
                    rest = rest.Replace(d, " ", StringComparison.Ordinal);
                }
                rest = InvoiceNumberPattern().Replace(rest, " ");
                // Invoice lines are the invoice's own text as issued ("Pro (Nov 30, 2026 – Dec 30, 2026)"), not the page's.
                rest = MonthPattern().Replace(rest, " ");
                if (WordPattern().IsMatch(rest))
                {
                    found.Add($"{what}: \"{line}\"");
                }
            }
        }
        Assert.True(found.Count == 0, "Text not in the resources:\n" + string.Join("\n", found.Distinct()));
    }

    [Fact]
    public async Task Notices_AreInTheCustomersLanguage()
    {
        var api = server.Client();
        var url = await CheckoutUrlAsync(api);
        using var browser = new PageClient(server.BaseAddress);
        await browser.Get(url + "?lang=es");
        var declined = await browser.Post(url + "?lang=es", Card("4000000000000002"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, declined.Status);
        Assert.Contains("Tu tarjeta fue rechazada", declined.Text, StringComparison.Ordinal);
        var paid = await browser.Post(url + "?lang=es", Card("4242424242424242"));
        Assert.Equal(HttpStatusCode.OK, paid.Status);
        Assert.Contains("<h1>Gracias</h1>", paid.Text, StringComparison.Ordinal);
        Assert.Contains("Pago recibido. Tu suscripción está activa.", paid.Text, StringComparison.Ordinal);
        Assert.Contains("pagados a Default organization", paid.Text, StringComparison.Ordinal);
        var used = await browser.Get(url + "?lang=es");
        Assert.Equal(HttpStatusCode.Gone, used.Status);
        Assert.Contains("<h1>Este enlace ya se usó</h1>", used.Text, StringComparison.Ordinal);
        var forged = await browser.Get("/pay/not-a-token?lang=de");
        Assert.Contains("<h1>Dieser Link ist ungültig</h1>", forged.Text, StringComparison.Ordinal);
    }

    /// <summary>The text a reader sees, one line per element, plus the title and aria-labels.</summary>
    private static IEnumerable<string> VisibleLines(string html)
    {
        var body = StylePattern().Replace(html, " ");
        foreach (Match m in AriaLabelPattern().Matches(body))
        {
            yield return WebUtility.HtmlDecode(m.Groups[1].Value);
        }
        foreach (var part in TagPattern().Split(body))
        {
            var text = WebUtility.HtmlDecode(part).Trim();
            if (text.Length > 0 && !text.StartsWith("<!", StringComparison.Ordinal))
            {
                yield return text;
            }
        }
    }

    [GeneratedRegex(@"<style>.*?</style>", RegexOptions.Singleline)]
    private static partial Regex StylePattern();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex TagPattern();

    [GeneratedRegex("aria-label=\"([^\"]*)\"")]
    private static partial Regex AriaLabelPattern();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex BracketPattern();

    [GeneratedRegex(@"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")]
    private static partial Regex MonthPattern();

    [GeneratedRegex(@"\bINV-\d+\b")]
    private static partial Regex InvoiceNumberPattern();

    [GeneratedRegex("[A-Za-z]{3,}")]
    private static partial Regex WordPattern();
}

public sealed class PayPageLanguageTests_Sqlite(SqliteServer server) : PayPageLanguageTests<SqliteServer>(server);

public sealed class PayPageLanguageTests_Postgres(PostgresServer server) : PayPageLanguageTests<PostgresServer>(server);

using System.Globalization;
using System.Xml.Linq;
using Commet.Server.Emails;
using Microsoft.Extensions.Logging.Abstractions;

namespace Commet.Server.Tests.Emails;

/// <summary>The email texts in every language: each translation file has every key, and the built server reads them.</summary>
public sealed class EmailTextsTests
{
    private static readonly EmailTexts Texts = new(NullLoggerFactory.Instance);

    [Theory]
    [InlineData("es", "Recibo de la factura INV-7 de Acme")]
    [InlineData("pt-BR", "Recibo da fatura INV-7 de Acme")]
    [InlineData("fr", "Reçu pour la facture INV-7 de Acme")]
    [InlineData("de", "Zahlungsbeleg für Rechnung INV-7 von Acme")]
    [InlineData("en", "Receipt for invoice INV-7 from Acme")]
    public void Subject_IsWrittenInTheCustomersLanguage(string language, string expected)
    {
        using (EmailTexts.In(CultureInfo.GetCultureInfo(language)))
        {
            Assert.Equal(expected, Texts["ReceiptSubject", "INV-7", "Acme"]);
        }
    }

    [Theory]
    [InlineData("es")]
    [InlineData("pt-BR")]
    [InlineData("fr")]
    [InlineData("de")]
    public void EveryKey_IsTranslated(string language)
    {
        var english = Keys(null);
        var translated = Keys(language);

        Assert.Equal(english.Keys.Order(), translated.Keys.Order());
        // Only words that are the same in both languages may stay as they are.
        var same = english.Where(kv => translated[kv.Key] == kv.Value).Select(kv => kv.Key).ToList();
        Assert.True(same.All(k => k is "LabelDate" or "LabelInvoice"), $"Untranslated in {language}: {string.Join(", ", same)}");
    }

    [Theory]
    [InlineData("es-MX", "es")]
    [InlineData("PT-br", "pt-BR")]
    [InlineData("pt", "pt-BR")]
    [InlineData("fr_CA", "fr")]
    [InlineData("de", "de")]
    [InlineData("en-GB", "en")]
    public void Locale_MapsToASupportedLanguage(string tag, string expected) =>
        Assert.Equal(expected, DefaultEmailCulture.Match(tag)!.Name);

    [Theory]
    [InlineData("ja")]
    [InlineData("")]
    [InlineData(null)]
    public void UnsupportedLocale_HasNoMatch(string? tag) => Assert.Null(DefaultEmailCulture.Match(tag));

    private static Dictionary<string, string> Keys(string? language)
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Commet.slnx")))
        {
            dir = Path.GetDirectoryName(dir)!;
        }
        var file = Path.Combine(dir, "src", "Commet.Server", "Resources", language is null ? "Emails.resx" : $"Emails.{language}.resx");
        return XDocument.Load(file).Root!.Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);
    }
}

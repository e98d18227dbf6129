using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Net.Http.Headers;

namespace Commet.Server.Localization;

/// <summary>
/// The languages the portal, the hosted payment pages and invoices speak, and how one is chosen for a request:
/// the link's <c>locale</c> (or the footer switcher's choice, both kept on the portal session), the customer's
/// <c>locale</c>, the browser's <c>Accept-Language</c>, the organization's default, English.
/// Adding a language is adding its resource file (Resources/Localization/Texts.{tag}.resx): the build makes it a
/// satellite assembly in a folder named after the tag, which <see cref="Supported"/> finds at startup.
/// </summary>
public static partial class Languages
{
    public const string English = "en";

    /// <summary>The pseudo-localisation culture: every text accented and bracketed, to find text that is not in the resources.</summary>
    public const string Pseudo = "qps-ploc";

    /// <summary>The languages this repository ships, in the order the switcher lists them.</summary>
    private static readonly string[] Shipped = ["en", "es", "pt-BR", "fr", "de"];

    /// <summary>
    /// Supported languages, in the order the switcher lists them: the shipped ones, then any other language whose
    /// resource file was added (its satellite assembly next to the server's), by tag.
    /// </summary>
    public static readonly IReadOnlyList<string> Supported = Discover(Path.GetDirectoryName(typeof(Languages).Assembly.Location) is { Length: > 0 } dir ? dir : AppContext.BaseDirectory);

    /// <summary>
    /// The shipped languages plus each folder of <paramref name="directory"/> named after a culture that holds this
    /// assembly's resources (<c>it/Commet.Server.resources.dll</c> for a <c>Texts.it.resx</c>).
    /// </summary>
    public static IReadOnlyList<string> Discover(string directory)
    {
        var found = new List<string>(Shipped);
        var resources = typeof(Languages).Assembly.GetName().Name + ".resources.dll";
        try
        {
            foreach (var tag in Directory.EnumerateDirectories(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
            {
                if (!IsWellFormed(tag) || string.Equals(tag, Pseudo, StringComparison.OrdinalIgnoreCase)
                    || found.Contains(tag, StringComparer.OrdinalIgnoreCase) || !File.Exists(Path.Combine(directory, tag, resources)))
                {
                    continue;
                }
                try
                {
                    found.Add(CultureInfo.GetCultureInfo(tag).Name);
                }
                catch (CultureNotFoundException)
                {
                    // A folder that only looks like a tag.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable: the shipped languages.
        }
        return found;
    }

    /// <summary>The language's own name, for the switcher.</summary>
    public static string NativeName(string tag) => tag switch
    {
        "en" => "English",
        "es" => "Español",
        "pt-BR" => "Português (Brasil)",
        "fr" => "Français",
        "de" => "Deutsch",
        Pseudo => "Ƥšéũđö",
        _ => Own(tag),
    };

    /// <summary>An added language's name in itself, capitalised as a menu entry ("italiano" → "Italiano").</summary>
    private static string Own(string tag)
    {
        try
        {
            var culture = CultureInfo.GetCultureInfo(tag);
            var name = culture.NativeName;
            return name.Length == 0 ? tag : char.ToUpper(name[0], culture) + name[1..];
        }
        catch (CultureNotFoundException)
        {
            return tag;
        }
    }

    /// <summary>Well-formed BCP 47 language tags: language, optional script, region and variants (no extensions or private use).</summary>
    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$")]
    private static partial Regex TagPattern();

    public const int MaxLength = 35;

    public static bool IsWellFormed(string? tag) => tag is { Length: > 0 and <= MaxLength } && TagPattern().IsMatch(tag);

    /// <summary>The tag in its usual case: "PT-br" → "pt-BR", "zh-hant-tw" → "zh-Hant-TW".</summary>
    public static string Canonical(string tag)
    {
        var parts = tag.Split('-');
        parts[0] = parts[0].ToLowerInvariant();
        for (var i = 1; i < parts.Length; i++)
        {
            var p = parts[i];
            parts[i] = p.Length == 2 ? p.ToUpperInvariant()
                : p.Length == 4 && char.IsAsciiLetter(p[0]) && i == 1 ? char.ToUpperInvariant(p[0]) + p[1..].ToLowerInvariant()
                : p.ToLowerInvariant();
        }
        return string.Join('-', parts);
    }

    /// <summary>
    /// The supported language a tag asks for: the same tag, else the same language ("es-MX" → es, "pt" or "pt-PT" → pt-BR,
    /// "en-GB" → en); null when none matches. The pseudo culture only when <paramref name="pseudo"/> is on.
    /// </summary>
    public static string? Match(string? tag, bool pseudo = false)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }
        tag = tag.Trim();
        if (string.Equals(tag, Pseudo, StringComparison.OrdinalIgnoreCase))
        {
            return pseudo ? Pseudo : null;
        }
        foreach (var s in Supported)
        {
            if (string.Equals(s, tag, StringComparison.OrdinalIgnoreCase))
            {
                return s;
            }
        }
        var language = tag.Split('-')[0];
        foreach (var s in Supported)
        {
            if (string.Equals(s.Split('-')[0], language, StringComparison.OrdinalIgnoreCase))
            {
                return s;
            }
        }
        return null;
    }

    /// <summary>The first of the browser's languages (by quality) that is supported.</summary>
    public static string? FromAcceptLanguage(string? header, bool pseudo = false)
    {
        if (string.IsNullOrWhiteSpace(header) || !StringWithQualityHeaderValue.TryParseList(header.Split(','), out var values))
        {
            return null;
        }
        foreach (var v in values.OrderByDescending(v => v.Quality ?? 1))
        {
            if (v.Quality is 0)
            {
                continue;
            }
            if (Match(v.Value.Value, pseudo) is { } found)
            {
                return found;
            }
        }
        return null;
    }

    /// <summary>The language of a request, in the documented order; English when nothing else matches.</summary>
    public static string Resolve(string? sessionLocale, string? customerLocale, string? acceptLanguage, string? organizationDefault, bool pseudo = false) =>
        Match(sessionLocale, pseudo)
        ?? Match(customerLocale, pseudo)
        ?? FromAcceptLanguage(acceptLanguage, pseudo)
        ?? Match(organizationDefault, pseudo)
        ?? English;

    /// <summary>The culture texts are read in (<see cref="CultureInfo.CurrentUICulture"/>).</summary>
    public static CultureInfo UiCulture(string tag) => tag == Pseudo ? PseudoCulture.Value : CultureInfo.GetCultureInfo(tag);

    /// <summary>The culture numbers, money and dates are written in (<see cref="CultureInfo.CurrentCulture"/>): the language's main region.</summary>
    public static CultureInfo FormatCulture(string tag) => CultureInfo.GetCultureInfo(tag switch
    {
        "en" => "en-US",
        "es" => "es-ES",
        "fr" => "fr-FR",
        "de" => "de-DE",
        Pseudo => "en-US",
        _ => tag,
    });

    private static readonly Lazy<CultureInfo> PseudoCulture = new(() =>
    {
        try
        {
            return CultureInfo.GetCultureInfo(Pseudo);
        }
        catch (CultureNotFoundException)
        {
            return CultureInfo.InvariantCulture;
        }
    });

    /// <summary>The <c>lang</c> attribute for the current UI culture (English for the pseudo culture).</summary>
    public static string HtmlLang => Match(CultureInfo.CurrentUICulture.Name) ?? English;

    public static bool IsPseudo(CultureInfo culture) => string.Equals(culture.Name, Pseudo, StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs the rest of a request (or a block) in a language.</summary>
    public static void Use(string tag)
    {
        CultureInfo.CurrentCulture = FormatCulture(tag);
        CultureInfo.CurrentUICulture = UiCulture(tag);
    }
}

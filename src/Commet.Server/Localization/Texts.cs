using System.Globalization;
using System.Text;
using Microsoft.Extensions.Localization;

namespace Commet.Server.Localization;

/// <summary>
/// Every sentence the portal, the hosted payment pages and invoices show, from the resource files
/// Resources/Localization/Texts.resx (English) and Texts.{tag}.resx (one per language), read through
/// <see cref="IStringLocalizer{T}"/>. Texts are ICU-style patterns: <c>{name}</c> for an argument and
/// <c>{count, plural, one {# credit} other {# credits}}</c> for plurals (see <see cref="Plurals"/>).
/// A missing key shows as itself, so tests can find it. Anything outside a request (emails, PDFs made by the API)
/// passes its culture explicitly with <see cref="In(CultureInfo)"/>.
/// </summary>
public sealed class Texts(IStringLocalizer<Texts> localizer)
{
    /// <summary>
    /// The one instance, for code that has no container at hand (static formatting helpers). The container hands out
    /// this same instance.
    /// </summary>
    public static Texts Shared { get; } = new(new StringLocalizer<Texts>(new ResourceManagerStringLocalizerFactory(
        Microsoft.Extensions.Options.Options.Create(new LocalizationOptions { ResourcesPath = ResourcesPath }),
        Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance)));

    public const string ResourcesPath = "Resources";

    /// <summary>A text as written, with no arguments and no pseudo-localisation (date layouts).</summary>
    public string Raw(string key, CultureInfo culture)
    {
        var ui = Languages.Match(culture.Name) is { } tag ? Languages.UiCulture(tag) : CultureInfo.InvariantCulture;
        var (value, notFound) = Pattern(ui, key);
        return notFound ? key : value;
    }

    /// <summary>A text in the current UI culture.</summary>
    public string this[string key] => Format(CultureInfo.CurrentUICulture, key, []);

    /// <summary>A text in the current UI culture, with named arguments.</summary>
    public string this[string key, params (string Name, object? Value)[] args] => Format(CultureInfo.CurrentUICulture, key, args);

    /// <summary>The texts of one language whatever the request's culture (emails, PDFs).</summary>
    public Bound In(CultureInfo culture) => new(this, culture);

    public readonly struct Bound(Texts texts, CultureInfo culture)
    {
        public CultureInfo Culture => culture;

        public string this[string key] => texts.Format(culture, key, []);

        public string this[string key, params (string Name, object? Value)[] args] => texts.Format(culture, key, args);
    }

    /// <summary>Whether a key is in the resources (English at least).</summary>
    public bool Has(string key) => !Pattern(CultureInfo.InvariantCulture, key).NotFound;

    public string Format(CultureInfo culture, string key, (string Name, object? Value)[] args)
    {
        var pseudo = Languages.IsPseudo(culture);
        var (pattern, notFound) = Pattern(pseudo ? CultureInfo.InvariantCulture : culture, key);
        if (notFound)
        {
            return key;
        }
        var numbers = pseudo ? Languages.FormatCulture(Languages.English) : FormatCultureOf(culture);
        var text = MessagePattern.Format(pattern, args, culture.Name.Length == 0 ? Languages.English : culture.Name, numbers, pseudo);
        return pseudo ? "[" + text + "]" : text;
    }

    private (string Value, bool NotFound) Pattern(CultureInfo culture, string key)
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            // The localizer reads CurrentUICulture; set it for this one lookup when a caller names another language.
            if (!Equals(previous, culture))
            {
                CultureInfo.CurrentUICulture = culture;
            }
            var found = localizer[key];
            return (found.Value, found.ResourceNotFound);
        }
        finally
        {
            if (!Equals(CultureInfo.CurrentUICulture, previous))
            {
                CultureInfo.CurrentUICulture = previous;
            }
        }
    }

    private static CultureInfo FormatCultureOf(CultureInfo ui) =>
        Equals(CultureInfo.CurrentUICulture, ui) ? CultureInfo.CurrentCulture
        : ui.Name.Length == 0 ? Languages.FormatCulture(Languages.English)
        : Languages.FormatCulture(Languages.Match(ui.Name) ?? ui.Name);

    /// <summary>Pseudo-localised text: the same letters with accents, so a page still reads but hard-coded English stands out.</summary>
    public static string Pseudo(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var i = Plain.IndexOf(c, StringComparison.Ordinal);
            sb.Append(i >= 0 ? Accented[i] : c);
        }
        return sb.ToString();
    }

    private const string Plain = "aceinorsuyACEINORSUYdhltwzDHLTWZ";
    private const string Accented = "åçéîñöŕšûýÅÇÉÎÑÖŔŠÛÝđĥļţŵžĐĤĻŢŴŽ";
}

/// <summary>CLDR plural categories of the supported languages (integers and decimals).</summary>
public static class Plurals
{
    /// <summary>"one", "many" or "other" for a number in a language.</summary>
    public static string Category(string language, decimal n)
    {
        var lang = language.Split('-')[0].ToLowerInvariant();
        var abs = Math.Abs(n);
        var i = decimal.Truncate(abs);
        var integer = abs == i;
        switch (lang)
        {
            case "fr":
            case "pt":
                // fr: i = 0,1; pt: i = 0..1 — "0 crédit", "1,5 crédit"; many: a whole million ("1 000 000 de crédits").
                if (i is 0 or 1)
                {
                    return "one";
                }
                return integer && i % 1_000_000 == 0 ? "many" : "other";
            case "es":
                if (abs == 1)
                {
                    return "one";
                }
                return integer && i != 0 && i % 1_000_000 == 0 ? "many" : "other";
            default:
                // en, de and most others: one only for exactly 1 with no decimals.
                return integer && i == 1 ? "one" : "other";
        }
    }
}

/// <summary>A small ICU MessageFormat subset: <c>{arg}</c>, <c>{arg, plural, =0 {…} one {…} other {…}}</c> with <c>#</c>.</summary>
public static class MessagePattern
{
    public static string Format(string pattern, (string Name, object? Value)[] args, string language, CultureInfo numbers, bool pseudo)
    {
        var sb = new StringBuilder(pattern.Length + 16);
        Append(sb, pattern, args, language, numbers, pseudo, null);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string p, (string Name, object? Value)[] args, string language, CultureInfo numbers, bool pseudo, string? hash)
    {
        var i = 0;
        while (i < p.Length)
        {
            var c = p[i];
            if (c == '{')
            {
                var end = Close(p, i);
                var inner = p[(i + 1)..end];
                var comma = inner.IndexOf(',', StringComparison.Ordinal);
                if (comma < 0)
                {
                    sb.Append(Value(Arg(args, inner.Trim()), numbers));
                }
                else
                {
                    var name = inner[..comma].Trim();
                    var rest = inner[(comma + 1)..];
                    var comma2 = rest.IndexOf(',', StringComparison.Ordinal);
                    var kind = rest[..comma2].Trim();
                    var options = Options(rest[(comma2 + 1)..]);
                    var value = Arg(args, name);
                    var number = ToDecimal(value);
                    string? chosen = null;
                    if (kind == "plural")
                    {
                        if (!options.TryGetValue("=" + number.ToString(CultureInfo.InvariantCulture), out chosen))
                        {
                            var category = Plurals.Category(language, number);
                            if (!options.TryGetValue(category, out chosen))
                            {
                                options.TryGetValue("other", out chosen);
                            }
                        }
                    }
                    else if (kind == "select")
                    {
                        if (!options.TryGetValue(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", out chosen))
                        {
                            options.TryGetValue("other", out chosen);
                        }
                    }
                    Append(sb, chosen ?? "", args, language, numbers, pseudo, kind == "plural" ? Value(number, numbers) : hash);
                }
                i = end + 1;
            }
            else if (c == '#' && hash is not null)
            {
                sb.Append(hash);
                i++;
            }
            else
            {
                var next = i;
                while (next < p.Length && p[next] != '{' && (p[next] != '#' || hash is null))
                {
                    next++;
                }
                var literal = p[i..next];
                sb.Append(pseudo ? Texts.Pseudo(literal) : literal);
                i = next;
            }
        }
    }

    private static int Close(string p, int open)
    {
        var depth = 0;
        for (var j = open; j < p.Length; j++)
        {
            if (p[j] == '{')
            {
                depth++;
            }
            else if (p[j] == '}' && --depth == 0)
            {
                return j;
            }
        }
        throw new FormatException($"Unbalanced braces in text pattern: {p}");
    }

    private static Dictionary<string, string> Options(string s)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }
            if (i >= s.Length)
            {
                break;
            }
            var start = i;
            while (i < s.Length && s[i] != '{' && !char.IsWhiteSpace(s[i]))
            {
                i++;
            }
            var selector = s[start..i];
            while (i < s.Length && s[i] != '{')
            {
                i++;
            }
            var end = Close(s, i);
            result[selector] = s[(i + 1)..end];
            i = end + 1;
        }
        return result;
    }

    private static object? Arg((string Name, object? Value)[] args, string name)
    {
        foreach (var (n, v) in args)
        {
            if (n == name)
            {
                return v;
            }
        }
        return "{" + name + "}";
    }

    private static decimal ToDecimal(object? v) => v switch
    {
        int x => x,
        long x => x,
        decimal x => x,
        double x => (decimal)x,
        _ => 0,
    };

    private static string Value(object? v, CultureInfo numbers) => v switch
    {
        null => "",
        string s => s,
        int or long => Convert.ToInt64(v, CultureInfo.InvariantCulture).ToString("#,0", numbers),
        decimal d => d.ToString(d == decimal.Truncate(d) ? "#,0" : "#,0.##", numbers),
        IFormattable f => f.ToString(null, numbers),
        _ => v.ToString() ?? "",
    };
}

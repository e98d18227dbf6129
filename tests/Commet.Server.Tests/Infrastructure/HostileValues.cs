using System.Collections.Concurrent;
using System.Text;

namespace Commet.Server.Tests.Infrastructure;

/// <summary>
/// The values of the hostile suite (<c>HostileInputTests</c>): JSON literals (numbers, strings, shapes) and whole
/// bodies that are not what a route expects. Every string carries no secret; the marker <see cref="Tag"/> lets a
/// page be searched for unescaped markup.
/// </summary>
public static class HostileValues
{
    /// <summary>Markup that must never come back unescaped in a page.</summary>
    public const string Tag = "<x-hostile";

    public const string Script = "<x-hostile onclick=\"alert(1)\">'&\"</x-hostile>";

    /// <summary>Extreme numbers as JSON literals: signs, zero, 2^53, 2^63 and one past, decimals, exponents, beyond any type.</summary>
    public static readonly string[] Numbers =
    [
        "-1", "0", "-0", "1", "9007199254740992", "9007199254740993", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "18446744073709551616", "2147483648", "-2147483649", "0.5", "-0.5",
        "1.0", "1e3", "1E+2", "1e-7", "1e400", "-1e400", "1e-400", "1.7976931348623157e308", "4.9e-324",
        "123456789012345678901234567890.123456789", "0.1234567890123456789012345678901", "100000000000000000000000000000000000000",
    ];

    /// <summary>Odd strings (C# text; serialized to JSON where used): scripts, direction marks, combining marks, NUL, lone surrogates, emoji, long.</summary>
    public static readonly string[] Strings =
    [
        "", " ", "\t", "x", "null", "true", "-1", "0", "1e400", "NaN",
        "\u202Eevil\u202C", "مرحبا بالعالم", "שלום", "e\u0301\u0302\u0303\u0304\u0305\u0306", "Z\u0351\u0352\u0353\u0354a\u0355\u0356l\u0357go",
        "\u0000", "a\u0000b", "\u0001\u001b[31m", "\uD800", "\uDC00x", "\uDC00\uD800", "\uFEFF", "\u200B\u200D", "\u2028\u2029",
        "👩‍👩‍👧‍👦🏳️‍🌈", "漢字かなカナ", "İıŞş", Script, "' OR '1'='1", "\"; DROP TABLE customers;--", "../../../etc/passwd",
        "%00", "%2e%2e%2f", "${jndi:ldap://x/a}", "{{7*7}}", "\\", "\r\n\r\nX-Injected: 1",
        "2027-13-45T25:61:61Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "-9223372036854775808",
        new string('a', 256), new string('a', 10_000), string.Concat(Enumerable.Repeat("🙂", 300)), string.Concat(Enumerable.Repeat("e\u0301", 600)),
    ];

    /// <summary>Values of the wrong shape for any field.</summary>
    public static readonly string[] Shapes =
    [
        "null", "true", "false", "[]", "{}", "[null]", "[[[]]]", "{\"a\":{\"b\":{}}}", "[\"x\",1,null]", "{\"\":\"\"}",
    ];

    /// <summary>Bodies that are not readable JSON (or not an object).</summary>
    public static readonly string[] Malformed =
    [
        "{", "}", "{\"a\":}", "{'a':1}", "not json", "{\"a\":1,}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":1} trailing",
        "\u0000", "{\"a\":\"\u0001\"}", "[]", "null", "42", "\"text\"", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\" 1}",
        "\uFEFF{}", "{\"a\":01}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":1e}", "{/*c*/}", "{\"a\":\"unterminated}",
    ];

    /// <summary>Content types a JSON route is not asked for; the body is sent as it is.</summary>
    public static readonly string?[] ContentTypes =
    [
        null, "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
        "application/json; charset=utf-16", "application/json; charset=latin1", "application/octet-stream", "*/*", "application/json;;;=",
    ];

    /// <summary>Cursors a list never returned: garbage, empty, broken base64, the prefix alone, a NUL, too long, an ID from nowhere.</summary>
    public static IEnumerable<string> Cursors() =>
    [
        "x", "cur_", "cur_!!!", "cur_====", "cur_" + B64("nounderscore"), "cur_" + B64("cus_\0"), "cur_" + B64("a_\uD800"),
        "cur_" + B64("zzz_" + new string('z', 140)), "cur_" + new string('A', 400), "cur_" + B64("' OR 1=1 --_x"), "cur_" + B64("sub_\u202E"),
        "-1", "%00", "cur_%00",
    ];

    /// <summary>Query values for limit-like parameters.</summary>
    public static readonly string[] Limits = ["-1", "0", "101", "1000000", "abc", "1e3", "9223372036854775808", "1.5", "", "%00", " 5"];

    /// <summary>Path segments: escaped for the URL by the caller, except those marked raw (sent as they are).</summary>
    public static readonly (string Value, bool Raw)[] PathSegments =
    [
        ("x", false), ("-1", false), ("0", false), ("9223372036854775808", false), ("null", false), (" ", false),
        ("\u202Eevil", false), ("e\u0301\u0302", false), ("👩‍👩‍👧‍👦", false), ("漢字", false), (Script, false), ("\u0000", false),
        ("a\u0000b", false), ("\uFEFF", false), ("' OR '1'='1", false), ("..", false), ("a/b", false), (new string('a', 3000), false),
        ("%00", true), ("%", true), ("%ZZ", true), ("%C0%AF", true), ("%ED%A0%80", true), ("%FF%FE", true), ("..%2F..%2F", true),
        (";a=b", true), ("%0D%0ASet-Cookie:%20x=1", true),
    ];

    public static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// A JSON string literal of <paramref name="text"/> exactly: control characters and surrogates escaped as \uXXXX (a lone
    /// surrogate travels as its escape, which a JSON serializer would have replaced by U+FFFD), everything else as it is.
    /// </summary>
    public static string JsonString(string text)
    {
        var json = new StringBuilder(text.Length + 2).Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                json.Append(c).Append(text[++i]);
                continue;
            }
            _ = c switch
            {
                '"' => json.Append("\\\""),
                '\\' => json.Append("\\\\"),
                _ when c < ' ' || char.IsSurrogate(c) => json.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)),
                _ => json.Append(c),
            };
        }
        return json.Append('"').ToString();
    }

    /// <summary>Nested arrays <paramref name="depth"/> deep.</summary>
    public static string Deep(int depth) => new string('[', depth) + new string(']', depth);

    /// <summary>Nested objects <paramref name="depth"/> deep under "a".</summary>
    public static string DeepObject(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    /// <summary>A JSON object of about <paramref name="bytes"/> bytes (one long string field).</summary>
    public static string Huge(int bytes) => "{\"name\":\"" + new string('h', bytes) + "\"}";
}

/// <summary>Requests sent per category, answers by class, and the first violations found.</summary>
public sealed class HostileTally
{
    private readonly ConcurrentDictionary<string, long[]> counts = new();
    private readonly ConcurrentQueue<string> violations = new();
    private int violationCount;

    public int Violations => violationCount;

    public long Total => counts.Values.Sum(c => c[0]);

    /// <summary>Counts one answer: [sent, 2xx, 3xx, 4xx, 5xx (501 documented), 5xx (other)].</summary>
    public void Record(string category, int status, bool documented501 = false)
    {
        var c = counts.GetOrAdd(category, _ => new long[6]);
        Interlocked.Increment(ref c[0]);
        var slot = status switch
        {
            < 300 => 1,
            < 400 => 2,
            < 500 => 3,
            _ when documented501 => 4,
            _ => 5,
        };
        Interlocked.Increment(ref c[slot]);
    }

    public void Violation(string message)
    {
        if (Interlocked.Increment(ref violationCount) <= 40)
        {
            violations.Enqueue(message.Length > 1500 ? message[..1500] + "…" : message);
        }
    }

    public string Report() => string.Join("\n", violations);

    public IEnumerable<string> Lines(string title)
    {
        var all = counts.OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        var sum = new long[6];
        foreach (var (_, c) in all)
        {
            for (var i = 0; i < 6; i++)
            {
                sum[i] += c[i];
            }
        }
        yield return $"{title}: {sum[0]} requests, 2xx {sum[1]}, 3xx {sum[2]}, 4xx {sum[3]}, 501 {sum[4]}, other 5xx {sum[5]}, violations {violationCount}";
        foreach (var (name, c) in all)
        {
            yield return $"  {name,-26} {c[0],6} sent | 2xx {c[1],5} | 3xx {c[2],4} | 4xx {c[3],5} | 501 {c[4],3} | 5xx {c[5],3}";
        }
    }
}

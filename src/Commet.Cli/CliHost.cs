using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Commet.Cli;

/// <summary>What a command talks to: its output, its input and the environment (tests pass their own).</summary>
public sealed class CliHost(TextWriter output, TextWriter error, TextReader input, Func<string, string?> environment, bool inputRedirected)
{
    public TextWriter Out { get; } = output;

    public TextWriter Err { get; } = error;

    public TextReader In { get; } = input;

    public bool InputRedirected { get; } = inputRedirected;

    public string? Env(string name) => environment(name) is { Length: > 0 } v ? v : null;

    /// <summary>A custom HTTP handler for the SDK (tests); null uses the SDK's shared client.</summary>
    public HttpMessageHandler? Handler { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>A plain table: a header row, then one row per item, columns padded to their widest cell.</summary>
    public void WriteTable(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var all = rows.Select(r => r.Select(c => c ?? "").ToArray()).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        Out.WriteLine(string.Join("  ", headers.Select((h, i) => h.ToUpperInvariant().PadRight(widths[i]))).TrimEnd());
        foreach (var r in all)
        {
            Out.WriteLine(string.Join("  ", r.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }
    }

    /// <summary>Minor units as money: 4900 → 49.00.</summary>
    public static string Money(long minor) =>
        (minor < 0 ? "-" : "") + (Math.Abs(minor) / 100).ToString("#,0", CultureInfo.InvariantCulture) + "." + (Math.Abs(minor) % 100).ToString("00", CultureInfo.InvariantCulture);

    /// <summary>Rate scale (10000 = 1.00) as money, with as many decimals as it needs (at least two).</summary>
    public static string Rate(long rate)
    {
        var value = rate / 10000m;
        var text = value.ToString("0.00##", CultureInfo.InvariantCulture);
        return text;
    }
}

/// <summary>A failure the command line explains itself (bad input, no profile); exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);

namespace Commet.Server.Tests.Infrastructure;

/// <summary>
/// The figures of the multi-node and crash suites (requests sent, faults injected, 5xx seen, duplicates found): one
/// line per test, written to the test output and appended to <c>COMMET_RELIABILITY_OUT</c> when test.sh sets it.
/// </summary>
public static class ReliabilityFigures
{
    /// <summary>
    /// Scale of the suites: <c>COMMET_RELIABILITY_SCALE</c> (default 1). The CI sizes are those at scale 1; a larger
    /// value multiplies the subscriptions, customers and events of every test (the billing crash run is 10,000 subscriptions at scale 1).
    /// </summary>
    public static int Scale => int.TryParse(Environment.GetEnvironmentVariable("COMMET_RELIABILITY_SCALE"), out var s) && s > 0 ? s : 1;

    public static async Task WriteAsync(Xunit.Abstractions.ITestOutputHelper output, string test, IEnumerable<(string Name, object Value)> figures)
    {
        var line = $"{test}: " + string.Join(", ", figures.Select(f => $"{f.Name} {f.Value}"));
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("COMMET_RELIABILITY_OUT") is { Length: > 0 } file)
        {
            await File.AppendAllLinesAsync(file, [line]);
        }
    }
}

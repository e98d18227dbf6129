using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Commet.Server.Tests.Events;

/// <summary>
/// Recorded event data against the data types @commet/node 7.10.0 declares (Events/webhook-fields.json, generated
/// from the SDK) and the deviations docs/decisions.md lists: the check EventCatalogueTests and the tests of single
/// events share.
/// </summary>
public static partial class SdkShapes
{
    /// <summary>Every way the events differ from what the SDK declares (empty: they match).</summary>
    public static List<string> Problems(IEnumerable<(string Type, JsonObject Data)> events)
    {
        var declared = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Events", "webhook-fields.json")))!.AsObject();
        var allowed = Deviations();
        var problems = new List<string>();
        foreach (var (type, data) in events)
        {
            if (declared[type] is not JsonObject fields)
            {
                if (!allowed.Contains(("event", type, "")))
                {
                    problems.Add($"{type}: not an event the SDK declares");
                }
                continue;
            }
            foreach (var (name, kind) in fields)
            {
                var present = data.ContainsKey(name);
                var isNull = present && data[name] is null;
                var how = kind!.GetValue<string>();
                if (how != "optional" && !present)
                {
                    problems.Add($"{type}: {name} is missing");
                }
                else if (how == "required" && isNull && !allowed.Contains(("null", type, name)))
                {
                    problems.Add($"{type}: {name} is null");
                }
                else if (how == "optional" && isNull)
                {
                    problems.Add($"{type}: {name} is null (the SDK wants it left out)");
                }
            }
            problems.AddRange(data.Select(p => p.Key).Where(k => !fields.ContainsKey(k) && !allowed.Contains(("extra", type, k)))
                .Select(k => $"{type}: {k} is not declared"));
        }
        return problems.Distinct().ToList();
    }

    /// <summary>The deviations docs/decisions.md lists: (kind, event, field) for lines "- kind: `event` `field`, `field` — reason".</summary>
    private static HashSet<(string Kind, string Event, string Field)> Deviations()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Commet.slnx")))
        {
            dir = dir.Parent;
        }
        var text = File.ReadAllText(Path.Combine(dir!.FullName, "docs", "decisions.md"));
        var section = text[text.IndexOf("## Webhook event payloads", StringComparison.Ordinal)..];
        var set = new HashSet<(string, string, string)>();
        foreach (Match line in DeviationLine().Matches(section))
        {
            var kind = line.Groups[1].Value;
            var names = Regex.Matches(line.Groups[2].Value, "`([^`]+)`").Select(m => m.Groups[1].Value).ToList();
            if (kind == "event")
            {
                set.Add((kind, names[0], ""));
            }
            foreach (var field in names.Skip(1))
            {
                set.Add((kind, names[0], field));
            }
        }
        if (set.Count == 0)
        {
            throw new InvalidOperationException("docs/decisions.md lists no event deviations; the section was not found.");
        }
        return set;
    }

    [GeneratedRegex(@"^- (event|extra|null): ((?:`[^`]+`[ ,]*)+)", RegexOptions.Multiline)]
    private static partial Regex DeviationLine();
}

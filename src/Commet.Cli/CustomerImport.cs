using System.Text;
using Commet.Models;

namespace Commet.Cli;

/// <summary>
/// <c>commet customers import</c>: rows go in batches of 100 through the batch API. Rows that fail (here or on the server)
/// are reported with their line numbers; the server answers an ID it already has with the existing customer, so a
/// run that stopped half-way can be run again.
/// </summary>
internal static class CustomerImport
{
    private const int BatchSize = 100;

    private static readonly string[] Known = ["id", "externalId", "email", "fullName", "taxDocument", "timezone", "line1", "line2", "city", "state", "postalCode", "country", "region"];

    public static async Task<int> RunAsync(CliApp.Session s, string path, CancellationToken ct)
    {
        var host = s.Host;
        if (!File.Exists(path))
        {
            throw new CliException($"{path} not found.");
        }
        var lines = Csv.Read(await File.ReadAllTextAsync(path, ct));
        if (lines.Count == 0)
        {
            throw new CliException($"{path} is empty: the first row names the fields ({string.Join(", ", Known)}).");
        }
        var header = lines[0].Fields;
        var unknown = header.Where(h => !Known.Contains(h, StringComparer.OrdinalIgnoreCase) && !h.StartsWith("metadata.", StringComparison.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new CliException($"{path}: unknown column(s) {string.Join(", ", unknown)}; the columns are {string.Join(", ", Known)} and metadata.<key>.");
        }

        var failures = new List<(int Line, string Reason)>();
        var rows = new List<(int Line, CreateCustomerRequest Request)>();
        foreach (var (line, fields) in lines.Skip(1))
        {
            if (fields.Count != header.Count)
            {
                failures.Add((line, $"{fields.Count} field(s) where the header has {header.Count}"));
                continue;
            }
            rows.Add((line, ToRequest(header, fields)));
        }

        var created = 0;
        var commet = s.Client();
        for (var start = 0; start < rows.Count; start += BatchSize)
        {
            var batch = rows.Skip(start).Take(BatchSize).ToList();
            var result = await commet.Customers.CreateBatchAsync(new BatchCreateCustomersRequest { Customers = batch.Select(b => b.Request).ToList() }, ct);
            created += result.Successful.Count;
            failures.AddRange(result.Failed.Select(f => (batch[f.Index].Line, f.Error)));
            if (!s.Json)
            {
                var done = Math.Min(start + BatchSize, rows.Count);
                var width = 30;
                var filled = rows.Count == 0 ? width : done * width / rows.Count;
                host.Err.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{rows.Count}");
            }
        }
        if (!s.Json && rows.Count > 0)
        {
            host.Err.WriteLine();
        }

        failures.Sort((a, b) => a.Line.CompareTo(b.Line));
        if (s.Json)
        {
            host.WriteJson(new { imported = created, failed = failures.Select(f => new { line = f.Line, reason = f.Reason }) });
        }
        else
        {
            host.Out.WriteLine($"{created} customer(s) imported or already present, {failures.Count} row(s) failed.");
            foreach (var (line, reason) in failures)
            {
                host.Out.WriteLine($"  line {line}: {reason}");
            }
        }
        return failures.Count == 0 ? 0 : 1;
    }

    private static CreateCustomerRequest ToRequest(List<string> header, List<string> fields)
    {
        string? Get(string name)
        {
            var i = header.FindIndex(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
            return i < 0 || fields[i].Length == 0 ? null : fields[i];
        }
        var request = new CreateCustomerRequest
        {
            Id = Get("id"), ExternalId = Get("externalId"), Email = Get("email") ?? "", FullName = Get("fullName"),
            TaxDocument = Get("taxDocument"), Timezone = Get("timezone"),
        };
        if (Get("line1") is not null || Get("city") is not null || Get("country") is not null || Get("postalCode") is not null)
        {
            request.Address = new Address
            {
                Line1 = Get("line1") ?? "", Line2 = Get("line2"), City = Get("city") ?? "", State = Get("state"),
                PostalCode = Get("postalCode") ?? "", Country = Get("country") ?? "", Region = Get("region"),
            };
        }
        for (var i = 0; i < header.Count; i++)
        {
            if (header[i].StartsWith("metadata.", StringComparison.Ordinal) && fields[i].Length > 0)
            {
                request.Metadata ??= [];
                request.Metadata[header[i]["metadata.".Length..]] = fields[i];
            }
        }
        return request;
    }
}

/// <summary>RFC 4180 CSV: quoted fields with doubled quotes and line breaks inside; each record keeps the line it starts on.</summary>
internal static class Csv
{
    public static List<(int Line, List<string> Fields)> Read(string text)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var startLine = 1;
        var quoted = false;
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') { quoted = false; }
                else { if (ch == '\n') line++; field.Append(ch); }
                continue;
            }
            switch (ch)
            {
                case '"': quoted = true; any = true; break;
                case ',': fields.Add(field.ToString().Trim()); field.Clear(); any = true; break;
                case '\r': break;
                case '\n':
                    if (any || field.Length > 0) { fields.Add(field.ToString().Trim()); records.Add((startLine, fields)); }
                    fields = []; field.Clear(); any = false; line++; startLine = line;
                    break;
                default: field.Append(ch); any = true; break;
            }
        }
        if (any || field.Length > 0)
        {
            fields.Add(field.ToString().Trim());
            records.Add((startLine, fields));
        }
        return records;
    }
}

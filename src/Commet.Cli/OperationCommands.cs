using System.CommandLine;
using System.Globalization;
using Commet.Models;

namespace Commet.Cli;

/// <summary>Customers, portal links, the test clock, usage, invoices and webhook endpoints.</summary>
internal static class OperationCommands
{
    public static void Add(RootCommand root, CliHost host, CliApp.ActionBinder action)
    {
        var customers = new Command("customers", "List, show and import customers.");
        var csv = new Argument<string>("file") { Description = "A CSV file whose header row names the customer fields (id, email, fullName, timezone, line1, city, postalCode, country, …)." };
        var import = new Command("import", "Create customers from a CSV file through the batch API (rows already there are left as they are, so a run can be repeated).") { csv };
        action(import, host, (s, ct) => CustomerImport.RunAsync(s, s.Parse.GetValue(csv)!, ct));
        customers.Subcommands.Add(import);

        var limit = new Option<int>("--limit") { Description = "At most this many.", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List customers.") { limit };
        action(list, host, async (s, ct) =>
        {
            var items = await s.Client().Customers.ListAsync(cancellationToken: ct).Take(s.Parse.GetValue(limit)).ToListAsync(ct);
            Print(s, items, ["id", "email", "name", "created"], c => [c.ExternalId ?? c.Id, c.Email, c.FullName, c.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)]);
            return 0;
        });
        customers.Subcommands.Add(list);

        var customerId = new Argument<string>("customer") { Description = "The customer's ID (yours or cus_…)." };
        var get = new Command("get", "Show one customer.") { customerId };
        action(get, host, async (s, ct) =>
        {
            var c = await s.Client().Customers.GetAsync(s.Parse.GetValue(customerId)!, ct);
            Print(s, [c], ["id", "commet id", "email", "name", "timezone"], x => [x.ExternalId, x.Id, x.Email, x.FullName, x.Timezone]);
            return 0;
        });
        customers.Subcommands.Add(get);
        root.Subcommands.Add(customers);

        var portalCustomer = new Argument<string>("customer") { Description = "The customer's ID." };
        var portal = new Command("portal-url", "Print a one-time Customer Portal link for a customer.") { portalCustomer };
        action(portal, host, async (s, ct) =>
        {
            var url = await s.Client().Portal.GetUrlAsync(s.Parse.GetValue(portalCustomer)!, cancellationToken: ct);
            if (s.Json)
            {
                host.WriteJson(new { url });
            }
            else
            {
                host.Out.WriteLine(url);
            }
            return 0;
        });
        root.Subcommands.Add(portal);

        var days = new Option<int>("--days") { Description = "Days to move the sandbox clock forward.", Required = true };
        var advance = new Command("advance", "Move the sandbox test clock forward and run billing.") { days };
        action(advance, host, async (s, ct) =>
        {
            var commet = s.Client();
            var clock = await commet.TestClock.AdvanceAsync(new AdvanceTestClockRequest { AdvanceDays = s.Parse.GetValue(days) }, ct);
            var billing = await commet.TestClock.ProcessBillingAsync(ct);
            if (s.Json)
            {
                host.WriteJson(new { clock, billing });
            }
            else
            {
                host.Out.WriteLine($"Test clock advanced by {s.Parse.GetValue(days)} day(s); billing ran.");
            }
            return 0;
        });
        root.Subcommands.Add(new Command("test-clock", "The sandbox test clock.") { advance });

        var usageCustomer = new Option<string>("--customer") { Required = true, Description = "The customer's ID." };
        var usageFeature = new Option<string>("--feature") { Required = true, Description = "The usage feature's code." };
        var usageValue = new Option<decimal>("--value") { DefaultValueFactory = _ => 1m, Description = "How many units (default 1)." };
        var track = new Command("track", "Record usage for a customer.") { usageCustomer, usageFeature, usageValue };
        action(track, host, async (s, ct) =>
        {
            var e = await s.Client().Usage.TrackAsync(new TrackUsageRequest
            {
                CustomerId = s.Parse.GetValue(usageCustomer)!, Feature = s.Parse.GetValue(usageFeature)!, Value = s.Parse.GetValue(usageValue),
            }, ct);
            if (s.Json)
            {
                host.WriteJson(e);
            }
            else
            {
                host.Out.WriteLine($"Tracked {s.Parse.GetValue(usageValue).ToString(CultureInfo.InvariantCulture)} {s.Parse.GetValue(usageFeature)} for {s.Parse.GetValue(usageCustomer)}.");
            }
            return 0;
        });
        root.Subcommands.Add(new Command("usage", "Usage events.") { track });

        var invoiceId = new Argument<string>("invoice") { Description = "The invoice's ID." };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the PDF (default: <invoice>.pdf)." };
        var download = new Command("download", "Download an invoice's PDF.") { invoiceId, output };
        action(download, host, async (s, ct) =>
        {
            var id = s.Parse.GetValue(invoiceId)!;
            var path = s.Parse.GetValue(output) ?? id + ".pdf";
            await using (var pdf = await s.Client().Invoices.DownloadPdfAsync(id, ct))
            await using (var file = File.Create(path))
            {
                await pdf.CopyToAsync(file, ct);
            }
            host.Out.WriteLine(s.Json ? System.Text.Json.JsonSerializer.Serialize(new { file = Path.GetFullPath(path) }) : $"Wrote {Path.GetFullPath(path)}.");
            return 0;
        });
        root.Subcommands.Add(new Command("invoices", "Invoices.") { download });

        var hooksList = new Command("list", "List webhook endpoints.");
        action(hooksList, host, async (s, ct) =>
        {
            var items = await s.Client().Webhooks.ListAsync(cancellationToken: ct).ToListAsync(ct);
            Print(s, items, ["id", "url", "active", "events"], w => [w.Id, w.Url, w.IsActive ? "yes" : "no", string.Join(",", w.Events)]);
            return 0;
        });
        var endpointId = new Argument<string>("endpoint") { Description = "The webhook endpoint's ID." };
        var hooksTest = new Command("test", "Send a test event to a webhook endpoint.") { endpointId };
        action(hooksTest, host, async (s, ct) =>
        {
            var result = await s.Client().Webhooks.TestAsync(s.Parse.GetValue(endpointId)!, ct);
            if (s.Json)
            {
                host.WriteJson(result);
            }
            else
            {
                host.WriteTable(["delivery", "success", "status", "error"], [[result.DeliveryId, result.Success ? "yes" : "no", result.StatusCode?.ToString(CultureInfo.InvariantCulture), result.Error]]);
            }
            return result.Success ? 0 : 1;
        });
        root.Subcommands.Add(new Command("webhooks", "Webhook endpoints.") { hooksList, hooksTest });
    }

    private static void Print<T>(CliApp.Session s, IReadOnlyList<T> items, string[] headers, Func<T, string?[]> row)
    {
        if (s.Json)
        {
            s.Host.WriteJson(items);
        }
        else
        {
            s.Host.WriteTable(headers, items.Select(row));
        }
    }
}

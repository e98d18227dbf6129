using Commet.Domain.Billing;
using Commet.Server.Customers;
using Commet.Server.Dashboard;
using Commet.Server.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>Billing events, newest first, a page at a time by cursor: each with its payload and the webhook deliveries made of it. Read-only.</summary>
public sealed class EventsModel : DashboardPageModel
{
    public const int PageSize = 50;

    public override string Section => "events";

    public string? Type { get; private set; }

    public string? CustomerFilter { get; private set; }

    public IReadOnlyList<BillingEvent> Items { get; private set; } = [];

    public ILookup<string, WebhookDelivery> Deliveries { get; private set; } = Array.Empty<WebhookDelivery>().ToLookup(d => d.EventId!);

    public string? NextCursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? type, string? customer, string? cursor)
    {
        var page = PageRequest.From(PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), cursor);
        if (!page.IsSuccess)
        {
            return BadRequest();
        }
        Type = string.IsNullOrWhiteSpace(type) ? null : type.Trim()[..Math.Min(type.Trim().Length, 100)];
        CustomerFilter = string.IsNullOrWhiteSpace(customer) ? null : customer.Trim();
        var query = Db.Events.AsNoTracking();
        if (CustomerFilter is not null)
        {
            var found = CustomerFilter.Length > 255 ? null : await CustomerRules.FindAsync(Db, CustomerFilter, Ct);
            if (found is null)
            {
                Problem = $"No customer '{CustomerFilter}' here.";
                return Page();
            }
            query = query.Where(e => e.CustomerId == found.Id);
        }
        if (Type is not null)
        {
            query = query.Where(e => e.Type == Type);
        }
        var result = await query.ToPageAsync(page.Value, Ct);
        Items = result.Items;
        NextCursor = result.NextCursor;
        var ids = Items.Select(e => e.Id).ToList();
        Deliveries = (await Db.WebhookDeliveries.AsNoTracking().Where(d => d.EventId != null && ids.Contains(d.EventId)).OrderBy(d => d.Id).ToListAsync(Ct))
            .ToLookup(d => d.EventId!);
        return Page();
    }

    public string NextLink() =>
        Path("events") + "?cursor=" + Uri.EscapeDataString(NextCursor ?? "")
        + (Type is null ? "" : "&type=" + Uri.EscapeDataString(Type))
        + (CustomerFilter is null ? "" : "&customer=" + Uri.EscapeDataString(CustomerFilter));

    /// <summary>The stored payload, indented for reading.</summary>
    public static string Pretty(string json)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return System.Text.Json.JsonSerializer.Serialize(doc.RootElement, Indented);
        }
        catch (System.Text.Json.JsonException)
        {
            return json;
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };
}

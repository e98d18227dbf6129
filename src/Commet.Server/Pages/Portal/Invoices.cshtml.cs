using Commet.Domain.Billing;
using Commet.Server.Portal;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Portal;

/// <summary>Every invoice of this customer, newest first, filtered by status and year (in the customer's time zone).</summary>
public sealed class InvoicesModel : PortalPageModel
{
    public const int PageSize = 50;

    /// <summary>The statuses a customer can filter by, in the filter's order.</summary>
    public static readonly IReadOnlyList<string> Statuses = [InvoiceStatus.Paid, InvoiceStatus.Outstanding, InvoiceStatus.Void, InvoiceStatus.Uncollectible];

    public override PortalSection Section => PortalSection.Invoices;

    public IReadOnlyList<Invoice> Invoices { get; private set; } = [];

    public bool HasMore { get; private set; }

    public string? Before { get; private set; }

    public string? Status { get; private set; }

    public int? Year { get; private set; }

    /// <summary>The years the customer has invoices in, newest first (for the filter).</summary>
    public IReadOnlyList<int> Years { get; private set; } = [];

    public bool Filtered => Status is not null || Year is not null;

    public async Task OnGetAsync(string? before, string? status, int? year)
    {
        var all = Portal.Db.Invoices.AsNoTracking().Where(i => i.CustomerId == Portal.Customer.Id && i.Status != InvoiceStatus.Draft);
        var zone = Portal.Format;
        var first = await all.OrderBy(i => i.IssueDate).Select(i => (DateTime?)i.IssueDate).FirstOrDefaultAsync(Ct);
        var last = await all.OrderByDescending(i => i.IssueDate).Select(i => (DateTime?)i.IssueDate).FirstOrDefaultAsync(Ct);
        if (first is { } f && last is { } l)
        {
            var (from, to) = (zone.Local(f).Year, zone.Local(l).Year);
            Years = Enumerable.Range(from, Math.Max(0, to - from) + 1).Reverse().ToList();
        }
        Status = status is not null && Statuses.Contains(status) ? status : null;
        Year = year is { } y && Years.Contains(y) ? y : null;
        var query = all;
        if (Status is { } st)
        {
            query = query.Where(i => i.Status == st);
        }
        if (Year is { } yr)
        {
            // The year as the customer reads dates: midnight on 1 January in their time zone, in UTC.
            var start = TimeZoneInfo.ConvertTimeToUtc(new DateTime(yr, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), zone.Zone);
            var end = TimeZoneInfo.ConvertTimeToUtc(new DateTime(yr + 1, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), zone.Zone);
            query = query.Where(i => i.IssueDate >= start && i.IssueDate < end);
        }
        if (!string.IsNullOrEmpty(before))
        {
            query = query.Where(i => string.Compare(i.Id, before) < 0);
        }
        var rows = await query.OrderByDescending(i => i.Id).Take(PageSize + 1).ToListAsync(Ct);
        HasMore = rows.Count > PageSize;
        Invoices = rows.Take(PageSize).ToList();
        Before = HasMore ? Invoices[^1].Id : null;
    }

    /// <summary>The link to the next page, keeping the filter.</summary>
    public string OlderLink => "/portal/invoices?before=" + Uri.EscapeDataString(Before ?? "")
        + (Status is null ? "" : "&status=" + Status) + (Year is null ? "" : "&year=" + Year);
}

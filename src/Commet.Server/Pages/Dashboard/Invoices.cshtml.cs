using Commet.Domain.Billing;
using Commet.Server.Customers;
using Commet.Server.Dashboard;
using Commet.Server.Http;
using Commet.Server.Invoices;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>Invoices, newest first, a page at a time by cursor (the API's pagination), filtered by status and customer as the API's list is.</summary>
public sealed class InvoicesModel : DashboardPageModel
{
    public const int PageSize = 50;

    public override string Section => "invoices";

    public string? Status { get; private set; }

    public string? CustomerFilter { get; private set; }

    public IReadOnlyList<Invoice> Items { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public static IReadOnlyList<string> Statuses => InvoiceEndpoints.Statuses;

    public async Task<IActionResult> OnGetAsync(string? status, string? customer, string? cursor)
    {
        var page = PageRequest.From(PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), cursor);
        if (!page.IsSuccess)
        {
            return BadRequest();
        }
        Status = string.IsNullOrEmpty(status) ? null : status;
        CustomerFilter = string.IsNullOrWhiteSpace(customer) ? null : customer.Trim();
        if (Status is not null && !Statuses.Contains(Status))
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Problem = $"status must be one of {string.Join(", ", Statuses)}.";
            return Page();
        }
        var query = Db.Invoices.AsNoTracking();
        if (CustomerFilter is not null)
        {
            var found = CustomerFilter.Length > 255 ? null : await CustomerRules.FindAsync(Db, CustomerFilter, Ct);
            if (found is null)
            {
                Problem = $"No customer '{CustomerFilter}' here.";
                return Page();
            }
            query = query.Where(i => i.CustomerId == found.Id);
        }
        if (Status is not null)
        {
            query = query.Where(i => i.Status == Status);
        }
        var result = await query.ToPageAsync(page.Value, Ct);
        Items = result.Items;
        NextCursor = result.NextCursor;
        return Page();
    }

    public string NextLink() =>
        Path("invoices") + "?cursor=" + Uri.EscapeDataString(NextCursor ?? "")
        + (Status is null ? "" : "&status=" + Uri.EscapeDataString(Status))
        + (CustomerFilter is null ? "" : "&customer=" + Uri.EscapeDataString(CustomerFilter));
}

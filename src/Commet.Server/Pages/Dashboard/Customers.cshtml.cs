using Commet.Domain;
using Commet.Server.Dashboard;
using Commet.Server.Http;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// Customers, newest first, a page at a time by cursor (the API's pagination). The search matches our ID, the
/// merchant's ID or the email exactly, or a part of the email or name (case-insensitive).
/// </summary>
public sealed class CustomersModel : DashboardPageModel
{
    public const int PageSize = 50;

    public override string Section => "customers";

    public string? Query { get; private set; }

    public IReadOnlyList<Customer> Items { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? q, string? cursor)
    {
        var page = PageRequest.From(PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), cursor);
        if (!page.IsSuccess)
        {
            return BadRequest();
        }
        Query = string.IsNullOrWhiteSpace(q) ? null : q.Trim()[..Math.Min(q.Trim().Length, 255)];
        var query = Db.Customers.AsQueryable();
        if (Query is not null)
        {
            var exact = Query;
            var lower = Query.ToLowerInvariant();
#pragma warning disable CA1862 // EF translates ToLower to SQL lower(); string.Equals with a comparison is not translatable.
            query = query.Where(c => c.Id == exact || c.ExternalId == exact || c.Email == exact
                || c.Email.ToLower().Contains(lower) || (c.FullName != null && c.FullName.ToLower().Contains(lower)));
#pragma warning restore CA1862
        }
        var result = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(query).ToPageAsync(page.Value, Ct);
        Items = result.Items;
        NextCursor = result.NextCursor;
        return Page();
    }
}

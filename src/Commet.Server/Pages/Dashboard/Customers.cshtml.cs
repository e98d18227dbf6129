using Commet.Domain;
using Commet.Server.Customers;
using Commet.Server.Dashboard;
using Commet.Server.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// Customers, newest first, a page at a time by cursor (the API's pagination). The search matches our ID, the
/// merchant's ID or the email exactly (through their indexes; when one matches, that is the answer), else a part of
/// the email or name (case-insensitive, which reads every customer of the organization and mode). Owners, admins and
/// support create a customer here with the API's create customer.
/// </summary>
public sealed class CustomersModel(TimeProvider clock) : DashboardPageModel
{
    public const int PageSize = 50;

    public override string Section => "customers";

    public string? Query { get; private set; }

    public IReadOnlyList<Customer> Items { get; private set; } = [];

    public string? NextCursor { get; private set; }

    /// <summary>What was typed into the new-customer form, shown again with its errors.</summary>
    public Dictionary<string, string?> Entered { get; } = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync(string? q, string? cursor)
    {
        var page = PageRequest.From(PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), cursor);
        if (!page.IsSuccess)
        {
            return BadRequest();
        }
        Query = string.IsNullOrWhiteSpace(q) ? null : q.Trim()[..Math.Min(q.Trim().Length, 255)];
        var query = Db.Customers.AsNoTracking();
        if (Query is not null)
        {
            var exact = Query;
            if (cursor is null)
            {
                // Our ID, your ID or the email exactly: found through their indexes, without reading every customer.
                var hits = await query.Where(c => c.Id == exact || c.ExternalId == exact || c.Email == exact)
                    .OrderByDescending(c => c.Id).Take(PageSize).ToListAsync(Ct);
                if (hits.Count > 0)
                {
                    Items = hits;
                    return Page();
                }
            }
            var lower = Query.ToLowerInvariant();
#pragma warning disable CA1862 // EF translates ToLower to SQL lower(); string.Equals with a comparison is not translatable.
            query = query.Where(c => c.Id == exact || c.ExternalId == exact || c.Email == exact
                || c.Email.ToLower().Contains(lower) || (c.FullName != null && c.FullName.ToLower().Contains(lower)));
#pragma warning restore CA1862
        }
        var result = await query.ToPageAsync(page.Value, Ct);
        Items = result.Items;
        NextCursor = result.NextCursor;
        return Page();
    }

    /// <summary>A new customer (the API's create customer: same checks; an ID of yours that exists returns that customer).</summary>
    [Requires(Capability.CustomerActions)]
    public async Task<IActionResult> OnPostCreateAsync(string? email, string? fullName, string? externalId)
    {
        var result = await CreateCustomer.HandleAsync(new CreateCustomerRequest
        {
            Email = email?.Trim(),
            FullName = string.IsNullOrWhiteSpace(fullName) ? null : fullName.Trim(),
            ExternalId = string.IsNullOrWhiteSpace(externalId) ? null : externalId.Trim(),
        }, Db, Caller, clock, Ct);
        if (!result.IsSuccess)
        {
            Db.ChangeTracker.Clear();
            var page = await OnGetAsync(null, null);
            Entered["email"] = email;
            Entered["fullName"] = fullName;
            Entered["externalId"] = externalId;
            Errors = DashboardText.Fields(result.Error!);
            Response.StatusCode = result.Error!.Status;
            Problem = DashboardText.Describe(result.Error);
            return page;
        }
        var customer = result.Value.Customer;
        if (result.Value.Created)
        {
            await AuditAsync(AuditActions.CustomerCreated, customer.Id);
        }
        return Redirect(Path("customers/" + Uri.EscapeDataString(customer.Id)) + (result.Value.Created ? "?created=1" : ""));
    }
}

using System.Globalization;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Customers;
using Commet.Server.Dashboard;
using Commet.Server.Http;
using Commet.Server.Invoices;
using Commet.Server.Transactions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// Payment transactions, newest first, a page at a time by cursor (the API's pagination): filtered by status (the API's
/// list of statuses), by the type of invoice they pay, by customer (ID or your ID) and by the day they were created
/// (UTC, both ends included). Each links to its invoice and the invoice's PDF. Read-only; refunds are on the invoice.
/// </summary>
public sealed class TransactionsModel(InvoiceLinks links) : DashboardPageModel
{
    public const int PageSize = 50;

    public static readonly string[] Types =
    [
        InvoiceTypes.Recurring, InvoiceTypes.PlanChange, InvoiceTypes.Adjustment, InvoiceTypes.CreditPurchase, InvoiceTypes.BalanceTopup,
        InvoiceTypes.AddonActivation, InvoiceTypes.Reactivation, InvoiceTypes.OneTimePayment,
    ];

    public override string Section => "transactions";

    public static IReadOnlyList<string> Statuses => TransactionEndpoints.Statuses;

    public string? Status { get; private set; }

    public string? Type { get; private set; }

    public string? CustomerFilter { get; private set; }

    public string? From { get; private set; }

    public string? To { get; private set; }

    public IReadOnlyList<PaymentTransaction> Items { get; private set; } = [];

    /// <summary>The invoices the listed transactions pay, by ID (number and type).</summary>
    public IReadOnlyDictionary<string, Invoice> Invoices { get; private set; } = new Dictionary<string, Invoice>();

    public IReadOnlyDictionary<string, Customer> Customers { get; private set; } = new Dictionary<string, Customer>();

    public string? NextCursor { get; private set; }

    /// <summary>The cursor of the newer page (null on the newest).</summary>
    public string? NewerCursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? status, string? type, string? customer, string? from, string? to, string? cursor, string? before)
    {
        if (!DashboardPaging.Valid(cursor, before))
        {
            return BadRequest();
        }
        Status = string.IsNullOrEmpty(status) ? null : status;
        Type = string.IsNullOrEmpty(type) ? null : type;
        CustomerFilter = string.IsNullOrWhiteSpace(customer) ? null : customer.Trim();
        From = string.IsNullOrWhiteSpace(from) ? null : from.Trim();
        To = string.IsNullOrWhiteSpace(to) ? null : to.Trim();
        var check = new Check().OneOf("status", Status, Statuses, required: false).OneOf("type", Type, Types, required: false);
        var fromDay = Day(check, "from", From);
        var toDay = Day(check, "to", To);
        if (!check.Failed && fromDay is { } f && toDay is { } t && t < f)
        {
            check.Add("to", "to must not be before from.");
        }
        if (check.Failed)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Problem = DashboardText.Describe(check.ToError());
            return Page();
        }

        var query = Db.Transactions.AsNoTracking();
        if (CustomerFilter is not null)
        {
            var found = CustomerFilter.Length > 255 ? null : await CustomerRules.FindAsync(Db, CustomerFilter, Ct);
            if (found is null)
            {
                Problem = $"No customer '{CustomerFilter}' here.";
                return Page();
            }
            query = query.Where(x => x.CustomerId == found.Id);
        }
        if (Status is not null)
        {
            query = query.Where(x => x.Status == Status);
        }
        if (Type is not null)
        {
            var ofType = Db.Invoices.Where(i => i.Type == Type).Select(i => i.Id);
            query = query.Where(x => x.InvoiceId != null && ofType.Contains(x.InvoiceId));
        }
        if (fromDay is { } start)
        {
            var since = start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(x => x.CreatedAt >= since);
        }
        if (toDay is { } end)
        {
            var dayAfter = end.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(x => x.CreatedAt < dayAfter);
        }
        var result = await DashboardPaging.ReadAsync(query, PageSize, cursor, before, Ct);
        Items = result.Items;
        NextCursor = result.OlderCursor;
        NewerCursor = result.NewerCursor;
        var invoiceIds = Items.Where(x => x.InvoiceId != null).Select(x => x.InvoiceId!).Distinct().ToList();
        Invoices = await Db.Invoices.AsNoTracking().Where(i => invoiceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, Ct);
        var customerIds = Items.Select(x => x.CustomerId).Distinct().ToList();
        Customers = await Db.Customers.AsNoTracking().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, Ct);
        return Page();
    }

    /// <summary>A signed link to the invoice's PDF (the API's download link).</summary>
    public string PdfUrl(string invoiceId) => links.Create(new Tenant(Organization.Id, Livemode), invoiceId, BillingScopes.BaseUrlOf(Request)).Url;

    public string NextLink() => Link("cursor", NextCursor);

    public string NewerLink() => Link("before", NewerCursor);

    private string Link(string name, string? value) =>
        Path("transactions") + "?" + name + "=" + Uri.EscapeDataString(value ?? "")
        + (Status is null ? "" : "&status=" + Uri.EscapeDataString(Status))
        + (Type is null ? "" : "&type=" + Uri.EscapeDataString(Type))
        + (CustomerFilter is null ? "" : "&customer=" + Uri.EscapeDataString(CustomerFilter))
        + (From is null ? "" : "&from=" + Uri.EscapeDataString(From))
        + (To is null ? "" : "&to=" + Uri.EscapeDataString(To));

    private static DateOnly? Day(Check check, string field, string? typed)
    {
        if (typed is null)
        {
            return null;
        }
        if (!DateOnly.TryParseExact(typed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            check.Add(field, $"{field} must be a date like 2026-01-31.");
            return null;
        }
        return day;
    }
}

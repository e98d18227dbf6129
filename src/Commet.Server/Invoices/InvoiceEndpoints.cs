using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Customers;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Invoices;

public static class InvoiceEndpoints
{
    public static readonly string[] Statuses =
        [InvoiceStatus.Draft, InvoiceStatus.Outstanding, InvoiceStatus.Paid, InvoiceStatus.Void, InvoiceStatus.Uncollectible];

    public static void MapInvoices(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/invoices").WithTags("Invoices");

        group.MapGet("/", async Task<Results<ApiPage<InvoiceDto>, ApiInvalid, ApiNotFound>> (string? customerId, string? status, string? subscriptionId, string? limit, string? cursor, CommetDb db, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Answer.Invalid(page.Error);
            }
            var check = new Check().OneOf("status", string.IsNullOrEmpty(status) ? null : status, Statuses, required: false)
                .MaxLength("subscriptionId", subscriptionId, 100);
            if (check.Failed)
            {
                return Answer.Invalid(check.ToError());
            }
            var query = db.Invoices.AsNoTracking();
            if (!string.IsNullOrEmpty(customerId))
            {
                var customer = await CustomerRules.FindAsync(db, customerId, ct);
                if (customer is null)
                {
                    return Answer.NotFound(CustomerRules.NotFound(customerId));
                }
                query = query.Where(i => i.CustomerId == customer.Id);
            }
            if (!string.IsNullOrEmpty(status))
            {
                query = query.Where(i => i.Status == status);
            }
            if (!string.IsNullOrEmpty(subscriptionId))
            {
                query = query.Where(i => i.SubscriptionId == subscriptionId);
            }
            var result = await query.ToPageAsync(page.Value, ct);
            return Answer.Page(result.Map(i => InvoiceDto.From(i, withLines: false)));
        }).WithSummary("List invoices, newest first; filter by customer (our ID or yours), status or subscription.");

        group.MapGet("/{id}", async Task<Results<ApiOk<InvoiceDto>, ApiNotFound>> (string id, CommetDb db, CancellationToken ct) =>
        {
            var invoice = await db.Invoices.AsNoTracking().Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == id, ct);
            return invoice is null ? Answer.NotFound(InvoiceErrors.NotFound(id)) : Answer.Ok(InvoiceDto.From(invoice, withLines: true));
        }).WithSummary("Get an invoice with its line items.");

        group.MapPost("/", async (Json<CreateAdjustmentRequest> body, BillingCall call, CreateAdjustment handler) =>
            await call.Run(s => handler.HandleAsync(s, body.Value, call.Ct), (_, i) => Answer.Created(CreatedInvoiceDto.From(i))))
            .WithSummary("Create a one-off adjustment invoice: positive amounts are charged to the default card if there is one; negative amounts are credit notes.");

        group.MapGet("/{id}/download", async Task<Results<ApiOk<InvoiceDownloadDto>, ApiNotFound>> (string id, CommetDb db, ApiCaller caller, InvoiceLinks links, HttpRequest request, CancellationToken ct) =>
        {
            var exists = await db.Invoices.AsNoTracking().AnyAsync(i => i.Id == id, ct);
            if (!exists)
            {
                return Answer.NotFound(InvoiceErrors.NotFound(id));
            }
            var (url, expiresAt) = links.Create(new Tenant(caller.OrganizationId, caller.Livemode), id, BillingScopes.BaseUrlOf(request));
            return Answer.Ok(new InvoiceDownloadDto(url, expiresAt, caller.Livemode));
        }).WithSummary("A signed link to the invoice PDF, valid for 7 days; no API key is needed to open it.");

        group.MapPost("/{id}/send", async (string id, BillingCall call, SendInvoice handler) =>
            await call.Run(s => handler.HandleAsync(s, id, call.Ct), (s, i) => Answer.Ok(new SentInvoiceDto(true, i.SentAt!.Value, s.Tenant.Livemode))))
            .WithSummary("Email the invoice with its PDF to the customer (through the email outbox) and record sentAt.");

        group.MapPut("/{id}/status", async (string id, Json<UpdateInvoiceStatusRequest> body, BillingCall call, UpdateInvoiceStatus handler) =>
            await call.Run(s => handler.HandleAsync(s, id, body.Value, call.Ct), (s, i) => Answer.Ok(new InvoiceStatusDto(i.Id, i.Status, i.UpdatedAt, s.Tenant.Livemode))))
            .WithSummary("Mark an outstanding invoice paid, void or uncollectible (our addition). Paid, void and uncollectible invoices are final.");
    }

    /// <summary>
    /// <c>GET /invoices/pdf/{token}</c>: the PDF behind a signed download link. Outside <c>/api</c>, because the
    /// link itself is the credential; a forged, altered or expired token is a plain 404.
    /// </summary>
    public static void MapInvoicePdf(this IEndpointRouteBuilder app)
    {
        app.MapGet("/invoices/pdf/{token}", async (string token, CommetDb db, InvoiceLinks links, HttpResponse response, CancellationToken ct) =>
        {
            var named = links.Open(token);
            if (named is null)
            {
                return LinkNotFound();
            }
            var (tenant, invoiceId) = named.Value;
            db.ScopeTo(tenant.OrganizationId, tenant.Livemode);
            var invoice = await db.Invoices.AsNoTracking().Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == invoiceId, ct);
            if (invoice is null)
            {
                return LinkNotFound();
            }
            // The invoice as issued: its frozen bill-to and seller blocks, not the customer's details of today.
            // In the customer's language (their locale, else the organization's portal default).
            var locales = await db.Customers.AsNoTracking().Where(c => c.Id == invoice.CustomerId)
                .Select(c => new { c.Locale, c.Timezone, Default = db.PortalSettings.Select(s => s.DefaultLocale).FirstOrDefault() }).FirstOrDefaultAsync(ct);
            // Dates in the customer's time zone, as the portal shows them.
            var pdf = InvoicePdf.Render(invoice, Localization.Languages.Resolve(null, locales?.Locale, null, locales?.Default),
                Portal.PortalFormat.For(locales?.Timezone).Zone);
            response.Headers.CacheControl = "private, no-store";
            response.Headers["X-Content-Type-Options"] = "nosniff";
            return Results.File(pdf, "application/pdf", InvoiceLinks.FileName(invoice.Number), enableRangeProcessing: false);
        }).ExcludeFromDescription().RequireRateLimiting(Limits.ExpensivePolicy);
    }

    private static IResult LinkNotFound() =>
        Results.Text("This invoice link is not valid or has expired. Ask for a new one.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
}

using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Transactions;

public static class TransactionEndpoints
{
    public static readonly string[] Statuses =
        [TransactionStatus.Pending, TransactionStatus.Succeeded, TransactionStatus.Failed, TransactionStatus.Refunded, "disputed"];

    public static void MapTransactions(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/transactions").WithTags("Transactions");

        group.MapGet("/", async Task<Results<ApiPage<TransactionDto>, ApiInvalid>> (string? status, string? customerEmail, string? limit, string? cursor, CommetDb db, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Answer.Invalid(page.Error);
            }
            var check = new Check().OneOf("status", string.IsNullOrEmpty(status) ? null : status, Statuses, required: false)
                .MaxLength("customerEmail", customerEmail, 320);
            if (check.Failed)
            {
                return Answer.Invalid(check.ToError());
            }
            var query = db.Transactions.AsNoTracking();
            if (!string.IsNullOrEmpty(status))
            {
                query = query.Where(t => t.Status == status);
            }
            if (!string.IsNullOrWhiteSpace(customerEmail))
            {
                // Exact match, as the customer list's email filter.
                var email = customerEmail.Trim();
                var customerIds = db.Customers.Where(c => c.Email == email).Select(c => c.Id);
                query = query.Where(t => customerIds.Contains(t.CustomerId));
            }
            var result = await query.ToPageAsync(page.Value, ct);
            var customers = await CustomersOfAsync(db, result.Items.Select(t => t.CustomerId), ct);
            return Answer.Page(result.Map(t => TransactionDto.From(t, customers.GetValueOrDefault(t.CustomerId))));
        }).WithSummary("List payment transactions, newest first; filter by status or customer email.");

        group.MapGet("/{id}", async Task<Results<ApiOk<TransactionDto>, ApiNotFound>> (string id, CommetDb db, CancellationToken ct) =>
        {
            var t = await db.Transactions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
            if (t is null)
            {
                return Answer.NotFound(TransactionErrors.NotFound(id));
            }
            var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == t.CustomerId, ct);
            return Answer.Ok(TransactionDto.From(t, customer));
        }).WithSummary("Get a payment transaction.");

        group.MapPost("/{id}/refund", async (string id, BillingCall call, RefundTransaction handler) =>
            await call.Run(s => handler.HandleAsync(s, id, call.Ct), (s, t) => Answer.Ok(new TransactionRefundDto(t.Id, t.Status, s.Tenant.Livemode))))
            .WithSummary("Refund a succeeded transaction in full; a full refund of a subscription invoice cancels the subscription immediately.");

        group.MapPost("/{id}/retry", async (string id, BillingCall call, RetryTransaction handler) =>
            await call.Run(s => handler.HandleAsync(s, id, call.Ct), (s, r) => Answer.Ok(new TransactionRetryDto(
                r.Attempt.Id, "processing", r.Outcome.Succeeded ? TransactionStatus.Succeeded : TransactionStatus.Failed, s.Tenant.Livemode))))
            .WithSummary("Retry the failed renewal charge of a past-due subscription now.");
    }

    private static async Task<Dictionary<string, Customer>> CustomersOfAsync(CommetDb db, IEnumerable<string> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        if (wanted.Count == 0)
        {
            return [];
        }
        return await db.Customers.AsNoTracking().Where(c => wanted.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
    }
}

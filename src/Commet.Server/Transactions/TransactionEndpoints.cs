using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Transactions;

public static class TransactionEndpoints
{
    public static readonly string[] Statuses =
        [TransactionStatus.Pending, TransactionStatus.Succeeded, TransactionStatus.Failed, TransactionStatus.Refunded, "disputed"];

    public static void MapTransactions(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/transactions").WithTags("Transactions");

        group.MapGet("/", async (string? status, string? customerEmail, string? limit, string? cursor, CommetDb db, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Api.Error(page.Error);
            }
            var check = new Check().OneOf("status", string.IsNullOrEmpty(status) ? null : status, Statuses, required: false)
                .MaxLength("customerEmail", customerEmail, 320);
            if (check.Failed)
            {
                return Api.Error(check.ToError());
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
            return Api.Page(result.Map(t => TransactionDto.From(t, customers.GetValueOrDefault(t.CustomerId))));
        }).WithSummary("List payment transactions, newest first; filter by status or customer email.")
        .Produces<ApiListEnvelope<TransactionDto>>();

        group.MapGet("/{id}", async (string id, CommetDb db, CancellationToken ct) =>
        {
            var t = await db.Transactions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
            if (t is null)
            {
                return Api.Error(TransactionErrors.NotFound(id));
            }
            var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == t.CustomerId, ct);
            return Api.Ok(TransactionDto.From(t, customer));
        }).WithSummary("Get a payment transaction.").Produces<ApiEnvelope<TransactionDto>>();

        group.MapPost("/{id}/refund", async (string id, BillingCall call, RefundTransaction handler) =>
            await call.Run(s => handler.HandleAsync(s, id, call.Ct), (s, t) => Api.Ok(new TransactionRefundDto(t.Id, t.Status, s.Tenant.Livemode))))
            .WithSummary("Refund a succeeded transaction in full; a full refund of a subscription invoice cancels the subscription immediately.")
            .Produces<ApiEnvelope<TransactionRefundDto>>();

        group.MapPost("/{id}/retry", async (string id, BillingCall call, RetryTransaction handler) =>
            await call.Run(s => handler.HandleAsync(s, id, call.Ct), (s, r) => Api.Ok(new TransactionRetryDto(
                r.Attempt.Id, "processing", r.Outcome.Succeeded ? TransactionStatus.Succeeded : TransactionStatus.Failed, r.RetriedTransactionId, s.Tenant.Livemode))))
            .WithSummary("Retry the failed renewal charge of a past-due subscription now.").Produces<ApiEnvelope<TransactionRetryDto>>();
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

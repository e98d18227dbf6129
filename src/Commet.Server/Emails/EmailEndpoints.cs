using Commet.Domain;
using Commet.Server.Customers;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Emails;

/// <summary>
/// One email of the outbox as the merchant sees it (our addition): what it is, to whom, and what became of it. The
/// body is not kept (it is rendered when sent) and would hold the customer's links, so it is never shown.
/// </summary>
public sealed record EmailDto(
    string Id,
    string Kind,
    string Status,
    string CustomerId,
    string? InvoiceId,
    string? SubscriptionId,
    string? To,
    string? Subject,
    string? Language,
    string? Reason,
    int Attempts,
    DateTime CreatedAt,
    DateTime? SentAt,
    DateTime? NextAttemptAt,
    bool Livemode)
{
    public string Object => "email";

    public static EmailDto From(EmailMessage m) => new(m.Id, m.Kind, m.Status, m.CustomerId, m.InvoiceId, m.SubscriptionId, m.ToAddress, m.Subject,
        m.Culture, m.Reason, m.Attempts, m.CreatedAt, m.SentAt, m.Status == EmailStatuses.Pending ? m.NextAttemptAt : null, m.Livemode);
}

/// <summary><c>GET /api/v1/emails</c> and <c>GET /api/v1/emails/{id}</c>: the emails sent, logged, skipped or waiting (our addition).</summary>
public static class EmailEndpoints
{
    public static void MapEmails(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/emails").WithTags("Emails");

        group.MapGet("/", async Task<Results<ApiPage<EmailDto>, ApiInvalid, ApiNotFound>> (string? customerId, string? kind, string? status, string? limit, string? cursor,
            CommetDb db, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Answer.Invalid(page.Error);
            }
            var check = new Check()
                .OneOf("kind", string.IsNullOrEmpty(kind) ? null : kind, EmailKinds.All, required: false)
                .OneOf("status", string.IsNullOrEmpty(status) ? null : status, EmailStatuses.All, required: false);
            if (check.Failed)
            {
                return Answer.Invalid(check.ToError());
            }
            var query = db.EmailMessages.AsNoTracking();
            if (!string.IsNullOrEmpty(customerId))
            {
                var customer = await CustomerRules.FindAsync(db, customerId, ct);
                if (customer is null)
                {
                    return Answer.NotFound(CustomerRules.NotFound(customerId));
                }
                query = query.Where(m => m.CustomerId == customer.Id);
            }
            if (!string.IsNullOrEmpty(kind))
            {
                query = query.Where(m => m.Kind == kind);
            }
            if (!string.IsNullOrEmpty(status))
            {
                query = query.Where(m => m.Status == status);
            }
            var result = await query.ToPageAsync(page.Value, ct);
            return Answer.Page(result.Map(EmailDto.From));
        }).WithSummary("List the emails to customers, newest first: sent, logged (no SMTP server configured), skipped (turned off or no longer "
            + "applying), failed or waiting; filter by customer (our ID or yours), kind or status. Bodies are not shown.");

        group.MapGet("/{id}", async Task<Results<ApiOk<EmailDto>, ApiNotFound>> (string id, CommetDb db, CancellationToken ct) =>
        {
            var m = await db.EmailMessages.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
            return m is null ? Answer.NotFound(Error.NotFound("email", $"No email with ID '{(id.Length > 64 ? id[..64] : id)}'.")) : Answer.Ok(EmailDto.From(m));
        }).WithSummary("Get one email of the outbox (without its body).");
    }
}

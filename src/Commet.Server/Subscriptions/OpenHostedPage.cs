using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Customers;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Subscriptions;

/// <summary>The open session a hosted page's token names, or why the page cannot be used.</summary>
public sealed class OpenHostedPage(HostedLinks links)
{
    public async Task<Result<HostedSession>> HandleAsync(Persistence.CommetDb db, string token, DateTime realNow, CancellationToken ct)
    {
        var sessionId = links.SessionIdOf(token);
        var session = sessionId is null ? null : await db.HostedSessions.IgnoreQueryFilters().FirstOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null || session.ExpiresAt <= realNow)
        {
            return Error.NotFound("hosted_session", "This payment link is not valid or has expired. Ask for a new one.");
        }
        if (session.CompletedAt is not null)
        {
            return Error.Conflict("hosted_session_completed", "This payment link was already used.");
        }
        return session;
    }
}

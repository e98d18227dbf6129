using Commet.Domain;
using Commet.Server.Persistence;

namespace Commet.Server.Dashboard;

/// <summary>Writes the audit log: who (member), where (organization, mode), what (action), on what (target), when.</summary>
public static class AuditLog
{
    public static AuditEntry Add(CommetDb db, string organizationId, bool? livemode, DashboardUser member, string action, string? target, TimeProvider clock)
    {
        var entry = new AuditEntry
        {
            Id = Ids.New(AuditEntry.IdPrefix, clock),
            OrganizationId = organizationId,
            Livemode = livemode,
            UserId = member.Id,
            UserEmail = member.Email ?? member.UserName ?? member.Id,
            Action = action,
            Target = target is { Length: > 320 } ? target[..320] : target,
            At = clock.GetUtcNow().UtcDateTime,
        };
        db.AuditLog.Add(entry);
        return entry;
    }
}

using Commet.Server.Dashboard;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>The organization's audit log (owners and admins), newest first, 100 a page by cursor (the last ID seen).</summary>
[Requires(Capability.Members)]
public sealed class AuditModel : DashboardPageModel
{
    public const int PageSize = 100;

    public override string Section => "audit";

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public string? NextBefore { get; private set; }

    public async Task OnGetAsync(string? before)
    {
        var orgId = Organization.Id;
        var query = Db.AuditLog.AsNoTracking().Where(a => a.OrganizationId == orgId);
        if (!string.IsNullOrEmpty(before))
        {
            query = query.Where(a => string.Compare(a.Id, before) < 0);
        }
        var rows = await query.OrderByDescending(a => a.Id).Take(PageSize + 1).ToListAsync(Ct);
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(PageSize);
            NextBefore = rows[^1].Id;
        }
        Entries = rows;
    }
}

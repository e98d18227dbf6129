using System.Net;
using System.Threading.RateLimiting;
using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Commet.Server.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Emails;

/// <summary>
/// "Email me a link" on the used or expired portal link page. The page's link names the organization and mode; the
/// address is looked up among that organization's customers only (case-insensitively), and each customer found — at
/// most <see cref="EmailOptions.LinkCustomersPerRequest"/>, since one address may belong to several customers — gets
/// an email with a fresh single-use link of their own, made when the email is sent. The page answers the same whether
/// or not the address is known. Limits: requests per client IP per hour (429 beyond, in each node's memory), and link
/// emails per customer per hour (counted in the outbox, so across nodes; beyond it nothing is sent and the page still
/// answers the same).
/// </summary>
public sealed class PortalLinkRequests : IDisposable
{
    private readonly IDbContextFactory<CommetDb> dbFactory;
    private readonly PortalBrandings brandings;
    private readonly TimeProvider time;
    private readonly EmailOptions options;
    private readonly PartitionedRateLimiter<string> perIp;

    public PortalLinkRequests(IDbContextFactory<CommetDb> dbFactory, PortalBrandings brandings, TimeProvider time, IOptions<EmailOptions> options)
    {
        this.dbFactory = dbFactory;
        this.brandings = brandings;
        this.time = time;
        this.options = options.Value;
        var limit = Math.Max(1, this.options.LinkRequestsPerIpPerHour);
        perIp = PartitionedRateLimiter.Create<string, string>(ip => RateLimitPartition.GetFixedWindowLimiter(ip, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = TimeSpan.FromHours(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>The organization and mode of a portal link token (used, expired or live), without opening it; null when unknown.</summary>
    public async Task<Tenant?> TenantOfLinkAsync(CommetDb db, string token, CancellationToken ct)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return null;
        }
        var hash = PortalTokens.Hash(token);
        var row = await db.PortalSessions.IgnoreQueryFilters().AsNoTracking().Where(s => s.LinkHash == hash)
            .Select(s => new { s.OrganizationId, s.Livemode }).FirstOrDefaultAsync(ct);
        return row is null ? null : new Tenant(row.OrganizationId, row.Livemode);
    }

    /// <summary>Whether the organization offers the form at all.</summary>
    public async Task<bool> OfferedAsync(CommetDb db, Tenant tenant, CancellationToken ct) =>
        EmailComposer.IsOn(EmailKinds.PortalLink, (await brandings.GetAsync(db, tenant.OrganizationId, tenant.Livemode, ct)).Settings);

    /// <summary>One request from this IP may go ahead; false: over the hourly limit, with the seconds to wait.</summary>
    public bool TryAcquire(IPAddress? ip, out int retryAfterSeconds)
    {
        using var lease = perIp.AttemptAcquire((ip ?? IPAddress.None).ToString());
        retryAfterSeconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 3600;
        return lease.IsAcquired;
    }

    public static bool IsEmail(string? value) => !string.IsNullOrWhiteSpace(value) && !new Check().Email("email", value.Trim(), required: true).Failed;

    /// <summary>Puts a link email in the outbox for each customer of the organization with this address (none if it is unknown).</summary>
    public async Task RequestAsync(Tenant tenant, string email, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ScopeTo(tenant.OrganizationId, tenant.Livemode);
        if (!await OfferedAsync(db, tenant, ct))
        {
            return;
        }
        var lower = email.Trim().ToLowerInvariant();
        var since = time.GetUtcNow().UtcDateTime.AddHours(-1);
        var perHour = Math.Max(1, options.LinkEmailsPerAddressPerHour);
        await db.InTransactionAsync<bool>(async () =>
        {
#pragma warning disable CA1862 // EF translates ToLower to SQL lower(); string.Equals with a comparison is not translatable.
            var customers = await db.Customers.AsNoTracking().Where(c => c.Email.ToLower() == lower)
                .OrderBy(c => c.Id).Select(c => c.Id).Take(Math.Max(1, options.LinkCustomersPerRequest)).ToListAsync(ct);
#pragma warning restore CA1862
            foreach (var id in customers)
            {
                var recent = await db.EmailMessages.CountAsync(m => m.CustomerId == id && m.Kind == EmailKinds.PortalLink && m.CreatedAt > since, ct);
                if (recent < perHour)
                {
                    EmailOutbox.Add(db, tenant, EmailKinds.PortalLink, id, null, null, at: time.GetUtcNow().UtcDateTime);
                }
            }
            return true;
        }, ct);
    }

    public void Dispose() => perIp.Dispose();
}

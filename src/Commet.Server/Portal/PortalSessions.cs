using Commet.Domain;
using Commet.Server.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Commet.Server.Persistence;

namespace Commet.Server.Portal;

/// <summary>A live session with what every page needs alongside it: its customer, the organization's test clock and catalog version.</summary>
public sealed record ResolvedSession(PortalSession Session, Customer Customer, DateTime? SimulatedTime, long CatalogVersion, PrefetchedSubscription? Subscription,
    PrefetchedOverview? Overview);

/// <summary>What opening a portal link came to.</summary>
public sealed record Redemption(PortalSession? Session, string? CookieToken, string? OrganizationId, bool Livemode, string? ReturnUrl)
{
    public bool Succeeded => Session is not null && CookieToken is not null;
}

/// <summary>
/// Portal links and sessions. A link is a random token whose hash is stored; opening it swaps it, in one
/// conditional UPDATE (so two nodes cannot both win), for a session cookie whose hash is stored. All times
/// are real time from the injected <see cref="TimeProvider"/>, never the sandbox test clock.
/// </summary>
public sealed class PortalSessions(IDbContextFactory<CommetDb> dbFactory, TimeProvider time, IOptions<PortalOptions> options, PortalLinkWriter links)
{
    public const string CookieName = "commet_portal";
    public const string CookiePath = "/portal";

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Stores a new link for the customer and returns its token.</summary>
    public async Task<string> CreateLinkAsync(CommetDb db, Customer customer, string? returnUrl, PortalSettings? settings, CancellationToken ct, string? locale = null)
    {
        var t = Terms(settings);
        var token = PortalTokens.New();
        db.PortalSessions.Add(new PortalSession
        {
            Id = Ids.New("pts"),
            OrganizationId = customer.OrganizationId,
            Livemode = customer.Livemode,
            CustomerId = customer.Id,
            LinkHash = PortalTokens.Hash(token),
            ReturnUrl = returnUrl,
            Locale = locale,
            CreatedAt = t.Now,
            LinkExpiresAt = t.LinkExpiresAt,
            IdleTimeoutSeconds = t.IdleTimeoutSeconds,
            AbsoluteExpiresAt = t.AbsoluteExpiresAt,
        });
        await db.SaveChangesAsync(ct); // queues on the SQLite write gate by itself (CommetDb.SaveChangesAsync)
        return token;
    }

    /// <summary>
    /// Stores a new link for the customer of <paramref name="tenant"/> whose ID or external ID is <paramref name="customerKey"/>
    /// (our <c>cus_…</c> ID first) and returns its token; null when there is no such customer. The customer is found and
    /// the link stored by one statement (one round trip, no change tracking): this is the API's link request, which a
    /// merchant's backend sends on every "Manage billing" click. The row is the one <see cref="CreateLinkAsync"/> stores.
    /// </summary>
    public async Task<string?> CreateLinkForAsync(CommetDb db, Tenant tenant, string customerKey, string? returnUrl, PortalSettings? settings,
        string? locale, CancellationToken ct)
    {
        var t = Terms(settings);
        var token = PortalTokens.New();
        var id = Ids.New("pts");
        var hash = PortalTokens.Hash(token);
        // Written with the links that arrive meanwhile, in one transaction (SQLite) or one statement (PostgreSQL). Once queued,
        // the row may be part of another request's group, so only a request cancelled before that is not written.
        ct.ThrowIfCancellationRequested();
        var row = new PortalLinkRow(id, tenant.OrganizationId, tenant.Livemode, customerKey, hash, returnUrl, locale, t.Now, t.LinkExpiresAt,
            t.IdleTimeoutSeconds, t.AbsoluteExpiresAt);
        return await links.InsertAsync(db, row) ? token : null;
    }

    private sealed record LinkTerms(DateTime Now, DateTime LinkExpiresAt, int IdleTimeoutSeconds, DateTime AbsoluteExpiresAt);

    /// <summary>When a link made now dies unopened, the idle timeout of its session and the session's absolute cap.</summary>
    private LinkTerms Terms(PortalSettings? settings)
    {
        var now = Now;
        var o = options.Value;
        var idle = settings?.IdleTimeoutMinutes ?? o.IdleTimeoutMinutes;
        var absolute = settings?.AbsoluteTimeoutHours ?? o.AbsoluteTimeoutHours;
        // The cap counts from when the link was made, so an unopened link cannot stretch it.
        return new LinkTerms(now, now.AddMinutes(o.LinkLifetimeMinutes), idle * 60, now.AddHours(absolute));
    }

    /// <summary>Opens a link once. A second opening, an expired link or an unknown token gets no session.</summary>
    public async Task<Redemption> RedeemAsync(string token, CancellationToken ct)
    {
        if (!PortalTokens.LooksValid(token))
        {
            return new Redemption(null, null, null, false, null);
        }
        var linkHash = PortalTokens.Hash(token);
        var cookie = PortalTokens.New();
        var sessionHash = PortalTokens.Hash(cookie);
        var now = Now;
        await using var db = dbFactory.CreateDbContext();
        int won;
        using (await SqliteWriteGate.EnterAsync(db, ct))
        {
            won = await db.PortalSessions.IgnoreQueryFilters()
                .Where(s => s.LinkHash == linkHash && s.RedeemedAt == null && s.EndedAt == null && s.LinkExpiresAt > now)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.RedeemedAt, now)
                    .SetProperty(s => s.LastSeenAt, now)
                    .SetProperty(s => s.SessionHash, sessionHash), ct);
        }
        var row = await db.PortalSessions.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(s => s.LinkHash == linkHash, ct);
        if (row is null)
        {
            return new Redemption(null, null, null, false, null);
        }
        return won == 1
            ? new Redemption(row, cookie, row.OrganizationId, row.Livemode, row.ReturnUrl)
            : new Redemption(null, null, row.OrganizationId, row.Livemode, row.ReturnUrl);
    }

    /// <summary>
    /// The live session a cookie names, sliding its idle expiry; null when there is none. The session, its customer
    /// (same organization and mode), the organization's test clock and its catalog version come back in one query: every page asks.
    /// With <paramref name="overview"/>, the overview's card and invoices are read in the same round trip where the database allows.
    /// </summary>
    public async Task<ResolvedSession?> ResolveAsync(CommetDb db, string? cookie, CancellationToken ct, bool overview = false)
    {
        if (!PortalTokens.LooksValid(cookie))
        {
            return null;
        }
        var hash = PortalTokens.Hash(cookie!);
        var row = await db.ReadPortalSessionAsync(hash, overview, ct);
        var now = Now;
        if (row is null || !row.Session.IsAlive(now))
        {
            return null;
        }
        var session = row.Session;
        if (session.NeedsTouch(now))
        {
            using (await SqliteWriteGate.EnterAsync(db, ct))
            {
                await db.PortalSessions.IgnoreQueryFilters().Where(s => s.Id == session.Id)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now), ct);
            }
            session.LastSeenAt = now;
        }
        return new ResolvedSession(session, row.Customer, row.Clock, row.CatalogVersion, row.Subscription, row.Overview);
    }

    /// <summary>What an ended or unknown session cookie still says about where the customer came from (never customer data).</summary>
    public async Task<PortalSession?> FindEndedAsync(CommetDb db, string? cookie, CancellationToken ct)
    {
        if (!PortalTokens.LooksValid(cookie))
        {
            return null;
        }
        var hash = PortalTokens.Hash(cookie!);
        return await db.PortalSessions.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(s => s.SessionHash == hash, ct);
    }

    /// <summary>Signs out: the session cookie stops working on every node at once.</summary>
    public async Task EndAsync(CommetDb db, string sessionId, CancellationToken ct)
    {
        var now = Now;
        using (await SqliteWriteGate.EnterAsync(db, ct))
        {
            await db.PortalSessions.IgnoreQueryFilters().Where(s => s.Id == sessionId && s.EndedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedAt, now), ct);
        }
    }

    /// <summary>Deletes links and sessions that died more than a day ago (and old claimed form tokens).</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        var cutoff = Now.AddDays(-1);
        await using var db = dbFactory.CreateDbContext();
        await ChargeForms.PurgeAsync(db, Now, ct);
        return await db.PortalSessions.IgnoreQueryFilters()
            .Where(s => s.AbsoluteExpiresAt < cutoff || (s.RedeemedAt == null && s.LinkExpiresAt < cutoff))
            .ExecuteDeleteAsync(ct);
    }

    public CookieOptions CookieOptions(HttpRequest request) => new()
    {
        HttpOnly = true,
        Secure = request.IsHttps,
        SameSite = SameSiteMode.Lax,
        Path = CookiePath,
        // No Domain: the cookie is host-only. No Expires: it lives with the browser session; the server decides expiry.
        IsEssential = true,
    };
}

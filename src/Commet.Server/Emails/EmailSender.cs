using Commet.Domain;
using Commet.Server.Infrastructure;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Emails;

/// <summary>
/// Sends the outbox. Every node runs it (unless <c>Commet:Email:Worker</c> is off): it reads due rows across
/// organizations, claims each with a lease (a conditional UPDATE, so two nodes never send one row at once), renders
/// it, hands it to SMTP (or logs it when none is configured) and records the outcome under its lease. A failure is
/// retried with backoff up to <see cref="EmailOptions.MaxAttempts"/>; a lease that expires (a node died mid-send) makes
/// the row due again, so an email is sent at least once, and its Message-ID lets a receiver drop a repeat.
/// </summary>
public sealed class EmailSender(IDbContextFactory<CommetDb> dbFactory, EmailComposer composer, EmailTransport transport, TimeProvider time,
    IOptions<EmailOptions> options, IOptions<CommetOptions> commet, IServer server, ILogger<EmailSender> logger) : BackgroundService
{
    private static readonly TimeSpan[] Backoff =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6)];

    private readonly string owner = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Worker)
        {
            return;
        }
        var pause = TimeSpan.FromMilliseconds(Math.Max(50, options.Value.PollMilliseconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Email run failed; the next one tries again");
            }
            if (handled == 0)
            {
                await Task.Delay(pause, time, stoppingToken);
            }
        }
    }

    /// <summary>Sends what is due now (a page of it); answers how many rows it handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = Now;
        List<string> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            due = await db.EmailMessages.IgnoreQueryFilters().AsNoTracking()
                .Where(m => m.Status == EmailStatuses.Pending && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now))
                .OrderBy(m => m.NextAttemptAt).Select(m => m.Id).Take(50).ToListAsync(ct);
        }
        var handled = 0;
        foreach (var id in due)
        {
            if (await ClaimAsync(id, ct))
            {
                await HandleAsync(id, ct);
                handled++;
            }
        }
        return handled;
    }

    private async Task<bool> ClaimAsync(string id, CancellationToken ct)
    {
        var now = Now;
        var until = now.AddSeconds(Math.Max(10, options.Value.LeaseSeconds));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        using (await SqliteWriteGate.EnterAsync(db, ct))
        {
            return await db.EmailMessages.IgnoreQueryFilters()
                .Where(m => m.Id == id && m.Status == EmailStatuses.Pending && m.NextAttemptAt <= now && (m.LeaseUntil == null || m.LeaseUntil < now))
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.LeaseOwner, owner).SetProperty(m => m.LeaseUntil, until), ct) == 1;
        }
    }

    private async Task HandleAsync(string id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var m = await db.EmailMessages.IgnoreQueryFilters().AsNoTracking().FirstAsync(x => x.Id == id, ct);
        db.ScopeTo(m.OrganizationId, m.Livemode);
        Composed? composed = null;
        try
        {
            composed = await composer.ComposeAsync(db, m, BaseUrl(), ct);
            if (composed.Content is not { } content)
            {
                await FinishAsync(db, id, EmailStatuses.Skipped, composed.SkipReason, null, null, composed.Culture, m.Attempts, ct);
                return;
            }
            if (!transport.IsConfigured)
            {
                transport.Log(m.Id, m.Kind, content);
                await FinishAsync(db, id, EmailStatuses.Logged, null, content.To, content.Subject, composed.Culture, m.Attempts, ct);
                return;
            }
            await transport.SendAsync(m.Id, content, ct);
            await FinishAsync(db, id, EmailStatuses.Sent, null, content.To, content.Subject, composed.Culture, m.Attempts + 1, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var attempts = m.Attempts + 1;
            var gaveUp = attempts >= Math.Max(1, options.Value.MaxAttempts);
            logger.LogWarning("Email {EmailId} ({Kind}) attempt {Attempt} failed{GaveUp}: {Error}", m.Id, m.Kind, attempts,
                gaveUp ? ", giving up" : "", ex.GetType().Name + ": " + ex.Message);
            var reason = Truncate(ex.GetType().Name + ": " + ex.Message, 500);
            var next = Now + Backoff[Math.Min(attempts - 1, Backoff.Length - 1)];
            using (await SqliteWriteGate.EnterAsync(db, CancellationToken.None))
            {
                await db.EmailMessages.IgnoreQueryFilters().Where(x => x.Id == id && x.LeaseOwner == owner)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(x => x.Status, gaveUp ? EmailStatuses.Failed : EmailStatuses.Pending)
                        .SetProperty(x => x.Attempts, attempts)
                        .SetProperty(x => x.Reason, reason)
                        .SetProperty(x => x.NextAttemptAt, next)
                        .SetProperty(x => x.Culture, composed == null ? null : composed.Culture)
                        .SetProperty(x => x.LeaseOwner, (string?)null)
                        .SetProperty(x => x.LeaseUntil, (DateTime?)null), CancellationToken.None);
            }
        }
    }

    private async Task FinishAsync(CommetDb db, string id, string status, string? reason, string? to, string? subject, string culture, int attempts,
        CancellationToken ct)
    {
        var now = Now;
        using (await SqliteWriteGate.EnterAsync(db, ct))
        {
            await db.EmailMessages.IgnoreQueryFilters().Where(x => x.Id == id && x.LeaseOwner == owner)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(x => x.Status, status)
                    .SetProperty(x => x.Reason, reason)
                    .SetProperty(x => x.ToAddress, to == null ? null : Truncate(to, 320))
                    .SetProperty(x => x.Subject, subject == null ? null : Truncate(subject, 500))
                    .SetProperty(x => x.Culture, culture)
                    .SetProperty(x => x.Attempts, attempts)
                    .SetProperty(x => x.SentAt, status == EmailStatuses.Skipped ? null : now)
                    .SetProperty(x => x.LeaseOwner, (string?)null)
                    .SetProperty(x => x.LeaseUntil, (DateTime?)null), ct);
        }
    }

    /// <summary>Links in emails start here: the public URL, else the address this server listens on, else the default.</summary>
    private string BaseUrl()
    {
        if (commet.Value.PublicUrl is { Length: > 0 } p)
        {
            return p.TrimEnd('/');
        }
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return listening is null
            ? Hosting.DefaultUrl
            : listening.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                .Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).TrimEnd('/');
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

using System.Security.Cryptography;
using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Portal;

/// <summary>
/// One charge per rendered form. Every form that charges (portal purchases, plan starts and changes, reactivation,
/// overdue payments, card pages; the hosted /pay page) carries a fresh random token. Its POST claims
/// (session, token) as a row with a unique key in the same transaction as the operation, and writes what it answered
/// into that row before the commit. A second POST of the same form (a double click, a resend, twenty at once) cannot
/// claim it again: it waits for the first transaction where the database makes it wait, then reads and shows the first
/// answer. The operation inside runs in a savepoint (see <see cref="UnitOfWork"/>), so a declined payment rolls back
/// the operation and the claim keeps the decline as the form's answer; a new attempt comes from the page that shows
/// it, which carries a new token.
/// </summary>
public static class ChargeForms
{
    /// <summary>The hidden field that carries the token.</summary>
    public const string Field = "chargeToken";

    /// <summary>How long a claimed token is kept (longer than any portal or hosted session lives).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    public static string NewToken() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    public static bool IsWellFormed(string? token) => token is { Length: 32 } && token.All(char.IsAsciiHexDigitLower);

    /// <summary>What the first submit of this form answered, or null when no submit of it has committed.</summary>
    public static Task<string?> FirstOutcomeAsync(CommetDb db, string sessionId, string token, CancellationToken ct) =>
        db.FormClaims.IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.SessionId == sessionId && c.Token == token)
            .Select(c => c.Outcome)
            .FirstOrDefaultAsync(ct);

    /// <summary>
    /// Claims the token and runs <paramref name="work"/> (which answers the outcome to keep, as JSON) in one
    /// transaction; or, when the token was claimed already, answers the first outcome with <c>Replayed</c> set.
    /// An exception from the work rolls the claim back with everything else, so the form can be sent again.
    /// </summary>
    public static async Task<(string Outcome, bool Replayed)> OnceAsync(CommetDb db, Tenant tenant, string sessionId, string token, DateTime now,
        Func<Task<string>> work, CancellationToken ct)
    {
        var done = await db.InTransactionAsync<(string, bool)>(async () =>
        {
            db.FormClaims.Add(new FormClaim
            {
                SessionId = sessionId,
                Token = token,
                OrganizationId = tenant.OrganizationId,
                Livemode = tenant.Livemode,
                ClaimedAt = now,
            });
            try
            {
                // On PostgreSQL a second insert of the same key waits here until the first transaction ends.
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                db.ChangeTracker.Clear();
                var first = await FirstOutcomeAsync(db, sessionId, token, ct);
                return (first ?? throw new InvalidOperationException("A claimed form token has no outcome."), true);
            }
            var outcome = await work();
            await db.FormClaims.IgnoreQueryFilters()
                .Where(c => c.SessionId == sessionId && c.Token == token)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Outcome, outcome), ct);
            return (outcome, false);
        }, ct);
        return done.Value;
    }

    /// <summary>Deletes claims older than <see cref="Retention"/>.</summary>
    public static Task<int> PurgeAsync(CommetDb db, DateTime now, CancellationToken ct)
    {
        var cutoff = now - Retention;
        return db.FormClaims.IgnoreQueryFilters().Where(c => c.ClaimedAt < cutoff).ExecuteDeleteAsync(ct);
    }
}

/// <summary>What a portal charge form answered: a redirect (post/redirect/get), or a problem shown on the form's page.</summary>
public sealed record PortalFormOutcome(string? Redirect, string? Problem = null, string? Code = null)
{
    public static PortalFormOutcome To(string path) => new(path);

    public static PortalFormOutcome Failed(string problem, string? code = null) => new(null, problem, code);

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, Http.Api.Json);

    public static PortalFormOutcome FromJson(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<PortalFormOutcome>(json, Http.Api.Json) ?? new PortalFormOutcome("/portal");
}

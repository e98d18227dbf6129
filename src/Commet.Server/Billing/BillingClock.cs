using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Billing;

/// <summary>
/// The time billing runs on. Live mode uses the real clock; sandbox mode uses the organization's test clock
/// when one is set, so API answers, the engine and the portal all see the same simulated moment.
/// </summary>
public sealed class BillingClock(TimeProvider time)
{
    /// <summary>Real time, to the millisecond: what the wire shows is exactly what is stored and compared.</summary>
    public DateTime RealNow => Truncate(time.GetUtcNow().UtcDateTime);

    public static DateTime Truncate(DateTime at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    public async Task<DateTime> NowAsync(CommetDb db, string organizationId, bool livemode, CancellationToken ct) =>
        livemode ? RealNow : NowFrom(livemode, await SimulatedAsync(db, organizationId, ct));

    /// <summary>The organization's test clock (null when none is set): one plain command, read on every sandbox request.</summary>
    public static Task<DateTime?> SimulatedAsync(CommetDb db, string organizationId, CancellationToken ct) => db.ReadTestClockAsync(organizationId, ct);

    /// <summary>The billing time, given the organization's test clock as read along with something else (one query instead of two).</summary>
    public DateTime NowFrom(bool livemode, DateTime? simulated) => !livemode && simulated is { } s ? Truncate(s) : RealNow;
}

/// <summary>The organization and mode a piece of billing work belongs to.</summary>
public sealed record Tenant(string OrganizationId, bool Livemode);

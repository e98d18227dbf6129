using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Billing;

/// <summary>What one run of the engine did (the test clock's <c>process-billing</c> answer).</summary>
public sealed record BillingRun(int CustomersFound, int Processed, int Failed, int DunningRetried, int DunningFailed, int InvoicesCreated)
{
    public static BillingRun operator +(BillingRun a, BillingRun b) => new(a.CustomersFound + b.CustomersFound, a.Processed + b.Processed,
        a.Failed + b.Failed, a.DunningRetried + b.DunningRetried, a.DunningFailed + b.DunningFailed, a.InvoicesCreated + b.InvoicesCreated);

    public static readonly BillingRun None = new(0, 0, 0, 0, 0, 0);
}

/// <summary>
/// Runs everything that is due: renewals, trial ends, scheduled changes and cancellations, dunning retries,
/// and the "3 days before" notices. Work is claimed per subscription with a lease (a conditional UPDATE), so
/// any number of nodes can run it at once; each step runs in its own transaction with the row locked, and the
/// unique billing key of an invoice and attempt key of a charge make a repeat impossible even if a lease is lost.
/// The background worker and <c>POST /test-clock/process-billing</c> call the very same method.
/// </summary>
public sealed class BillingEngine(IDbContextFactory<CommetDb> dbFactory, SubscriptionOps ops, BillingClock clock, ILogger<BillingEngine> logger)
{
    public static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(5);
    private const int BatchSize = 500;
    private const int MaxStepsPerSubscription = 400;

    private readonly string owner = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

    public async Task<BillingRun> RunAsync(Tenant tenant, DateTime now, string baseUrl, CancellationToken ct)
    {
        var run = BillingRun.None;
        var customers = new HashSet<string>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ScopeTo(tenant.OrganizationId, tenant.Livemode);
        while (!ct.IsCancellationRequested)
        {
            var realNow = clock.RealNow;
            var due = await db.Subscriptions.AsNoTracking()
                .Where(s => s.NextActionAt != null && s.NextActionAt <= now && (s.LeaseUntil == null || s.LeaseUntil < realNow))
                .OrderBy(s => s.NextActionAt)
                .Select(s => new { s.Id, s.CustomerId })
                .Take(BatchSize)
                .ToListAsync(ct);
            if (due.Count == 0)
            {
                break;
            }
            foreach (var item in due)
            {
                var leaseUntil = clock.RealNow + LeaseTime;
                var claimed = await db.Subscriptions
                    .Where(s => s.Id == item.Id && (s.LeaseUntil == null || s.LeaseUntil < realNow))
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseOwner, owner).SetProperty(s => s.LeaseUntil, leaseUntil), ct);
                if (claimed == 0)
                {
                    continue; // another node has it
                }
                customers.Add(item.CustomerId);
                var failed = false;
                try
                {
                    run += await ProcessAsync(tenant, item.Id, now, baseUrl, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failed = true;
                    run += BillingRun.None with { Failed = 1 };
                    logger.LogError(ex, "Billing failed for subscription {SubscriptionId}; it will be retried after its lease expires", item.Id);
                }
                if (!failed)
                {
                    // A failed one keeps its lease until it expires, so this run does not spin on it.
                    await db.Subscriptions.Where(s => s.Id == item.Id && s.LeaseOwner == owner)
                        .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseOwner, (string?)null).SetProperty(s => s.LeaseUntil, (DateTime?)null), ct);
                }
            }
        }
        return run with { CustomersFound = customers.Count };
    }

    /// <summary>Takes one subscription through every step due up to <paramref name="now"/>, one transaction per step.</summary>
    public async Task<BillingRun> ProcessAsync(Tenant tenant, string subscriptionId, DateTime now, string baseUrl, CancellationToken ct)
    {
        var run = BillingRun.None with { Processed = 1 };
        for (var step = 0; step < MaxStepsPerSubscription; step++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.ScopeTo(tenant.OrganizationId, tenant.Livemode);
            var scope = new BillingScope(db, tenant, now, baseUrl);
            var outcome = await ops.RunDueStepAsync(scope, subscriptionId, ct);
            run += outcome.Counts;
            if (!outcome.More)
            {
                break;
            }
        }
        return run;
    }
}

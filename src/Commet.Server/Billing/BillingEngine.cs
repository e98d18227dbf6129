using System.Diagnostics;
using System.Diagnostics.Metrics;
using Commet.Domain.Billing;
using Commet.Server.Persistence;
using Commet.Server.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

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
/// the "3 days before" notices, and invoices that became overdue. Work is claimed per subscription with a lease (a conditional UPDATE), so
/// any number of nodes can run it at once; each step runs in its own transaction with the row locked, and the
/// unique billing key of an invoice and attempt key of a charge make a repeat impossible even if a lease is lost.
/// The background worker and <c>POST /test-clock/process-billing</c> call the very same method.
/// </summary>
public sealed class BillingEngine(IDbContextFactory<CommetDb> dbFactory, RunDueStep dueStep, BillingClock clock, IOptions<BillingOptions> options,
    ILogger<BillingEngine> logger)
{
    public static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(5);
    private const int BatchSize = 500;
    private const int MaxStepsPerSubscription = 400;

    /// <summary>
    /// Where a chunk's time goes (milliseconds of wall time per phase, tag <c>phase</c>): what the billing benchmark's
    /// <c>--profile</c> prints. Costs nothing unless something listens (a <see cref="MeterListener"/>).
    /// </summary>
    public static readonly Meter Meter = new("Commet.Billing");

    private static readonly Histogram<double> ChunkPhase = Meter.CreateHistogram<double>("commet.billing.chunk.phase", "ms");

    private static long Phase(long since, string phase)
    {
        var now = Stopwatch.GetTimestamp();
        if (ChunkPhase.Enabled)
        {
            ChunkPhase.Record(Stopwatch.GetElapsedTime(since, now).TotalMilliseconds, new KeyValuePair<string, object?>("phase", phase));
        }
        return now;
    }

    private static readonly Type[] CopiedTypes = [typeof(Invoice), typeof(InvoiceLine), typeof(PaymentTransaction), typeof(BillingEvent), typeof(Commet.Domain.EmailMessage)];

    /// <summary>The claim's length: <see cref="BillingOptions.LeaseSeconds"/> (5 minutes when not positive).</summary>
    private TimeSpan Lease => options.Value.LeaseSeconds > 0 ? TimeSpan.FromSeconds(options.Value.LeaseSeconds) : LeaseTime;

    private readonly string owner = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

    public async Task<BillingRun> RunAsync(Tenant tenant, DateTime now, string baseUrl, CancellationToken ct)
    {
        var run = BillingRun.None;
        var customers = new HashSet<string>();
        var statisticsChecked = false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ScopeTo(tenant.OrganizationId, tenant.Livemode);
        var chunked = BulkCopy.IsSupported(db) && options.Value.ChunkSize > 1;
        // Chunks are claimed one at a time as they start, so a long page costs nothing but spares the workers a wait
        // for the slowest chunk of each page.
        var pageSize = chunked ? Math.Max(BatchSize, options.Value.ChunkSize * Math.Max(1, options.Value.ChunkWorkers) * 10) : BatchSize;
        while (!ct.IsCancellationRequested)
        {
            var realNow = clock.RealNow;
            var due = await db.Subscriptions.AsNoTracking()
                .Where(s => s.NextActionAt != null && s.NextActionAt <= now && (s.LeaseUntil == null || s.LeaseUntil < realNow))
                .OrderBy(s => s.NextActionAt)
                .Select(s => new { s.Id, s.CustomerId })
                .Take(pageSize)
                .ToListAsync(ct);
            if (due.Count == 0)
            {
                break;
            }
            if (chunked)
            {
                // Chunks run side by side (each on its own connection): one's steps run while another writes.
                var customerOf = due.ToDictionary(d => d.Id, d => d.CustomerId);
                var gate = new object();
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.ChunkWorkers), CancellationToken = ct };
                await Parallel.ForEachAsync(due.Chunk(options.Value.ChunkSize), parallel, async (chunk, token) =>
                {
                    var (counts, claimed) = await RunChunkAsync(tenant, chunk.Select(d => d.Id).ToArray(), now, baseUrl, realNow, token);
                    long checkStatisticsFor = 0;
                    lock (gate)
                    {
                        run += counts;
                        customers.UnionWith(claimed.Select(id => customerOf[id]));
                        if (!statisticsChecked && run.InvoicesCreated >= StatisticsCheckAfter)
                        {
                            statisticsChecked = true;
                            checkStatisticsFor = run.InvoicesCreated;
                        }
                    }
                    if (checkStatisticsFor > 0)
                    {
                        await RefreshStatisticsAsync(checkStatisticsFor, token);
                    }
                });
                continue;
            }
            foreach (var item in due)
            {
                var leaseUntil = clock.RealNow + Lease;
                var claimed = await DbRetry.OnConcurrencyAbortAsync(() => db.Subscriptions
                    .Where(s => s.Id == item.Id && (s.LeaseUntil == null || s.LeaseUntil < realNow))
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseOwner, owner).SetProperty(s => s.LeaseUntil, leaseUntil), ct), ct);
                if (claimed == 0)
                {
                    continue; // another node has it
                }
                customers.Add(item.CustomerId);
                run += await ProcessClaimedAsync(db, tenant, item.Id, now, baseUrl, ct);
            }
        }
        await OverdueInvoices.RecordAsync(dbFactory, tenant, now, ct);
        return run with { CustomersFound = customers.Count };
    }

    /// <summary>
    /// Once per chunked run, after this many invoices: the invoices table's statistics are checked, and refreshed when they
    /// count far fewer rows than the run has written (<see cref="PlannerStatistics"/>).
    /// </summary>
    internal const int StatisticsCheckAfter = 500;

    private async Task RefreshStatisticsAsync(long written, CancellationToken ct)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            if (await PlannerStatistics.RefreshInvoicesIfBehindAsync(db, written, ct))
            {
                logger.LogInformation("Analyzed the invoices table: its statistics counted fewer rows than the {Count} invoices this run has written", written);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only the plan of the invoice lines' key check depends on it (a slower run, not a wrong one): never fail billing for it.
            logger.LogWarning(ex, "Could not refresh the invoices table's statistics");
        }
    }

    /// <summary>
    /// PostgreSQL: locks a chunk of due subscriptions and does their due step in one transaction (<see cref="BillingBatch"/>).
    /// The row locks are the claim (<see cref="Leases.LockDueSubscriptionsAsync"/>): no lease is written for a subscription
    /// the chunk finishes, so its row is written once, in the chunk's commit. A subscription with more steps due gets this
    /// run's lease in that same commit and continues one step per transaction; if anything in the chunk fails, the whole
    /// chunk rolls back, and its subscriptions are claimed with a lease and billed one by one, so one bad subscription
    /// costs only itself.
    /// </summary>
    private async Task<(BillingRun Counts, List<string> Claimed)> RunChunkAsync(Tenant tenant, string[] ids, DateTime now, string baseUrl,
        DateTime realNow, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ScopeTo(tenant.OrganizationId, tenant.Livemode);
        var run = BillingRun.None;
        var claimed = new List<string>();
        var outcomes = new Dictionary<string, StepOutcome>();
        try
        {
            await using var work = await dbFactory.CreateDbContextAsync(ct);
            work.ScopeTo(tenant.OrganizationId, tenant.Livemode);
            var batch = new BillingBatch();
            var scope = new BillingScope(work, tenant, now, baseUrl) { Batch = batch };
            var t = Stopwatch.GetTimestamp();
            await scope.Db.InTransactionAsync<bool>(async () =>
            {
                // Still due and not leased: a chunk that another run has finished since this page was read is not taken again.
                var locked = (await Leases.LockDueSubscriptionsAsync(work, ids, now, realNow, ct)).ToDictionary(s => s.Id);
                claimed.AddRange(ids.Where(locked.ContainsKey)); // in due order, so invoice numbers follow it as they would one by one
                if (claimed.Count == 0)
                {
                    return true; // other nodes have done them
                }
                t = Phase(t, "lock");
                await batch.PreloadAsync(work, locked.Values, ct);
                t = Phase(t, "preload");
                var leaseUntil = clock.RealNow + Lease;
                foreach (var id in claimed)
                {
                    var s = locked[id];
                    var outcome = await dueStep.RunLockedAsync(scope, s, ct);
                    outcomes[id] = outcome;
                    // More due: the rest runs step by step after this commit, under this run's lease (taken in this commit).
                    // Done: no lease (one a crashed node left behind, expired, ends here).
                    s.LeaseOwner = outcome.More ? owner : null;
                    s.LeaseUntil = outcome.More ? leaseUntil : null;
                }
                t = Phase(t, "steps");
                // The subscriptions (and anything else) are saved first — the subscriptions with one UPDATE … FROM unnest
                // for the chunk rather than one statement each; then the new rows that quote no invoice number go in with
                // COPY (charges, emails, and the invoice lines: their key to the invoices is checked at the commit); only
                // then are the numbers taken and the invoices and the events that quote them written, so the invoice
                // counter — which every chunk waits for — is held only for those two COPYs and the commit.
                var rows = BulkCopy.TakeAdded(work, CopiedTypes);
                // Every new event of the chunk, whichever of the two writes below it goes in with (the events table goes
                // first when none of its rows quotes a number: a chunk of cancellations, say).
                var events = rows.Of<BillingEvent>().ToList();
                batch.EnsureNoPlaceholders(work);
                await BulkUpdate.SaveSubscriptionsAsync(work, ct);
                await work.SaveChangesAsync(ct);
                t = Phase(t, "save");
                await DeferredChecks.DeferInvoiceLinesAsync(work, ct);
                await BulkCopy.WriteAsync(work, batch.TakeUnnumbered(rows, DeferredChecks.IsDeferred), ct);
                t = Phase(t, "copy before the counter");
                await batch.AssignNumbersAsync(work, tenant, rows, ct);
                t = Phase(t, "counter (waiting for the other chunk's window)");
                await BulkCopy.WriteAsync(work, rows, ct);
                t = Phase(t, "window: copy after the counter");
                // The customers' new states, read now that the copied rows are in (customer.state_changed).
                if (await CustomerStates.RecordForAsync(work, events, ct))
                {
                    await work.SaveChangesAsync(ct);
                }
                t = Phase(t, "window: customer states");
                return true;
            }, ct);
            Phase(t, "window: commit");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Billing a chunk of {Count} subscriptions in one transaction failed; billing them one at a time", ids.Length);
            // Nothing of the chunk was written: claim those still due with a lease, as the one-by-one path does.
            // Two nodes claiming overlapping chunks can deadlock on the rows; the loser claims again (what is left for it).
            var claimedRows = (await DbRetry.OnConcurrencyAbortAsync(
                () => Leases.ClaimDueSubscriptionsAsync(db, ids, owner, clock.RealNow + Lease, now, realNow, ct), ct)).ToHashSet();
            claimed = ids.Where(claimedRows.Contains).ToList();
            foreach (var id in claimed)
            {
                run += await ProcessClaimedAsync(db, tenant, id, now, baseUrl, ct);
            }
            return (run, claimed);
        }

        foreach (var id in claimed)
        {
            if (outcomes.TryGetValue(id, out var outcome))
            {
                run += outcome.Counts;
                if (outcome.More)
                {
                    run += await ProcessClaimedAsync(db, tenant, id, now, baseUrl, ct); // counts it as processed
                    continue;
                }
            }
            run += BillingRun.None with { Processed = 1 };
        }
        return (run, claimed);
    }

    /// <summary>Bills a subscription this engine has claimed, step by step, and releases the lease unless it failed.</summary>
    private async Task<BillingRun> ProcessClaimedAsync(CommetDb db, Tenant tenant, string subscriptionId, DateTime now, string baseUrl, CancellationToken ct)
    {
        BillingRun run;
        try
        {
            // The last step releases the claim in its own commit; the UPDATE below is for a run stopped by the step cap.
            run = await ProcessAsync(tenant, subscriptionId, now, baseUrl, ct, owner);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Billing failed for subscription {SubscriptionId}; it will be retried after its lease expires", subscriptionId);
            // A failed one keeps its lease until it expires, so this run does not spin on it.
            return BillingRun.None with { Failed = 1 };
        }
        await DbRetry.OnConcurrencyAbortAsync(() => db.Subscriptions.Where(s => s.Id == subscriptionId && s.LeaseOwner == owner)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseOwner, (string?)null).SetProperty(s => s.LeaseUntil, (DateTime?)null), ct), ct);
        return run;
    }

    /// <summary>
    /// Takes one subscription through every step due up to <paramref name="now"/>, one transaction per step; the last
    /// step also ends <paramref name="leaseOwner"/>'s claim on it, in the same commit.
    /// </summary>
    public async Task<BillingRun> ProcessAsync(Tenant tenant, string subscriptionId, DateTime now, string baseUrl, CancellationToken ct,
        string? leaseOwner = null)
    {
        var run = BillingRun.None with { Processed = 1 };
        for (var step = 0; step < MaxStepsPerSubscription; step++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.ScopeTo(tenant.OrganizationId, tenant.Livemode);
            var scope = new BillingScope(db, tenant, now, baseUrl);
            var outcome = await dueStep.HandleAsync(scope, subscriptionId, ct, leaseOwner);
            run += outcome.Counts;
            if (!outcome.More)
            {
                break;
            }
        }
        return run;
    }
}

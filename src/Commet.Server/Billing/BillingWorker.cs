using Commet.Server.Infrastructure;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Billing;

public sealed class BillingOptions
{
    public const string Section = "Commet:Billing";

    /// <summary>Run the billing engine in the background on this node.</summary>
    public bool Worker { get; set; } = true;

    /// <summary>How often the background engine looks for due work.</summary>
    public int PollSeconds { get; set; } = 30;

    /// <summary>
    /// On PostgreSQL, how many due subscriptions the engine bills in one transaction (see <see cref="BillingBatch"/>).
    /// 1 bills each in its own transactions, as on SQLite.
    /// </summary>
    public int ChunkSize { get; set; } = 100;

    /// <summary>On PostgreSQL, how many chunks one run bills at once (each on its own connection).</summary>
    public int ChunkWorkers { get; set; } = 2;

    /// <summary>
    /// How long a node's claim on a due subscription lasts. A node that dies (SIGKILL, power loss) leaves the
    /// subscriptions it had claimed but not finished to the other nodes once this runs out; finished work releases its
    /// claim at once. Longer than a chunk takes to bill; a lapsed claim cannot bill twice anyway (unique billing keys).
    /// </summary>
    public int LeaseSeconds { get; set; } = 300;
}

/// <summary>
/// Calls the billing engine for every organization and mode on a timer. Several nodes may run this at once;
/// the engine's leases and unique keys keep the work exactly-once.
/// </summary>
public sealed class BillingWorker(IDbContextFactory<CommetDb> dbFactory, BillingEngine engine, BillingClock clock, IOptions<BillingOptions> options,
    IOptions<CommetOptions> commet, ILogger<BillingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Worker)
        {
            return;
        }
        var baseUrl = commet.Value.PublicUrl is { Length: > 0 } p ? p : Hosting.DefaultUrl;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                List<string> organizations;
                await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
                {
                    organizations = await db.Organizations.AsNoTracking().Select(o => o.Id).ToListAsync(stoppingToken);
                }
                foreach (var org in organizations)
                {
                    foreach (var livemode in new[] { true, false })
                    {
                        DateTime now;
                        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
                        {
                            now = await clock.NowAsync(db, org, livemode, stoppingToken);
                        }
                        var run = await engine.RunAsync(new Tenant(org, livemode), now, baseUrl, stoppingToken);
                        if (run.Processed > 0)
                        {
                            logger.LogInformation("Billing run for {Organization} ({Mode}): {Processed} subscriptions, {Invoices} invoices, {Failed} failed",
                                org, livemode ? "live" : "sandbox", run.Processed, run.InvoicesCreated, run.Failed);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Billing run failed; the next tick tries again");
            }
        }
    }
}

namespace Commet.Server.Http;

/// <summary>Forgets idempotent answers once they are older than 24 hours.</summary>
public sealed class IdempotencyPurgeService(IServiceProvider services, TimeProvider clock, ILogger<IdempotencyPurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                var store = ActivatorUtilities.CreateInstance<IdempotencyStore>(services);
                var removed = await store.PurgeAsync(stoppingToken);
                if (removed > 0)
                {
                    logger.LogInformation("Purged {Count} expired idempotency records", removed);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Purging idempotency records failed; will try again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

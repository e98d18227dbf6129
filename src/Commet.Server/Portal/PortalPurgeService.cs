namespace Commet.Server.Portal;

/// <summary>Deletes portal links and sessions a day after they died, every hour.</summary>
public sealed class PortalPurgeService(PortalSessions sessions, TimeProvider clock, ILogger<PortalPurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                var removed = await sessions.PurgeAsync(stoppingToken);
                if (removed > 0)
                {
                    logger.LogInformation("Purged {Count} dead portal sessions", removed);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Purging portal sessions failed; will try again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

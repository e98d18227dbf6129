namespace Commet.Server.Persistence;

/// <summary>
/// Runs background database work again when PostgreSQL aborted it because of a concurrent transaction (see
/// <see cref="DbErrors.IsConcurrencyAbort"/>). For work that several nodes race for — claims of due subscriptions and
/// invoices, lease releases — where the loser of a deadlock only has to try once more.
/// </summary>
public static class DbRetry
{
    /// <summary>Tries in all before the abort is let through.</summary>
    public const int Attempts = 5;

    /// <summary>
    /// Runs <paramref name="work"/>, and again (up to <see cref="Attempts"/> tries, after a short random pause so two
    /// racing nodes do not collide twice) when the database aborted it for a concurrent transaction. The work must be
    /// one statement or open its own transaction, so a retry starts clean.
    /// </summary>
    public static async Task<T> OnConcurrencyAbortAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (Exception ex) when (attempt < Attempts && DbErrors.IsConcurrencyAbort(ex))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 * attempt)), ct);
            }
        }
    }
}

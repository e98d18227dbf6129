using System.Collections.Concurrent;

namespace Commet.AspNetCore;

/// <summary>
/// Remembers which webhook events were handled, so a redelivered event (same ID) is acknowledged without running the
/// handlers again. Register your own (a database table) with <c>services.AddSingleton&lt;ICommetWebhookEventStore, …&gt;()</c>
/// when the app runs on more than one instance or must remember across restarts.
/// </summary>
public interface ICommetWebhookEventStore
{
    /// <summary>Claims an event: true when it is new (run the handlers), false when it was handled or is being handled.</summary>
    /// <param name="eventId">The event's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<bool> TryBeginAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Records that the event's handlers all succeeded.</summary>
    /// <param name="eventId">The event's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask CompleteAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Releases a claim after a handler failed, so the redelivery runs the handlers again.</summary>
    /// <param name="eventId">The event's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask AbandonAsync(string eventId, CancellationToken cancellationToken);
}

/// <summary>The default store: in this process's memory, for 24 hours (Commet stops redelivering well before).</summary>
public sealed class InMemoryCommetWebhookEventStore(TimeProvider clock) : ICommetWebhookEventStore
{
    private static readonly TimeSpan Keep = TimeSpan.FromHours(24);

    private readonly ConcurrentDictionary<string, DateTimeOffset> seen = new(StringComparer.Ordinal);

    /// <summary>A store on the system clock.</summary>
    public InMemoryCommetWebhookEventStore()
        : this(TimeProvider.System)
    {
    }

    /// <inheritdoc/>
    public ValueTask<bool> TryBeginAsync(string eventId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (seen.Count > 10_000)
        {
            foreach (var (id, at) in seen)
            {
                if (now - at > Keep)
                {
                    seen.TryRemove(id, out _);
                }
            }
        }
        return ValueTask.FromResult(seen.TryAdd(eventId, now));
    }

    /// <inheritdoc/>
    public ValueTask CompleteAsync(string eventId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public ValueTask AbandonAsync(string eventId, CancellationToken cancellationToken)
    {
        seen.TryRemove(eventId, out _);
        return ValueTask.CompletedTask;
    }
}

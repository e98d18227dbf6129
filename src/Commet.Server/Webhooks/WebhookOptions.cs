using System.Globalization;

namespace Commet.Server.Webhooks;

/// <summary>Settings of webhook delivery (section <c>Commet:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Commet:Webhooks";

    /// <summary>Run the dispatcher on this node. Several nodes may; leases keep each delivery to one of them.</summary>
    public bool Dispatcher { get; set; } = true;

    /// <summary>How often the dispatcher looks for new events and due retries, in milliseconds (real time).</summary>
    public int PollMilliseconds { get; set; } = 250;

    /// <summary>The waits after a failed attempt, comma-separated TimeSpans; after the last one the delivery has failed.</summary>
    public string RetrySchedule { get; set; } = "00:01:00,00:05:00,00:15:00,00:30:00,01:00:00,02:00:00,04:00:00";

    /// <summary>Let live endpoints be plain HTTP and resolve to loopback, private or link-local addresses.</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>How long one attempt may take, in seconds.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// How long a node owns a delivery it claimed, in seconds; 0 means <see cref="TimeoutSeconds"/> + 60. A node that dies
    /// mid-attempt leaves the delivery to another node after this long (the one way an event is sent twice).
    /// </summary>
    public int LeaseSeconds { get; set; }

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds > 0 ? LeaseSeconds : TimeoutSeconds + 60);

    /// <summary>Requests in flight at once per node.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>Events fanned out, and deliveries claimed, per round.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>How long the previous secret keeps signing after a rotation, unless the call says otherwise.</summary>
    public int RotationOverlapHours { get; set; } = 24;

    /// <summary>Endpoints disabled after this many events in a row failed every attempt.</summary>
    public int DisableAfterFailedEvents { get; set; } = 3;

    public IReadOnlyList<TimeSpan> Schedule() => ParseSchedule(RetrySchedule) ?? throw new InvalidOperationException("Commet:Webhooks:RetrySchedule is not a list of TimeSpans.");

    public static IReadOnlyList<TimeSpan>? ParseSchedule(string? value)
    {
        var list = new List<TimeSpan>();
        foreach (var part in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TimeSpan.TryParse(part, CultureInfo.InvariantCulture, out var wait) || wait < TimeSpan.Zero)
            {
                return null;
            }
            list.Add(wait);
        }
        return list;
    }

    public bool IsValid() => ParseSchedule(RetrySchedule) is not null && PollMilliseconds > 0 && TimeoutSeconds > 0 && Concurrency > 0
        && BatchSize > 0 && LeaseSeconds >= 0 && RotationOverlapHours >= 0 && DisableAfterFailedEvents > 0;
}

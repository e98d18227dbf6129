using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Usage: <c>/usage</c>.</summary>
public class UsageClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected UsageClient() => pipeline = null!;

    internal UsageClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>
    /// Records usage and applies its consumption (credits, balance, metered limits). A refusal (a limit reached,
    /// credits or balance short) is a <see cref="CommetApiException"/> with its code.
    /// </summary>
    /// <param name="request">The usage.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<UsageEvent> TrackAsync(TrackUsageRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/usage/events", null, Body.Of(TrackBody.From(request), J.TrackBody), J.UsageEvent, cancellationToken);

    /// <summary>Records one unit (or <paramref name="value"/> units) of a feature.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="feature">The feature's code.</param>
    /// <param name="value">The quantity.</param>
    /// <param name="idempotencyKey">A business-level dedupe key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<UsageEvent> TrackAsync(string customerId, string feature, decimal value = 1, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        TrackAsync(new TrackUsageRequest { CustomerId = customerId, Feature = feature, Value = value, IdempotencyKey = idempotencyKey }, cancellationToken);

    /// <summary>Records up to 100 events in one request; each succeeds or fails on its own.</summary>
    /// <param name="events">The events.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<UsageBatchResult> TrackBatchAsync(IEnumerable<TrackUsageRequest> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var body = new TrackBatchBody { Events = events.Select(TrackBody.From).ToList() };
        return pipeline.SendAsync(HttpMethod.Post, "/usage/events/batch", null, Body.Of(body, J.TrackBatchBody), J.UsageBatchResult, cancellationToken);
    }

    /// <summary>Whether some usage would be allowed and what it would cost; nothing is recorded.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="featureCode">The feature's code.</param>
    /// <param name="quantity">The quantity.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<UsageCheckResult> CheckAsync(string customerId, string featureCode, decimal quantity = 1, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/usage/check", null,
            Body.Of(new CheckUsageBody { CustomerId = customerId, FeatureCode = featureCode, Quantity = quantity }, J.CheckUsageBody), J.UsageCheckResult, cancellationToken);

    /// <summary>Sets a metered feature's usage this period to an exact value (recorded as an adjustment).</summary>
    /// <param name="request">The new total.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<UsageAdjustment> SetAsync(SetUsageRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, "/usage", null, Body.Of(request, J.SetUsageRequest), J.UsageAdjustment, cancellationToken);
}

using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>The sandbox test clock: <c>/test-clock</c> (sandbox keys only).</summary>
public class TestClockClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected TestClockClient() => pipeline = null!;

    internal TestClockClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>The clock's state.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<TestClock> GetAsync(CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/test-clock", null, null, J.TestClock, cancellationToken);

    /// <summary>Moves the clock forward (it never moves back).</summary>
    /// <param name="request">By days or to an instant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<TestClock> AdvanceAsync(AdvanceTestClockRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/test-clock", null, Body.Of(request, J.AdvanceTestClockRequest), J.TestClock, cancellationToken);

    /// <summary>Runs billing at the clock's time: renewals, trial ends, scheduled cancellations, dunning retries.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<TestClockBilling> ProcessBillingAsync(CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/test-clock/process-billing", null, Body.Empty, J.TestClockBilling, cancellationToken);
}

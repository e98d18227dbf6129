using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>What a customer may use now: <c>/feature-access</c>.</summary>
public class FeatureAccessClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected FeatureAccessClient() => pipeline = null!;

    internal FeatureAccessClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>Every feature of the customer's live subscription, with what is used and left.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<FeatureAccess> ListAsync(string customerId, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/feature-access", new Query().Add("customerId", customerId), J.FeatureAccess, cancellationToken);

    /// <summary>The customer's access to one feature.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="code">The feature's code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<FeatureAccess> GetAsync(string customerId, string code, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/feature-access/" + Pipeline.Segment(code), new Query().Add("customerId", customerId), null, J.FeatureAccess, cancellationToken);

    /// <summary>Whether the customer can use one more unit of the feature now (<see cref="FeatureAccess.Allowed"/>), and whether it would be charged.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="code">The feature's code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<FeatureAccess> CanUseAsync(string customerId, string code, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/feature-access/" + Pipeline.Segment(code), new Query().Add("customerId", customerId).Add("action", "canUse"), null,
            J.FeatureAccess, cancellationToken);

    /// <summary>Whether the customer may use the feature now: the one-line gate for a page or an action.</summary>
    /// <param name="customerId">The customer.</param>
    /// <param name="code">The feature's code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual async Task<bool> IsAllowedAsync(string customerId, string code, CancellationToken cancellationToken = default) =>
        (await GetAsync(customerId, code, cancellationToken).ConfigureAwait(false)).Allowed;
}

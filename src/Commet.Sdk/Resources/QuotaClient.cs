using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Quota features (a per-customer number you raise and lower, billed like seats): <c>/usage/quota</c>.</summary>
public class QuotaClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected QuotaClient() => pipeline = null!;

    internal QuotaClient(Pipeline pipeline) => this.pipeline = pipeline;

    private Task<UsageQuotaEvent> ChangeAsync(HttpMethod method, string customerId, string featureCode, long? count, string? idempotencyKey, CancellationToken ct) =>
        pipeline.SendAsync(method, "/usage/quota", null,
            Body.Of(new QuotaBody { CustomerId = customerId, FeatureCode = featureCode, Count = count, IdempotencyKey = idempotencyKey }, J.QuotaBody), J.UsageQuotaEvent, ct);

    /// <summary>Adds to a customer's quota; a raise beyond what the period paid for is billed pro rata at the next renewal.</summary>
    /// <param name="customerId">The customer (Commet's ID or yours).</param>
    /// <param name="featureCode">The quota feature's code.</param>
    /// <param name="count">How many.</param>
    /// <param name="idempotencyKey">A business-level dedupe key: a repeat answers the first change instead of applying it again.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<UsageQuotaEvent> AddAsync(string customerId, string featureCode, long count = 1, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(HttpMethod.Post, customerId, featureCode, count, idempotencyKey, cancellationToken);

    /// <summary>Sets a customer's quota to an exact value (0 or more).</summary>
    /// <param name="customerId">The customer (Commet's ID or yours).</param>
    /// <param name="featureCode">The quota feature's code.</param>
    /// <param name="count">The new value.</param>
    /// <param name="idempotencyKey">A business-level dedupe key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<UsageQuotaEvent> SetAsync(string customerId, string featureCode, long count, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(HttpMethod.Put, customerId, featureCode, count, idempotencyKey, cancellationToken);

    /// <summary>
    /// Removes from a customer's quota (nothing is refunded). Going below zero is a <see cref="CommetApiException"/>
    /// with the code <c>insufficient_balance</c>.
    /// </summary>
    /// <param name="customerId">The customer (Commet's ID or yours).</param>
    /// <param name="featureCode">The quota feature's code.</param>
    /// <param name="count">How many.</param>
    /// <param name="idempotencyKey">A business-level dedupe key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<UsageQuotaEvent> RemoveAsync(string customerId, string featureCode, long count = 1, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(HttpMethod.Delete, customerId, featureCode, count, idempotencyKey, cancellationToken);

    /// <summary>One quota feature of the customer's plan: its value, what is included and left, and what is billed.</summary>
    /// <param name="customerId">The customer (Commet's ID or yours).</param>
    /// <param name="featureCode">The quota feature's code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<UsageQuota> GetAsync(string customerId, string featureCode, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/usage/quota", new Query().Add("customerId", customerId).Add("featureCode", featureCode), null, J.UsageQuota, cancellationToken);

    /// <summary>Every quota feature of the customer's plan.</summary>
    /// <param name="customerId">The customer (Commet's ID or yours).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual async Task<IReadOnlyList<UsageQuota>> GetAllAsync(string customerId, CancellationToken cancellationToken = default) =>
        await pipeline.SendAsync(HttpMethod.Get, "/usage/quota/all", new Query().Add("customerId", customerId), null, J.ListUsageQuota, cancellationToken)
            .ConfigureAwait(false);
}

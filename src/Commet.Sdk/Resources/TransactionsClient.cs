using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Payment transactions: <c>/transactions</c>.</summary>
public class TransactionsClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected TransactionsClient() => pipeline = null!;

    internal TransactionsClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>Every transaction, newest first.</summary>
    /// <param name="options">Filters.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<Transaction> ListAsync(ListTransactionsOptions? options = null, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/transactions", new Query()
            .Add("status", options?.Status is { } s ? System.Text.Json.JsonSerializer.Serialize(s, J.TransactionStatus).Trim('"') : null)
            .Add("customerEmail", options?.CustomerEmail)
            .Add("limit", options?.PageSize), J.Transaction, cancellationToken);

    /// <summary>Gets a transaction.</summary>
    /// <param name="id">The transaction's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Transaction> GetAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/transactions/" + Pipeline.Segment(id), null, null, J.Transaction, cancellationToken);

    /// <summary>Refunds a transaction in full.</summary>
    /// <param name="id">The transaction's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<TransactionRefund> RefundAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, $"/transactions/{Pipeline.Segment(id)}/refund", null, Body.Empty, J.TransactionRefund, cancellationToken);

    /// <summary>Retries a failed renewal charge.</summary>
    /// <param name="id">The transaction's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<TransactionRetry> RetryAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, $"/transactions/{Pipeline.Segment(id)}/retry", null, Body.Empty, J.TransactionRetry, cancellationToken);
}

using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>The emails the server sends customers: <c>/emails</c> (a Commet for .NET addition; bodies are never shown).</summary>
public class EmailsClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected EmailsClient() => pipeline = null!;

    internal EmailsClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>Every email, newest first.</summary>
    /// <param name="options">Filters and the page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<Email> ListAsync(ListEmailsOptions? options = null, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/emails", new Query()
            .Add("customerId", options?.CustomerId)
            .Add("kind", options?.Kind)
            .Add("status", options?.Status)
            .Add("limit", options?.PageSize), J.Email, cancellationToken);

    /// <summary>Gets an email.</summary>
    /// <param name="id">The email's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Email> GetAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/emails/" + Pipeline.Segment(id), null, null, J.Email, cancellationToken);
}

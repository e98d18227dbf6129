using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Invoices: <c>/invoices</c>.</summary>
public class InvoicesClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected InvoicesClient() => pipeline = null!;

    internal InvoicesClient(Pipeline pipeline) => this.pipeline = pipeline;

    private static string Inv(string id) => "/invoices/" + Pipeline.Segment(id);

    /// <summary>Every invoice, newest first.</summary>
    /// <param name="options">Filters.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<Invoice> ListAsync(ListInvoicesOptions? options = null, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/invoices", new Query()
            .Add("customerId", options?.CustomerId)
            .Add("status", options?.Status is { } s ? System.Text.Json.JsonSerializer.Serialize(s, J.InvoiceStatus).Trim('"') : null)
            .Add("subscriptionId", options?.SubscriptionId)
            .Add("limit", options?.PageSize), J.Invoice, cancellationToken);

    /// <summary>Gets an invoice with its lines.</summary>
    /// <param name="id">The invoice's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Invoice> GetAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, Inv(id), null, null, J.Invoice, cancellationToken);

    /// <summary>Creates a one-off adjustment invoice (a negative amount credits the customer).</summary>
    /// <param name="request">The adjustment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Invoice> CreateAdjustmentAsync(CreateAdjustmentInvoiceRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/invoices", null, Body.Of(request, J.CreateAdjustmentInvoiceRequest), J.Invoice, cancellationToken);

    /// <summary>A signed link to the invoice's PDF.</summary>
    /// <param name="id">The invoice's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<InvoiceDownload> GetDownloadUrlAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, Inv(id) + "/download", null, null, J.InvoiceDownload, cancellationToken);

    /// <summary>The invoice's PDF, read whole into a seekable stream that the caller disposes.</summary>
    /// <param name="id">The invoice's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual async Task<Stream> DownloadPdfAsync(string id, CancellationToken cancellationToken = default)
    {
        var link = await GetDownloadUrlAsync(id, cancellationToken).ConfigureAwait(false);
        return await pipeline.SendForStreamAsync(link.Url, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Emails the invoice to the customer.</summary>
    /// <param name="id">The invoice's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<SentInvoice> SendAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Inv(id) + "/send", null, Body.Empty, J.SentInvoice, cancellationToken);

    /// <summary>Marks an outstanding invoice paid or void.</summary>
    /// <param name="id">The invoice's ID.</param>
    /// <param name="status"><see cref="InvoiceStatus.Paid"/> or <see cref="InvoiceStatus.Void"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<InvoiceStatusChange> UpdateStatusAsync(string id, InvoiceStatus status, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, Inv(id) + "/status", null, Body.Of(new InvoiceStatusBody { Status = status }, J.InvoiceStatusBody), J.InvoiceStatusChange, cancellationToken);
}

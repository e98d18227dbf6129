using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>
/// One-off payments: <c>/payments</c>. A payment link is a hosted page where the customer pays with any card; a charge
/// takes the amount from the saved card at once. Either, paid, issues a <c>one_time_payment</c> invoice.
/// </summary>
public class PaymentsClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected PaymentsClient() => pipeline = null!;

    internal PaymentsClient(Pipeline pipeline) => this.pipeline = pipeline;

    private static string Pay(string id) => "/payments/" + Pipeline.Segment(id);

    /// <summary>Every one-off payment (links and charges), newest first.</summary>
    /// <param name="options">Filters.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<Payment> ListAsync(ListPaymentsOptions? options = null, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/payments", new Query().Add("customerId", options?.CustomerId).Add("limit", options?.PageSize), J.Payment, cancellationToken);

    /// <summary>Creates a payment link; send the customer to <see cref="Payment.Url"/>.</summary>
    /// <param name="request">The amount, currency, customer and description.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Payment> CreateAsync(CreatePaymentRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/payments", null, Body.Of(request, J.CreatePaymentRequest), J.Payment, cancellationToken);

    /// <summary>
    /// Charges the customer's saved card now. A decline throws a <see cref="CommetApiException"/> (<c>charge_failed</c>);
    /// the retries of one call share an <c>Idempotency-Key</c>, so a retried charge is made once.
    /// </summary>
    /// <param name="request">The amount, currency, customer and description.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Payment> ChargeAsync(ChargePaymentRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/payments/charge", null, Body.Of(request, J.ChargePaymentRequest), J.Payment, cancellationToken);

    /// <summary>Gets a one-off payment.</summary>
    /// <param name="id">The payment's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Payment> GetAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, Pay(id), null, null, J.Payment, cancellationToken);

    /// <summary>Cancels an unpaid payment link: its page refuses it from then on. Canceling it again changes nothing; a charge cannot be canceled.</summary>
    /// <param name="id">The payment's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Payment> CancelAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, Pay(id) + "/cancel", null, Body.Empty, J.Payment, cancellationToken);
}

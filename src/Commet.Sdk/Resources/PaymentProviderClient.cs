using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>The organization's payment provider for the key's mode: <c>/payment-provider</c> (a Commet for .NET addition).</summary>
public class PaymentProviderClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected PaymentProviderClient() => pipeline = null!;

    internal PaymentProviderClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>The provider in use: a connected Stripe account, or the built-in sandbox provider.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PaymentProviderSettings> GetAsync(CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/payment-provider", null, null, J.PaymentProviderSettings, cancellationToken);

    /// <summary>Connects the organization's own Stripe account; the server checks the key with Stripe first.</summary>
    /// <param name="request">The Stripe keys.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PaymentProviderSettings> ConnectAsync(ConnectPaymentProviderRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, "/payment-provider", null, Body.Of(request, J.ConnectPaymentProviderRequest), J.PaymentProviderSettings, cancellationToken);
}

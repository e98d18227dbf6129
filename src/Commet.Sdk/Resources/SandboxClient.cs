using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Sandbox helpers for tests, demos and scripts: <c>/sandbox</c> (sandbox keys only; a Commet for .NET addition).</summary>
public class SandboxClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected SandboxClient() => pipeline = null!;

    internal SandboxClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>Saves a test card as the customer's default payment method, without the hosted card page.</summary>
    /// <param name="request">The customer and the card.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PaymentMethod> AddTestCardAsync(AddTestCardRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/sandbox/payment-methods", null, Body.Of(request, J.AddTestCardRequest), J.PaymentMethod, cancellationToken);
}

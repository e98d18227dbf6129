using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Promo codes: <c>/promo-codes</c>. A customer redeems one with <see cref="CreateSubscriptionRequest.PromoCode"/>.</summary>
public class PromoCodesClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected PromoCodesClient() => pipeline = null!;

    internal PromoCodesClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>Every promo code, newest first.</summary>
    /// <param name="options">Page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<PromoCode> ListAsync(ListOptions? options = null, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/promo-codes", new Query().Add("limit", options?.PageSize), J.PromoCode, cancellationToken);

    /// <summary>Gets a promo code by ID, or by the code itself (any case).</summary>
    /// <param name="id">The promo code's ID or its code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PromoCode> GetAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/promo-codes/" + Pipeline.Segment(id), null, null, J.PromoCode, cancellationToken);

    /// <summary>Creates a promo code; the code is stored upper case and must be new.</summary>
    /// <param name="request">The promo code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PromoCode> CreateAsync(CreatePromoCodeRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/promo-codes", null, Body.Of(request, J.CreatePromoCodeRequest), J.PromoCode, cancellationToken);

    /// <summary>Changes a promo code's interval, redemption limit, expiry, active flag or plans.</summary>
    /// <param name="id">The promo code's ID or its code.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PromoCode> UpdateAsync(string id, UpdatePromoCodeRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, "/promo-codes/" + Pipeline.Segment(id), null, Body.Of(UpdatePromoCodeBody.From(request), J.JsonObject), J.PromoCode, cancellationToken);

    /// <summary>Switches a promo code off: it is refused from then on (redemptions already made keep their discount).</summary>
    /// <param name="id">The promo code's ID or its code.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PromoCode> DeactivateAsync(string id, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, new UpdatePromoCodeRequest { Active = false }, cancellationToken);
}

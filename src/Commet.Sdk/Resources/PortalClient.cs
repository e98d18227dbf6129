using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>The Customer Portal: links (<c>/portal/request-access</c>), settings and logo (<c>/portal/settings</c>).</summary>
public class PortalClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected PortalClient() => pipeline = null!;

    internal PortalClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>A fresh single-use link that opens the portal signed in as the customer. Send the browser there at once.</summary>
    /// <param name="customerId">The customer (Commet's ID or yours).</param>
    /// <param name="returnUrl">Where the portal's back link goes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Uri> GetUrlAsync(string customerId, string? returnUrl = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        return GetUrlAsync(new PortalUrlRequest { CustomerId = customerId, ReturnUrl = returnUrl }, cancellationToken);
    }

    /// <summary>A fresh single-use portal link for a customer given by ID or email.</summary>
    /// <param name="request">Who and where back goes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual async Task<Uri> GetUrlAsync(PortalUrlRequest request, CancellationToken cancellationToken = default)
    {
        var access = await pipeline.SendAsync(HttpMethod.Post, "/portal/request-access", null, Body.Of(request, J.PortalUrlRequest), J.PortalAccess, cancellationToken)
            .ConfigureAwait(false);
        return new Uri(access.PortalUrl);
    }

    /// <summary>The portal's settings for the key's organization and mode, defaults filled in (a Commet for .NET addition).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PortalSettings> GetSettingsAsync(CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/portal/settings", null, null, J.PortalSettings, cancellationToken);

    /// <summary>Changes the portal's settings; fields left null keep their value (a Commet for .NET addition).</summary>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PortalSettings> UpdateSettingsAsync(UpdatePortalSettingsRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, "/portal/settings", null, Body.Of(request, J.UpdatePortalSettingsRequest), J.PortalSettings, cancellationToken);

    /// <summary>
    /// Uploads the portal's logo (a Commet for .NET addition): a PNG, JPEG or SVG image of at most 256 KB; an SVG is
    /// sanitised. The answer's <see cref="PortalSettings.LogoUrl"/> is where the server serves it (a new URL per upload).
    /// </summary>
    /// <param name="image">The image's bytes.</param>
    /// <param name="contentType"><c>image/png</c>, <c>image/jpeg</c> or <c>image/svg+xml</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PortalSettings> UploadLogoAsync(byte[] image, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        return pipeline.SendAsync(HttpMethod.Put, "/portal/settings/logo", null, Body.Raw(image, contentType), J.PortalSettings, cancellationToken);
    }

    /// <summary>Removes the uploaded logo: the portal shows the display name alone (a Commet for .NET addition).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<PortalSettings> DeleteLogoAsync(CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Delete, "/portal/settings/logo", null, null, J.PortalSettings, cancellationToken);
}

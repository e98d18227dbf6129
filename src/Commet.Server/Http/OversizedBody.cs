using Commet.Server.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Commet.Server.Http;

/// <summary>
/// A request that declares a body over <c>Commet:MaxRequestBodyBytes</c> is answered 413 <c>payload_too_large</c>
/// before any endpoint runs. Up to four times the limit the body is read and dropped first, so that a client still
/// sending gets the answer instead of a reset connection (Kestrel closes a connection whose unread body is over the
/// limit, whether the endpoint read the body or not); a larger one is answered at once and the connection closed.
/// Reading is bounded by Kestrel's minimum data rate and the request timeout like any body.
/// </summary>
public static class OversizedBody
{
    private const int DrainFactor = 4;

    public static async Task<bool> RefusedAsync(HttpContext context)
    {
        var max = context.RequestServices.GetRequiredService<IOptions<CommetOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength is not { } length || length <= max)
        {
            return false;
        }
        var sizeLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (length <= max * DrainFactor && sizeLimit is { IsReadOnly: false })
        {
            sizeLimit.MaxRequestBodySize = length;
            try
            {
                var buffer = new byte[16 * 1024];
                while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is BadHttpRequestException or IOException or OperationCanceledException)
            {
                // The client stopped sending or went away: answer anyway if it still listens.
                context.Response.Headers.Connection = "close";
            }
        }
        else
        {
            context.Response.Headers.Connection = "close";
        }
        await Api.WriteErrorAsync(context, ApiErrors.PayloadTooLarge);
        return true;
    }
}

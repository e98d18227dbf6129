using System.Globalization;
using System.Security.Cryptography;
using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Payments;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Portal;

/// <summary>
/// Logo upload (<c>PUT/DELETE /api/v1/portal/settings/logo</c>, the image as the request body) and serving
/// (<c>GET /logos/{id}</c>, public, cached for a year: a new upload has a new URL).
/// </summary>
public static class PortalLogos
{
    /// <summary>Largest logo accepted, in bytes.</summary>
    public const int MaxBytes = 256 * 1024;

    public const string PathPrefix = "/logos/";

    /// <summary>
    /// Pages with a logo end with this script (allowed by its hash in their Content-Security-Policy): a logo that fails to
    /// load (or decode) is hidden and the merchant's initials beside it are shown instead.
    /// </summary>
    public const string FallbackScript =
        "document.querySelectorAll(\"img[data-fallback]\").forEach(function(i){i.decode().catch(function(){i.hidden=true;i.nextElementSibling.hidden=false})})";

    /// <summary>The script's hash as a CSP source.</summary>
    public static readonly string FallbackScriptHash = PortalStyles.Hash(FallbackScript);

    private static readonly string[] Types = ["image/png", "image/jpeg", "image/svg+xml"];

    public static void MapPortalLogos(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/portal/settings").WithTags("Portal");

        group.MapPut("/logo", async Task<Results<ApiOk<PortalSettingsDto>, ApiProblem>> (HttpRequest request, CommetDb db, ApiCaller caller,
            IOptions<PortalOptions> options, PortalBrandings brandings, HostedLinks links, TimeProvider time, CancellationToken ct) =>
        {
            var type = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
            if (type is null || !Types.Contains(type))
            {
                return Answer.Problem(Error.Validation("logo", "The logo must be sent as the request body with Content-Type image/png, image/jpeg or image/svg+xml."));
            }
            if (request.ContentLength > MaxBytes)
            {
                return Answer.Problem(TooLarge());
            }
            var body = await ReadAsync(request.Body, ct);
            if (body is null)
            {
                return Answer.Problem(TooLarge());
            }
            var content = type switch
            {
                "image/png" => IsPng(body) ? body : null,
                "image/jpeg" => IsJpeg(body) ? body : null,
                _ => SvgSanitizer.Sanitize(body),
            };
            if (content is null)
            {
                return Answer.Problem(Error.Validation("logo", $"The body is not a valid {type} image."));
            }
            var now = time.GetUtcNow().UtcDateTime;
            var logo = await db.PortalLogos.FirstOrDefaultAsync(ct);
            if (logo is null)
            {
                logo = new PortalLogo { OrganizationId = caller.OrganizationId, Livemode = caller.Livemode, Id = "", ContentType = type, Content = content, Hash = "" };
                db.PortalLogos.Add(logo);
            }
            logo.Id = Ids.New("logo", time);
            logo.ContentType = type;
            logo.Content = content;
            logo.Hash = Convert.ToHexStringLower(SHA256.HashData(content));
            logo.CreatedAt = now;
            var settings = await db.PortalSettings.FirstOrDefaultAsync(ct);
            if (settings is null)
            {
                settings = new PortalSettings { OrganizationId = caller.OrganizationId, Livemode = caller.Livemode, CreatedAt = now };
                db.PortalSettings.Add(settings);
            }
            settings.LogoUrl = PathPrefix + logo.Id;
            settings.UpdatedAt = now;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                return Answer.Problem(Error.Conflict("concurrent_update", "The logo was changed at the same moment by another request. Send the request again."));
            }
            brandings.Forget(caller.OrganizationId, caller.Livemode);
            return Answer.Ok(await PortalSettingsEndpoints.ToDtoAsync(db, caller, settings, options.Value, Base(links, request), ct));
        }).WithSummary($"Upload the portal's logo: the PNG, JPEG or SVG image as the request body (at most {MaxBytes / 1024} KB). "
                + "SVGs are sanitised (no scripts, event handlers or external references). The answer's logoUrl is where the server serves it.");

        group.MapDelete("/logo", async Task<ApiOk<PortalSettingsDto>> (HttpRequest request, CommetDb db, ApiCaller caller, IOptions<PortalOptions> options,
            PortalBrandings brandings, HostedLinks links, TimeProvider time, CancellationToken ct) =>
        {
            var settings = await db.PortalSettings.FirstOrDefaultAsync(ct);
            await RemoveAsync(db, settings, ct);
            if (settings is not null)
            {
                settings.UpdatedAt = time.GetUtcNow().UtcDateTime;
            }
            await db.SaveChangesAsync(ct);
            brandings.Forget(caller.OrganizationId, caller.Livemode);
            return Answer.Ok(await PortalSettingsEndpoints.ToDtoAsync(db, caller, settings, options.Value, Base(links, request), ct));
        }).WithSummary("Remove the uploaded logo (the portal shows the display name alone).");
    }

    /// <summary>Public: the logo is shown to customers (portal, payment pages, emails) who have no API key.</summary>
    public static void MapLogoFiles(this IEndpointRouteBuilder app)
    {
        app.MapGet(PathPrefix + "{id}", async (string id, HttpContext http, CommetDb db, CancellationToken ct) =>
        {
            var logo = id.Length > 40 ? null
                : await db.PortalLogos.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct);
            if (logo is null)
            {
                return Results.NotFound();
            }
            var etag = $"\"{logo.Hash}\"";
            var h = http.Response.Headers;
            h.ETag = etag;
            // One URL, one image for ever: a new upload gets a new ID.
            h.CacheControl = "public, max-age=31536000, immutable";
            h.LastModified = logo.CreatedAt.ToString("R", CultureInfo.InvariantCulture);
            h.XContentTypeOptions = "nosniff";
            // Opened on its own, an SVG is a document: it may draw, never run or fetch anything.
            h.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
            if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*")))
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
            return Results.Bytes(logo.Content, logo.ContentType);
        }).ExcludeFromDescription();
    }

    /// <summary>Drops the uploaded logo and, when the settings point at it, the settings' logo URL.</summary>
    public static async Task RemoveAsync(CommetDb db, PortalSettings? settings, CancellationToken ct)
    {
        var logo = await db.PortalLogos.FirstOrDefaultAsync(ct);
        if (logo is not null)
        {
            db.PortalLogos.Remove(logo);
        }
        if (settings?.LogoUrl is { } url && url.StartsWith(PathPrefix, StringComparison.Ordinal))
        {
            settings.LogoUrl = null;
        }
    }

    /// <summary>A logo URL as given to browsers and email clients: an uploaded logo's path on this server made absolute.</summary>
    public static string? Absolute(string? logoUrl, string baseUrl) =>
        logoUrl is not null && logoUrl.StartsWith(PathPrefix, StringComparison.Ordinal) ? baseUrl.TrimEnd('/') + logoUrl : logoUrl;

    /// <summary>"NC" for "Nimbus Cloud", "A" for "Acme": what shows when the logo cannot be loaded.</summary>
    public static string Initials(string name)
    {
        var words = name.Split([' ', '-', '_', '.', ','], StringSplitOptions.RemoveEmptyEntries);
        var letters = words.Take(2).Select(w => StringInfo.GetNextTextElement(w)).Where(l => l.Length > 0);
        var initials = string.Concat(letters).ToUpper(CultureInfo.InvariantCulture);
        return initials.Length > 0 ? initials : "?";
    }

    private static string Base(HostedLinks links, HttpRequest request) => links.Base(Billing.BillingScopes.BaseUrlOf(request));

    private static Error TooLarge() =>
        new("logo_too_large", $"The logo must be at most {MaxBytes / 1024} KB.", StatusCodes.Status413PayloadTooLarge, "invalid_request_error", "logo");

    /// <summary>The body, or null when it is longer than <see cref="MaxBytes"/>.</summary>
    private static async Task<byte[]?> ReadAsync(Stream body, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static bool IsPng(byte[] b) => b.Length > 8 && b.AsSpan(0, 8).SequenceEqual((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

    private static bool IsJpeg(byte[] b) => b.Length > 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
}

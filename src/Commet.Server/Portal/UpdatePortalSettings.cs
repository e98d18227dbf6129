using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Portal;

/// <summary>
/// Changes the customer portal's settings of the caller's organization and mode — branding, limits, sections, the
/// seller block of invoices and which emails go out — with fields left out kept (the API's <c>PUT /portal/settings</c>
/// and the dashboard's Settings page).
/// </summary>
public sealed class UpdatePortalSettings(IOptions<PortalOptions> options, PortalBrandings brandings, TimeProvider time)
{
    public async Task<Result<PortalSettings>> HandleAsync(UpdatePortalSettingsRequest r, CommetDb db, ApiCaller caller, CancellationToken ct)
    {
        var settings = await db.PortalSettings.FirstOrDefaultAsync(ct);
        var o = options.Value;
        var check = PortalSettingsEndpoints.Validate(r, settings, o);
        if (check.Failed)
        {
            return check.ToError();
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (settings is null)
        {
            settings = new PortalSettings { OrganizationId = caller.OrganizationId, Livemode = caller.Livemode, CreatedAt = now };
            db.PortalSettings.Add(settings);
        }
        if (r.LogoUrl is not null)
        {
            // A logo URL given (or cleared) replaces an uploaded logo.
            await PortalLogos.RemoveAsync(db, settings, ct);
        }
        PortalSettingsEndpoints.Apply(r, settings);
        settings.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Two first PUTs raced; the other one created the row. Asking again applies this one on top.
            return Error.Conflict("concurrent_update", "The settings were changed at the same moment by another request. Send the request again.");
        }
        brandings.Forget(caller.OrganizationId, caller.Livemode);
        return settings;
    }
}

using Commet.Domain;
using Commet.Server.Dashboard;
using Commet.Server.Organizations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>API keys of this organization and mode: listed (never the secret), created (the secret shown once), revoked — with the API's use cases.</summary>
[Requires(Capability.ApiKeys)]
public sealed class DevelopersModel(CreateApiKey create, RevokeApiKey revoke) : DashboardPageModel
{
    public override string Section => "developers";

    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];

    public string? CreatedSecret { get; private set; }

    private async Task LoadAsync() => Keys = await Db.ApiKeys.AsNoTracking().OrderByDescending(k => k.Id).ToListAsync(Ct);

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync(string? name, int? expiresInDays)
    {
        var result = await create.HandleAsync(new CreateApiKeyRequest { Name = name, ExpiresInDays = expiresInDays }, Db, Caller, Ct);
        if (!result.IsSuccess)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Problem = DashboardText.Describe(result.Error!);
        }
        else
        {
            CreatedSecret = result.Value.ApiKey;
            await AuditAsync(AuditActions.ApiKeyCreated, $"{result.Value.Id} ({result.Value.Prefix}…)");
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? keyId)
    {
        var result = await revoke.HandleAsync(keyId ?? "", Db, Caller, Ct);
        if (!result.IsSuccess)
        {
            return result.Error!.Status == StatusCodes.Status404NotFound ? NotFound() : StatusCode(result.Error.Status);
        }
        await AuditAsync(AuditActions.ApiKeyRevoked, $"{result.Value.Id} ({result.Value.Prefix}…)");
        return Redirect(Path("developers") + "?revoked=" + Uri.EscapeDataString(result.Value.Id));
    }
}

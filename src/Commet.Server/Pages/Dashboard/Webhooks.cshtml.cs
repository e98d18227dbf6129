using Commet.Domain.Billing;
using Commet.Server.Dashboard;
using Commet.Server.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// Webhook endpoints of this organization and mode: listed (never their secrets) and created with the API's use case
/// (the signing secret shown once). Owners, admins and developers only (page and every post).
/// </summary>
[Requires(Capability.Webhooks)]
public sealed class WebhooksModel(CreateWebhookEndpoint create) : DashboardPageModel
{
    public override string Section => "webhooks";

    public IReadOnlyList<WebhookEndpoint> Endpoints { get; private set; } = [];

    /// <summary>The endpoint just created, with its secret: shown on this answer only.</summary>
    public WebhookEndpointCreatedDto? Created { get; private set; }

    public IReadOnlyDictionary<string, string> FieldErrors { get; private set; } = new Dictionary<string, string>();

    /// <summary>What a refused form held, so it is not typed again.</summary>
    public string? EnteredUrl { get; private set; }

    public string? EnteredDescription { get; private set; }

    public IReadOnlyList<string> EnteredEvents { get; private set; } = ["*"];

    /// <summary>Every event an endpoint can subscribe to, in name order.</summary>
    public static IReadOnlyList<string> EventNames { get; } = WebhookEndpointsApi.KnownEvents.Order(StringComparer.Ordinal).ToList();

    private async Task LoadAsync() => Endpoints = await Db.WebhookEndpoints.AsNoTracking().OrderByDescending(w => w.Id).ToListAsync(Ct);

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync(string? url, string? description, string[]? events)
    {
        var chosen = (events ?? []).Where(e => !string.IsNullOrEmpty(e)).ToList();
        var result = await create.HandleAsync(new CreateWebhookRequest { Url = url, Description = description, Events = chosen.Count == 0 ? null : chosen }, Db, Caller, Ct);
        if (!result.IsSuccess)
        {
            Db.ChangeTracker.Clear();
            Response.StatusCode = result.Error!.Status;
            Problem = DashboardText.Describe(result.Error);
            FieldErrors = DashboardText.Fields(result.Error);
            EnteredUrl = url;
            EnteredDescription = description;
            EnteredEvents = chosen;
        }
        else
        {
            Created = result.Value;
            await AuditAsync(AuditActions.WebhookCreated, $"{result.Value.Id} ({result.Value.Url})");
        }
        await LoadAsync();
        return Page();
    }
}

using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Dashboard;
using Commet.Server.Http;
using Commet.Server.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// One webhook endpoint of this organization and mode (any other is 404): edit, disable or enable, send a test event,
/// rotate the signing secret (the new one shown once), delete; and its delivery log a page at a time, each delivery
/// with its payload, status and last answer, and redelivery. Every change is the API's use case and is audited.
/// </summary>
[Requires(Capability.Webhooks)]
public sealed class WebhookModel(UpdateWebhookEndpoint update, DeleteWebhookEndpoint delete, SendTestWebhook test, RedeliverWebhook redeliver,
    RotateWebhookSecret rotate) : DashboardPageModel
{
    public const int PageSize = 25;

    public static readonly string[] Statuses =
        [WebhookDeliveryStatus.Pending, WebhookDeliveryStatus.Succeeded, WebhookDeliveryStatus.Failed, WebhookDeliveryStatus.Canceled];

    public override string Section => "webhooks";

    public WebhookEndpoint Endpoint { get; private set; } = null!;

    public IReadOnlyList<WebhookDelivery> Deliveries { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public string? Status { get; private set; }

    /// <summary>The new secret after a rotation: shown on this answer only.</summary>
    public string? NewSecret { get; private set; }

    public IReadOnlyDictionary<string, string> FieldErrors { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Events => Endpoint.Events.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The cursor of the newer page of deliveries (null on the newest).</summary>
    public string? NewerCursor { get; private set; }

    private async Task<bool> LoadAsync(string id, string? status = null, string? cursor = null, string? before = null)
    {
        var endpoint = await Db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, Ct);
        if (endpoint is null)
        {
            return false;
        }
        Endpoint = endpoint;
        Status = status is not null && Statuses.Contains(status) ? status : null;
        var query = Db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == endpoint.Id);
        if (Status is not null)
        {
            query = query.Where(d => d.Status == Status);
        }
        var result = await DashboardPaging.ReadAsync(query, PageSize, cursor, before, Ct);
        Deliveries = result.Items;
        NextCursor = result.OlderCursor;
        NewerCursor = result.NewerCursor;
        return true;
    }

    public async Task<IActionResult> OnGetAsync(string id, string? status, string? cursor, string? before)
    {
        if (!DashboardPaging.Valid(cursor, before))
        {
            return BadRequest();
        }
        return await LoadAsync(id, status, cursor, before) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostUpdateAsync(string id, string? url, string? description, string[]? events)
    {
        var chosen = (events ?? []).Where(e => !string.IsNullOrEmpty(e)).ToList();
        var request = new UpdateWebhookRequest { Url = url ?? "", Description = description, Events = chosen };
        return await ChangeAsync(id, await update.HandleAsync(id, request, Db, Caller, Ct), AuditActions.WebhookUpdated, "saved");
    }

    public async Task<IActionResult> OnPostActiveAsync(string id, bool active) =>
        await ChangeAsync(id, await update.HandleAsync(id, new UpdateWebhookRequest { IsActive = active }, Db, Caller, Ct),
            active ? AuditActions.WebhookEnabled : AuditActions.WebhookDisabled, active ? "enabled" : "disabled");

    public async Task<IActionResult> OnPostTestAsync(string id)
    {
        var result = await test.HandleAsync(id, Db, Ct);
        if (!result.IsSuccess)
        {
            return NotFound();
        }
        await AuditAsync(AuditActions.WebhookTested, $"{id} ({result.Value.DeliveryId})");
        return Redirect(Path("webhooks/" + Uri.EscapeDataString(id)) + "?tested=" + (result.Value.Success ? "ok" : "failed"));
    }

    public async Task<IActionResult> OnPostRedeliverAsync(string id, string? deliveryId)
    {
        var result = await redeliver.HandleAsync(id, deliveryId ?? "", Db, Ct);
        if (!result.IsSuccess)
        {
            return await RefusedAsync(id, result.Error!);
        }
        await AuditAsync(AuditActions.WebhookRedelivered, $"{id} ({result.Value.Id})");
        return Redirect(Path("webhooks/" + Uri.EscapeDataString(id)) + "?redelivered=" + Uri.EscapeDataString(result.Value.Id));
    }

    public async Task<IActionResult> OnPostRotateAsync(string id, int? overlapHours)
    {
        var result = await rotate.HandleAsync(id, new RotateWebhookSecretRequest { OverlapHours = overlapHours }, Db, Ct);
        if (!result.IsSuccess)
        {
            return await RefusedAsync(id, result.Error!);
        }
        await AuditAsync(AuditActions.WebhookSecretRotated, id);
        NewSecret = result.Value.SecretKey;
        await LoadAsync(id);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id)
    {
        var result = await delete.HandleAsync(id, Db, Ct);
        if (!result.IsSuccess)
        {
            return NotFound();
        }
        await AuditAsync(AuditActions.WebhookDeleted, $"{id} ({result.Value.Url})");
        return Redirect(Path("webhooks") + "?deleted=" + Uri.EscapeDataString(id));
    }

    private async Task<IActionResult> ChangeAsync(string id, Result<WebhookEndpointDto> result, string action, string what)
    {
        if (!result.IsSuccess)
        {
            return await RefusedAsync(id, result.Error!);
        }
        await AuditAsync(action, id);
        return Redirect(Path("webhooks/" + Uri.EscapeDataString(id)) + "?done=" + what);
    }

    /// <summary>The use case refused: 404 for an endpoint or delivery not here, else the page again with its reasons.</summary>
    private async Task<IActionResult> RefusedAsync(string id, Commet.Domain.Error error)
    {
        Db.ChangeTracker.Clear();
        if (error.Status == StatusCodes.Status404NotFound || !await LoadAsync(id))
        {
            return NotFound();
        }
        Response.StatusCode = error.Status;
        Problem = DashboardText.Describe(error);
        FieldErrors = DashboardText.Fields(error);
        return Page();
    }

    public string NextLink() => Link("cursor", NextCursor);

    public string NewerLink() => Link("before", NewerCursor);

    private string Link(string name, string? value) =>
        Path("webhooks/" + Uri.EscapeDataString(Endpoint.Id)) + "?" + name + "=" + Uri.EscapeDataString(value ?? "")
        + (Status is null ? "" : "&status=" + Uri.EscapeDataString(Status));
}

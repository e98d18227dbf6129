using Acme.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Acme.Pages;

/// <summary>The last 50 events the webhook receiver verified and stored.</summary>
[Authorize]
public sealed class EventsModel(AcmeDb db, IConfiguration configuration) : PageModel
{
    public IReadOnlyList<ReceivedEvent> Events { get; private set; } = [];

    public bool ReceiverOn => !string.IsNullOrWhiteSpace(configuration["Commet:WebhookSecret"]);

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Events = await db.ReceivedEvents.OrderByDescending(e => e.Number).Take(50).ToListAsync(cancellationToken);
}

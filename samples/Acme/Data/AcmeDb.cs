using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Commet.Webhooks;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Acme.Data;

/// <summary>The sample's database: Identity's users, and the webhook events the receiver took in.</summary>
public sealed class AcmeDb(DbContextOptions<AcmeDb> options) : IdentityDbContext(options)
{
    public DbSet<ReceivedEvent> ReceivedEvents => Set<ReceivedEvent>();
}

/// <summary>A verified webhook delivery, as the Events page shows it.</summary>
public sealed class ReceivedEvent
{
    /// <summary>Arrival order.</summary>
    [Key]
    public int Number { get; set; }

    /// <summary>Commet's event ID (the receiver already drops repeats by it).</summary>
    public string EventId { get; set; } = "";

    /// <summary>The event's name, such as <c>subscription.canceled</c>.</summary>
    public string Event { get; set; } = "";

    /// <summary>The customer the event is about, when its data names one.</summary>
    public string? CustomerId { get; set; }

    /// <summary>sandbox or live.</summary>
    public string Mode { get; set; } = "";

    public DateTime ReceivedAtUtc { get; set; }

    /// <summary>The event's data object, as JSON.</summary>
    public string Data { get; set; } = "";

    public static ReceivedEvent From(WebhookEvent evt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var data = evt.RawData;
        var customer = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("customerId", out var c) && c.ValueKind == JsonValueKind.String
            ? c.GetString()
            : null;
        return new ReceivedEvent
        {
            EventId = evt.Id,
            Event = evt.Event,
            CustomerId = customer,
            Mode = evt.Mode,
            ReceivedAtUtc = now.UtcDateTime,
            Data = data.ValueKind == JsonValueKind.Undefined ? "" : data.GetRawText(),
        };
    }
}

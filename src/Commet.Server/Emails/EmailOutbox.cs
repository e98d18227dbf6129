using System.Text.Json;
using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Events;
using Commet.Server.Persistence;

namespace Commet.Server.Emails;

/// <summary>
/// Puts emails in the outbox in the caller's unit of work, so an email exists exactly when the change that causes it
/// was committed. Most are caused by an event (<see cref="ForEvent"/>, called by <see cref="EventRecorder"/> for every
/// event it records); the others are asked for directly (<c>POST /invoices/{id}/send</c>, "email me a link").
/// Whether the organization wants an email is decided when it is sent (a turned-off email is kept as <c>skipped</c>),
/// so recording reads nothing.
/// </summary>
public static class EmailOutbox
{
    /// <summary>The email an event causes, if any.</summary>
    public static EmailMessage? ForEvent<TData>(CommetDb db, Tenant tenant, TData data)
        where TData : IEventData
    {
        // Data keeps only what the email shows and no invoice number: the engine numbers a chunk's invoices last, and
        // a number copied here would still be its placeholder.
        var (kind, customerId, invoiceId, subscriptionId, details) = data switch
        {
            // A zero invoice (a free plan's renewal) has nothing to give a receipt for.
            PaymentReceivedData p when p.InvoiceTotal > 0 => (EmailKinds.Receipt, p.CustomerId, p.InvoiceId, p.SubscriptionId, null),
            PaymentFailedData f => (EmailKinds.PaymentFailed, f.CustomerId, f.InvoiceId, f.SubscriptionId, new EmailData(f.RecoveryUrl, null, null, false)),
            InvoiceUpcomingData u when u.BillingInterval == BillingIntervals.Yearly =>
                (EmailKinds.UpcomingRenewal, u.CustomerId, null, u.SubscriptionId, new EmailData(null, u.PlanName, u.CurrentPeriodEnd, false)),
            TrialWillEndData t => (EmailKinds.TrialEnding, t.CustomerId, null, t.SubscriptionId, new EmailData(null, t.PlanName, t.TrialEndsAt, false)),
            SubscriptionCancellationScheduledData c => (EmailKinds.Cancellation, c.CustomerId, null, c.SubscriptionId, new EmailData(null, null, c.EffectiveAt, true)),
            // The end of a cancellation that was scheduled was confirmed when it was scheduled; an immediate one
            // (the customer's, the merchant's, or dunning giving up) is confirmed now.
            SubscriptionCanceledData c when c.CanceledAt == c.EndDate => (EmailKinds.Cancellation, c.CustomerId, null, c.SubscriptionId, new EmailData(null, null, c.EndDate, false)),
            _ => ((string?)null, (string?)null, (string?)null, (string?)null, (EmailData?)null),
        };
        return kind is null ? null : Add(db, tenant, kind, customerId!, invoiceId, subscriptionId, details);
    }

    public static EmailMessage Add(CommetDb db, Tenant tenant, string kind, string customerId, string? invoiceId, string? subscriptionId, EmailData? data = null,
        DateTime? at = null)
    {
        var now = at ?? DateTime.UtcNow;
        var message = new EmailMessage
        {
            Id = Ids.New(EmailMessage.IdPrefix),
            OrganizationId = tenant.OrganizationId,
            Livemode = tenant.Livemode,
            Kind = kind,
            CustomerId = customerId,
            InvoiceId = invoiceId,
            SubscriptionId = subscriptionId,
            Data = data is null ? null : JsonSerializer.Serialize(data, EmailData.Json),
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.EmailMessages.Add(message);
        return message;
    }
}

/// <summary>What an email shows from the event that caused it: a link, a plan's name, a date, whether a cancellation is scheduled.</summary>
public sealed record EmailData(string? Url, string? PlanName, DateTime? At, bool Scheduled)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static EmailData? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<EmailData>(json, Json);
}

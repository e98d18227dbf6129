using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Billing;
using Commet.Server.Infrastructure;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Payments;

public static class HostedKinds
{
    /// <summary>Pay the first invoice of a pending_payment subscription (or a free → paid change).</summary>
    public const string Checkout = "checkout";

    /// <summary>Replace the default card.</summary>
    public const string PaymentMethod = "payment_method";

    /// <summary>Pay the outstanding invoice of a past_due subscription.</summary>
    public const string Recovery = "recovery";
}

/// <summary>
/// Links to hosted payment pages. The token is a signed, time-limited protection of the session ID
/// (ASP.NET Data Protection, keys shared through the database), so it can be handed out again on every read
/// without storing anything secret, and cannot be forged or altered.
/// </summary>
public sealed class HostedLinks(IDataProtectionProvider protection, IOptions<CommetOptions> options)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private readonly ITimeLimitedDataProtector protector = protection.CreateProtector("Commet.HostedPages.v1").ToTimeLimitedDataProtector();

    public HostedSession Create(CommetDb db, Tenant tenant, string kind, string customerId, string? subscriptionId, string? invoiceId,
        string? returnUrl, DateTime now)
    {
        var session = new HostedSession
        {
            Id = Ids.New("hps"),
            OrganizationId = tenant.OrganizationId,
            Livemode = tenant.Livemode,
            Kind = kind,
            CustomerId = customerId,
            SubscriptionId = subscriptionId,
            InvoiceId = invoiceId,
            ReturnUrl = returnUrl,
            ExpiresAt = now + Lifetime,
            CreatedAt = now,
        };
        db.HostedSessions.Add(session);
        return session;
    }

    public string Token(HostedSession session) => protector.Protect(session.Id, Lifetime);

    public string Url(HostedSession session, string requestBase) => $"{Base(requestBase)}/pay/{Token(session)}";

    /// <summary>The session a token names, or null for a forged, altered, expired or missing token.</summary>
    public string? SessionIdOf(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            // A blank path segment binds as null ("/pay/%20").
            return null;
        }
        try
        {
            return protector.Unprotect(token);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The most recent open checkout of a subscription, to hand its link out again on reads.</summary>
    public static Task<HostedSession?> OpenCheckoutAsync(CommetDb db, string subscriptionId, CancellationToken ct) =>
        db.HostedSessions.AsNoTracking()
            .Where(s => s.SubscriptionId == subscriptionId && s.Kind == HostedKinds.Checkout && s.CompletedAt == null)
            .OrderByDescending(s => s.Id)
            .FirstOrDefaultAsync(ct);

    public string Base(string requestBase) => (options.Value.PublicUrl is { Length: > 0 } p ? p : requestBase).TrimEnd('/');
}

namespace Commet.Server.Emails;

/// <summary>
/// The SMTP server emails go through (<c>Commet:Smtp</c>, or <c>COMMET_SMTP__HOST</c> and so on). With no host, emails
/// are not sent: each is written to the log (subject and address, never the body) and kept in the outbox as
/// <c>logged</c>, so nothing fails and the merchant can still see them.
/// </summary>
public sealed class SmtpOptions
{
    public const string Section = "Commet:Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>The sender, as <c>billing@example.com</c> or <c>Example Billing &lt;billing@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    /// <summary>
    /// True: TLS is required (implicit TLS on port 465, STARTTLS elsewhere). False: STARTTLS when the server offers it,
    /// plain otherwise (a relay on localhost, a test server).
    /// </summary>
    public bool UseTls { get; set; } = true;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>The background sender and the "email me a link" limits (<c>Commet:Email</c>).</summary>
public sealed class EmailOptions
{
    public const string Section = "Commet:Email";

    /// <summary>Run the sender on this node.</summary>
    public bool Worker { get; set; } = true;

    /// <summary>How often the sender looks for due emails when it found none.</summary>
    public int PollMilliseconds { get; set; } = 2000;

    /// <summary>Attempts before an email is given up as failed (backoff 1 min, 5 min, 30 min, 2 h, then every 6 h).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How long a sender holds an email it claimed before another node may take it.</summary>
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>"Email me a link" requests per client IP per hour (over it: 429).</summary>
    public int LinkRequestsPerIpPerHour { get; set; } = 10;

    /// <summary>Link emails per customer per hour; requests over it are answered the same way and send nothing.</summary>
    public int LinkEmailsPerAddressPerHour { get; set; } = 3;

    /// <summary>At most this many customers of one organization get a link for one address.</summary>
    public int LinkCustomersPerRequest { get; set; } = 3;
}

using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Commet.Server.Emails;

/// <summary>Hands an email to the configured SMTP server (MailKit), or, with none configured, writes a line to the log.</summary>
public sealed class EmailTransport(IOptions<SmtpOptions> options, ILogger<EmailTransport> logger)
{
    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>Sends through SMTP; throws when the server refuses or cannot be reached (the sender retries).</summary>
    public async Task SendAsync(string emailId, EmailContent content, CancellationToken ct)
    {
        var o = options.Value;
        using var message = Build(emailId, content, o);
        using var client = new SmtpClient();
        var security = o.UseTls ? (o.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls) : SecureSocketOptions.StartTlsWhenAvailable;
        await client.ConnectAsync(o.Host!, o.Port, security, ct);
        if (!string.IsNullOrEmpty(o.Username))
        {
            await client.AuthenticateAsync(o.Username, o.Password ?? "", ct);
        }
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }

    /// <summary>What is logged instead of sending: which email, to whom, its subject — never the body, whose links are secrets.</summary>
    public void Log(string emailId, string kind, EmailContent content) =>
        logger.LogInformation("Email {EmailId} ({Kind}) to {To}, \"{Subject}\": not sent, no SMTP server is configured (Commet:Smtp:Host); kept as logged",
            emailId, kind, content.To, content.Subject);

    public static MimeMessage Build(string emailId, EmailContent content, SmtpOptions o)
    {
        var from = MailboxAddress.Parse(o.From ?? "billing@localhost");
        if (string.IsNullOrEmpty(from.Name))
        {
            // The merchant's name on the configured address: "Acme <billing@example.com>".
            from.Name = content.FromName;
        }
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(new MailboxAddress(content.ToName ?? "", content.To));
        if (content.ReplyTo is { Length: > 0 } replyTo && MailboxAddress.TryParse(replyTo, out var reply))
        {
            message.ReplyTo.Add(reply);
        }
        message.Subject = content.Subject;
        // The outbox ID, so a receiving server can drop a copy that a retry after a lost answer sent again.
        message.MessageId = $"{emailId}@{(from.Domain is { Length: > 0 } d ? d : "commet")}";
        var builder = new BodyBuilder { TextBody = content.Text, HtmlBody = content.Html };
        foreach (var a in content.Attachments)
        {
            builder.Attachments.Add(a.FileName, a.Content, ContentType.Parse(a.ContentType));
        }
        message.Body = builder.ToMessageBody();
        return message;
    }
}

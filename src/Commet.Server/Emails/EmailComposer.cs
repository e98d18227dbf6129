using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Commet.Domain;
using Commet.Domain.Billing;
using Commet.Server.Invoices;
using Commet.Server.Persistence;
using Commet.Server.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Commet.Server.Emails;

/// <summary>
/// An attachment rendered when the transport first reads it: an email that is only logged (no SMTP server configured)
/// never pays for rendering its invoice PDF.
/// </summary>
public sealed class EmailAttachment(string fileName, string contentType, Func<byte[]> render)
{
    private readonly Lazy<byte[]> content = new(render);

    public string FileName { get; } = fileName;

    public string ContentType { get; } = contentType;

    public byte[] Content => content.Value;
}

/// <summary>An email ready for the transport: plain text and HTML bodies, and attachments (the invoice PDF).</summary>
public sealed record EmailContent(string To, string? ToName, string FromName, string? ReplyTo, string Subject, string Text, string Html,
    IReadOnlyList<EmailAttachment> Attachments);

/// <summary>What rendering an outbox row came to: an email, or the reason it is not sent.</summary>
public sealed record Composed(EmailContent? Content, string? SkipReason, string Culture);

/// <summary>
/// Renders an outbox row in the customer's language with the organization's portal branding (name, logo, accent
/// colour, support address), as plain text and HTML. It reads the row's invoice or subscription as they are now, so an
/// email that no longer applies (a failed payment paid since) is skipped. No card data is ever written in an email.
/// </summary>
public sealed class EmailComposer(EmailTexts texts, IEmailCulture cultures, PortalBrandings brandings, PortalSessions sessions, IOptions<PortalOptions> portal)
{
    public async Task<Composed> ComposeAsync(CommetDb db, EmailMessage m, string baseUrl, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == m.CustomerId, ct);
        if (customer is null)
        {
            return new Composed(null, "The customer no longer exists.", "en");
        }
        var branding = await brandings.GetAsync(db, m.OrganizationId, m.Livemode, ct);
        // An uploaded logo is a path on this server; mail clients need the whole address.
        branding = branding with { LogoUrl = Portal.PortalLogos.Absolute(branding.LogoUrl, baseUrl) };
        var culture = cultures.For(customer, branding.Settings);
        if (!IsOn(m.Kind, branding.Settings))
        {
            return new Composed(null, "This email is turned off in the portal settings.", culture.Name);
        }
        if (string.IsNullOrWhiteSpace(customer.Email))
        {
            return new Composed(null, "The customer has no email address.", culture.Name);
        }
        using var scope = EmailTexts.In(culture);
        var body = new Body(texts, branding, customer, culture);
        var data = EmailData.Parse(m.Data);
        var skip = m.Kind switch
        {
            EmailKinds.Receipt => await ReceiptAsync(db, m, body, ct),
            EmailKinds.Invoice => await InvoiceAsync(db, m, body, ct),
            EmailKinds.PaymentFailed => await PaymentFailedAsync(db, m, data, body, ct),
            EmailKinds.UpcomingRenewal => await UpcomingAsync(db, m, data, body, ct),
            EmailKinds.TrialEnding => await TrialEndingAsync(db, m, data, body, ct),
            EmailKinds.Cancellation => Cancellation(data, body),
            EmailKinds.PortalLink => await PortalLinkAsync(db, customer, branding, baseUrl, body, ct),
            _ => $"Unknown kind {m.Kind}.",
        };
        return skip is null ? new Composed(body.Build(), null, culture.Name) : new Composed(null, skip, culture.Name);
    }

    /// <summary>Whether the organization sends this kind of email. A sent invoice was asked for by the merchant, so it always goes.</summary>
    public static bool IsOn(string kind, PortalSettings? s) => kind switch
    {
        EmailKinds.Receipt => s?.EmailReceipts ?? true,
        EmailKinds.PaymentFailed => s?.EmailPaymentFailed ?? true,
        EmailKinds.UpcomingRenewal => s?.EmailUpcomingRenewal ?? true,
        EmailKinds.TrialEnding => s?.EmailTrialEnding ?? true,
        EmailKinds.Cancellation => s?.EmailCancellation ?? true,
        EmailKinds.PortalLink => s?.EmailPortalLinks ?? true,
        _ => true,
    };

    private static async Task<Invoice?> InvoiceWithLinesAsync(CommetDb db, string? id, CancellationToken ct) =>
        id is null ? null : await db.Invoices.AsNoTracking().Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == id, ct);

    private async Task<string?> ReceiptAsync(CommetDb db, EmailMessage m, Body body, CancellationToken ct)
    {
        var invoice = await InvoiceWithLinesAsync(db, m.InvoiceId, ct);
        if (invoice is null)
        {
            return "The invoice no longer exists.";
        }
        var amount = body.Money(invoice.Total, invoice.Currency);
        body.Subject = texts["ReceiptSubject", invoice.Number, body.Merchant];
        body.Paragraph(texts["ReceiptIntro", amount, invoice.Number]);
        body.Detail(texts["LabelInvoice"], invoice.Number);
        body.Detail(texts["LabelAmount"], amount);
        body.Detail(texts["LabelDate"], body.Date(invoice.PaidAt ?? invoice.IssueDate));
        body.Paragraph(texts["PdfAttached"]);
        body.Attach(invoice);
        return null;
    }

    private async Task<string?> InvoiceAsync(CommetDb db, EmailMessage m, Body body, CancellationToken ct)
    {
        var invoice = await InvoiceWithLinesAsync(db, m.InvoiceId, ct);
        if (invoice is null)
        {
            return "The invoice no longer exists.";
        }
        var amount = body.Money(invoice.Total, invoice.Currency);
        body.Subject = texts["InvoiceSubject", invoice.Number, body.Merchant];
        body.Paragraph(texts["InvoiceIntro", invoice.Number, amount]);
        body.Paragraph(invoice.Status == InvoiceStatus.Paid ? texts["InvoicePaid"] : texts["InvoiceDue", body.Date(invoice.DueDate)]);
        body.Detail(texts["LabelInvoice"], invoice.Number);
        body.Detail(texts["LabelAmount"], amount);
        body.Detail(texts["LabelDate"], body.Date(invoice.IssueDate));
        body.Paragraph(texts["PdfAttached"]);
        body.Attach(invoice);
        return null;
    }

    private async Task<string?> PaymentFailedAsync(CommetDb db, EmailMessage m, EmailData? data, Body body, CancellationToken ct)
    {
        var s = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == m.SubscriptionId, ct);
        if (s is null || s.Status != SubscriptionStatus.PastDue || s.OutstandingInvoiceId != m.InvoiceId || data?.Url is null)
        {
            return "The invoice was paid (or the subscription ended) before the email went out.";
        }
        var invoice = await db.Invoices.AsNoTracking().FirstOrDefaultAsync(i => i.Id == m.InvoiceId, ct);
        if (invoice is null)
        {
            return "The invoice no longer exists.";
        }
        body.Subject = texts["FailedSubject", body.Merchant];
        body.Paragraph(texts["FailedIntro", body.Money(invoice.Total, invoice.Currency), invoice.Number]);
        body.Paragraph(texts["FailedAction"]);
        body.Button(texts["FailedButton"], data.Url);
        return null;
    }

    private async Task<string?> UpcomingAsync(CommetDb db, EmailMessage m, EmailData? data, Body body, CancellationToken ct)
    {
        var s = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == m.SubscriptionId, ct);
        if (s is null || s.CancelAtPeriodEnd || !SubscriptionStatus.IsLive(s.Status) || data?.At is null)
        {
            return "The subscription will not renew.";
        }
        if (s.CurrentPeriodStart >= data.At.Value)
        {
            return "The subscription renewed before the notice went out.";
        }
        var plan = data.PlanName ?? "";
        var date = body.Date(data.At.Value);
        body.Subject = texts["UpcomingSubject", plan, date];
        body.Paragraph(texts["UpcomingIntro", plan, body.Merchant, date]);
        body.Paragraph(texts["UpcomingAction"]);
        return null;
    }

    private async Task<string?> TrialEndingAsync(CommetDb db, EmailMessage m, EmailData? data, Body body, CancellationToken ct)
    {
        var s = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == m.SubscriptionId, ct);
        if (s is null || s.Status != SubscriptionStatus.Trialing || data?.At is null)
        {
            return "The trial is no longer running.";
        }
        var plan = data.PlanName ?? "";
        var date = body.Date(data.At.Value);
        body.Subject = texts["TrialSubject", plan, date];
        body.Paragraph(texts["TrialIntro", plan, body.Merchant, date]);
        body.Paragraph(texts["TrialAction"]);
        return null;
    }

    private string? Cancellation(EmailData? data, Body body)
    {
        if (data?.At is null)
        {
            return "The cancellation has no date.";
        }
        var date = body.Date(data.At.Value);
        if (data.Scheduled)
        {
            body.Subject = texts["ScheduledSubject", body.Merchant, date];
            body.Paragraph(texts["ScheduledIntro", body.Merchant, date]);
        }
        else
        {
            body.Subject = texts["CanceledSubject", body.Merchant];
            body.Paragraph(texts["CanceledIntro", body.Merchant, date]);
        }
        body.Paragraph(texts["CanceledThanks"]);
        return null;
    }

    /// <summary>A fresh single-use portal link, made now (so no link waits in the outbox); a retry makes another.</summary>
    private async Task<string?> PortalLinkAsync(CommetDb db, Customer customer, PortalBranding branding, string baseUrl, Body body, CancellationToken ct)
    {
        var token = await sessions.CreateLinkAsync(db, customer, null, branding.Settings, ct);
        body.Subject = texts["LinkSubject", body.Merchant];
        body.Paragraph(texts["LinkIntro", body.Merchant]);
        body.Button(texts["LinkButton"], baseUrl.TrimEnd('/') + RequestAccess.AccessPath + token);
        body.Paragraph(texts["LinkExpiry", portal.Value.LinkLifetimeMinutes]);
        return null;
    }

    /// <summary>Collects an email's parts and writes them as text and as HTML (inline styles, as mail clients want).</summary>
    private sealed class Body(EmailTexts texts, PortalBranding branding, Customer customer, CultureInfo culture)
    {
        private readonly List<(string Kind, string A, string B)> parts = [];
        private readonly List<EmailAttachment> attachments = [];
        private readonly TimeZoneInfo zone = Zone(customer.Timezone);

        public string Merchant => branding.DisplayName;

        public string Subject { get; set; } = "";

        public void Paragraph(string text) => parts.Add(("p", text, ""));

        public void Detail(string label, string value) => parts.Add(("d", label, value));

        public void Button(string label, string url) => parts.Add(("b", label, url));

        /// <summary>The invoice's PDF in the email's language, its dates in the customer's time zone.</summary>
        public void Attach(Invoice invoice) => attachments.Add(new EmailAttachment(InvoiceLinks.FileName(invoice.Number), "application/pdf",
            () => InvoicePdf.Render(invoice, Localization.Languages.Match(culture.Name) ?? Localization.Languages.English, zone)));

        /// <summary>Money as the portal, the payment pages and the PDF write it in the email's language ("49,00 $", "$49.00").</summary>
        public string Money(long minor, string currency) =>
            Currency.IsKnown(currency)
                ? Portal.PortalFormat.Money(minor, currency, Localization.Languages.FormatCulture(Localization.Languages.Match(culture.Name) ?? Localization.Languages.English))
                : string.Create(culture, $"{minor} {currency}");

        /// <summary>A date as the customer reads it: their time zone (UTC when unknown), their language's long date.</summary>
        public string Date(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString("D", culture);

        public EmailContent Build()
        {
            var greeting = string.IsNullOrWhiteSpace(customer.FullName) ? texts["GreetingNoName"] : texts["Greeting", customer.FullName.Trim()];
            var footer = new List<string> { texts["FooterWhy", Merchant] };
            if (branding.SupportEmail is { Length: > 0 } support)
            {
                footer.Add(texts["FooterSupport", support]);
            }
            return new EmailContent(customer.Email.Trim(), customer.FullName, Merchant, branding.SupportEmail, Subject,
                Text(greeting, footer), Html(greeting, footer), attachments);
        }

        private string Text(string greeting, List<string> footer)
        {
            var t = new StringBuilder();
            t.Append(greeting).Append("\n\n");
            foreach (var (kind, a, b) in parts)
            {
                _ = kind switch
                {
                    "p" => t.Append(a).Append("\n\n"),
                    "d" => t.Append(a).Append(": ").Append(b).Append('\n'),
                    _ => t.Append(a).Append(":\n").Append(b).Append("\n\n"),
                };
            }
            t.Append("\n-- \n").Append(Merchant).Append('\n');
            foreach (var line in footer)
            {
                t.Append(line).Append('\n');
            }
            return t.ToString();
        }

        private string Html(string greeting, List<string> footer)
        {
            var e = HtmlEncoder.Default;
            var h = new StringBuilder();
            h.Append("<!DOCTYPE html><html lang=\"").Append(e.Encode(culture.Name)).Append("\"><head><meta charset=\"utf-8\">")
                .Append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>").Append(e.Encode(Subject)).Append("</title></head>")
                .Append("<body style=\"margin:0;padding:0;background:#f3f4f6;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#111827\">")
                .Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"><tr><td align=\"center\" style=\"padding:24px 12px\">")
                .Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:560px;background:#ffffff;border-radius:8px\">")
                .Append("<tr><td style=\"padding:20px 24px;border-bottom:4px solid ").Append(branding.Accent).Append("\">");
            if (branding.LogoUrl is { Length: > 0 } logo)
            {
                h.Append("<img src=\"").Append(e.Encode(logo)).Append("\" alt=\"").Append(e.Encode(Merchant)).Append("\" height=\"32\" style=\"display:block;height:32px\">");
            }
            else
            {
                h.Append("<strong style=\"font-size:18px\">").Append(e.Encode(Merchant)).Append("</strong>");
            }
            h.Append("</td></tr><tr><td style=\"padding:24px;font-size:15px;line-height:1.5\">");
            h.Append("<p style=\"margin:0 0 16px\">").Append(e.Encode(greeting)).Append("</p>");
            var inTable = false;
            foreach (var (kind, a, b) in parts)
            {
                if (kind == "d" && !inTable)
                {
                    h.Append("<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" style=\"margin:0 0 16px;border-collapse:collapse\">");
                    inTable = true;
                }
                else if (kind != "d" && inTable)
                {
                    h.Append("</table>");
                    inTable = false;
                }
                _ = kind switch
                {
                    "p" => h.Append("<p style=\"margin:0 0 16px\">").Append(e.Encode(a)).Append("</p>"),
                    "d" => h.Append("<tr><td style=\"padding:2px 16px 2px 0;color:#6b7280\">").Append(e.Encode(a)).Append("</td><td style=\"padding:2px 0\"><strong>")
                        .Append(e.Encode(b)).Append("</strong></td></tr>"),
                    _ => h.Append("<p style=\"margin:8px 0 24px\"><a href=\"").Append(e.Encode(b)).Append("\" style=\"display:inline-block;padding:12px 20px;border-radius:6px;background:")
                        .Append(branding.Accent).Append(";color:").Append(branding.OnAccent).Append(";text-decoration:none;font-weight:600\">").Append(e.Encode(a)).Append("</a></p>")
                        .Append("<p style=\"margin:0 0 16px;font-size:13px;color:#6b7280;word-break:break-all\">").Append(e.Encode(b)).Append("</p>"),
                };
            }
            if (inTable)
            {
                h.Append("</table>");
            }
            h.Append("</td></tr><tr><td style=\"padding:16px 24px;border-top:1px solid #e5e7eb;font-size:12px;color:#6b7280\">");
            foreach (var line in footer)
            {
                h.Append("<p style=\"margin:0 0 4px\">").Append(e.Encode(line)).Append("</p>");
            }
            h.Append("</td></tr></table></td></tr></table></body></html>");
            return h.ToString();
        }

        private static TimeZoneInfo Zone(string? id)
        {
            if (!string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
            {
                return zone;
            }
            return TimeZoneInfo.Utc;
        }
    }
}

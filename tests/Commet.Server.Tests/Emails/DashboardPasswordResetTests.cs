using System.Net;
using System.Text.RegularExpressions;
using Commet.Server.Dashboard;
using Commet.Server.Tests.Infrastructure;

namespace Commet.Server.Tests.Emails;

/// <summary>
/// "Forgot your password?" on the dashboard, through a real SMTP server on loopback (<see cref="SmtpSink"/>): the reset
/// email reaches the member, its link opens the reset page, the new password signs in and the old one no longer does,
/// the link works once, and an address that is no member's gets the same answer and no email.
/// </summary>
public abstract class DashboardPasswordResetTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : ServerFixture
{
    private static readonly SmtpSink Smtp = SmtpSink.Shared;

    private static Dictionary<string, string> Form(params (string Key, string Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    [Fact]
    public async Task ForgotPassword_EmailsASingleUseLink_AndTheNewPasswordSignsIn()
    {
        var t = await server.NewTenantAsync();
        var email = await server.AddMemberAsync(t.OrganizationId, DashboardRoles.Admin);
        using var browser = new DashboardClient(server);
        var form = await browser.Get("/dashboard/forgot-password");
        Assert.Equal(HttpStatusCode.OK, form.Status);
        Assert.Contains("Send me a reset link", form.Text, StringComparison.Ordinal);

        var sent = await browser.Post("/dashboard/forgot-password", Form(("email", email.ToUpperInvariant())));
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.Contains("an email with a reset link is on its way", sent.Text, StringComparison.Ordinal);
        var mail = await Smtp.WaitForAsync(email, m => m.Subject == "Reset your Commet dashboard password");
        Assert.Equal("billing@commet.test", mail.From.Mailboxes.Single().Address);
        var link = Regex.Match(mail.TextBody!, @"https?://\S+/dashboard/reset-password\?email=[^&\s]+&token=([A-Za-z0-9_-]+)");
        Assert.True(link.Success, mail.TextBody);
        Assert.Contains(WebUtility.HtmlEncode(link.Value), mail.HtmlBody, StringComparison.Ordinal);
        var token = link.Groups[1].Value;

        // An address that is no member's: the same answer, and nothing is sent (the page answers after the SMTP
        // server has taken a message, so none taken by now means none sent).
        await browser.Get("/dashboard/forgot-password");
        var stranger = $"nobody-{Guid.NewGuid():N}@example.com";
        var unknown = await browser.Post("/dashboard/forgot-password", Form(("email", stranger)));
        Assert.Equal((HttpStatusCode.OK, true), (unknown.Status, unknown.Text.Contains("an email with a reset link is on its way", StringComparison.Ordinal)));
        Assert.Empty(Smtp.To(stranger));

        var reset = await browser.Get(new Uri(link.Value).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        Assert.Contains($"name=\"token\" value=\"{token}\"", reset.Html, StringComparison.Ordinal);
        // Too short a password is refused and the link still works.
        var tooShort = await browser.Post("/dashboard/reset-password", Form(("email", email), ("token", token), ("password", "short")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooShort.Status);
        var done = await browser.Post("/dashboard/reset-password", Form(("email", email), ("token", token), ("password", "a brand new secret")));
        Assert.Equal(DashboardSetup.SignInPath + "?reset=1", done.Location);
        // Once only.
        await browser.Get(new Uri(link.Value).PathAndQuery);
        var again = await browser.Post("/dashboard/reset-password", Form(("email", email), ("token", token), ("password", "yet another secret")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.Status);
        Assert.Contains("This reset link is not valid any more", again.Text, StringComparison.Ordinal);

        using var fresh = new DashboardClient(server);
        Assert.NotEqual("/dashboard", (await fresh.SignIn(email, DashboardMembers.Password)).Location);
        Assert.Equal("/dashboard", (await fresh.SignIn(email, "a brand new secret")).Location);
    }
}

public sealed class DashboardPasswordResetTests_Sqlite(SmtpSqliteServer server) : DashboardPasswordResetTests<SmtpSqliteServer>(server);

public sealed class DashboardPasswordResetTests_Postgres(SmtpPostgresServer server) : DashboardPasswordResetTests<SmtpPostgresServer>(server);

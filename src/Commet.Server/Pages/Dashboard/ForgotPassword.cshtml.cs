using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using Commet.Server.Dashboard;
using Commet.Server.Emails;
using Commet.Server.Infrastructure;
using Commet.Server.Portal;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// Password reset by email, when SMTP is configured: a link with Identity's reset token (single-use: it is bound to the
/// member's security stamp, which the reset changes), sent through the server's SMTP transport. The answer is the same
/// whether or not the address is a member's.
/// </summary>
public sealed class ForgotPasswordModel(UserManager<DashboardUser> users, EmailTransport transport, IOptions<CommetOptions> options,
    ILogger<ForgotPasswordModel> logger) : DashboardPublicPageModel
{
    public bool CanSend => transport.IsConfigured;

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? email)
    {
        if (!CanSend)
        {
            return Page();
        }
        Sent = true;
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email.Trim());
        if (user?.Email is null)
        {
            return Page();
        }
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var link = RequestAccess.BaseUrl(options.Value, Request) + "/dashboard/reset-password?email=" + Uri.EscapeDataString(user.Email)
            + "&token=" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(token));
        var e = HtmlEncoder.Default;
        var content = new EmailContent(user.Email, null, "Commet", null, "Reset your Commet dashboard password",
            $"Someone asked to reset the password of {user.Email} on the Commet dashboard. If it was you, open this link:\n\n{link}\n\nIf not, ignore this email: your password stays as it is.",
            $"<p>Someone asked to reset the password of {e.Encode(user.Email)} on the Commet dashboard. If it was you, open this link:</p><p><a href=\"{e.Encode(link)}\">Reset my password</a></p><p>If not, ignore this email: your password stays as it is.</p>",
            []);
        try
        {
            await transport.SendAsync("pwreset_" + Guid.NewGuid().ToString("N"), content, Ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Password reset email could not be sent");
            Sent = false;
            Problem = "The email could not be sent just now. Try again in a few minutes.";
        }
        return Page();
    }
}

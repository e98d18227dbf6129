using System.Buffers.Text;
using System.Text;
using Commet.Server.Dashboard;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Commet.Server.Pages.Dashboard;

/// <summary>The reset link's page: a new password, then sign in. A reset also ends a lockout.</summary>
public sealed class ResetPasswordModel(UserManager<DashboardUser> users, IOptions<DashboardOptions> options) : DashboardPublicPageModel
{
    public string Email { get; private set; } = "";

    public string Token { get; private set; } = "";

    public int MinLength => options.Value.MinPasswordLength;

    public void OnGet(string? email, string? token)
    {
        Email = email ?? "";
        Token = token ?? "";
    }

    public async Task<IActionResult> OnPostAsync(string? email, string? token, string? password)
    {
        Email = email ?? "";
        Token = token ?? "";
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email.Trim());
        string? decoded = null;
        try
        {
            decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(Token));
        }
        catch (FormatException)
        {
        }
        var result = user is null || decoded is null || string.IsNullOrEmpty(password)
            ? IdentityResult.Failed(new IdentityError { Code = "InvalidToken", Description = "This reset link is not valid any more; ask for a new one." })
            : await users.ResetPasswordAsync(user, decoded, password);
        if (!result.Succeeded)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Problem = string.Join(" ", result.Errors.Select(e => e.Code == "InvalidToken" ? "This reset link is not valid any more; ask for a new one." : e.Description));
            return Page();
        }
        await users.SetLockoutEndDateAsync(user!, null);
        await users.ResetAccessFailedCountAsync(user!);
        return Redirect(DashboardSetup.SignInPath + "?reset=1");
    }
}

using Commet.Server.Dashboard;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Dashboard;

/// <summary>The second step for a member with an authenticator: a TOTP code, or a recovery code (used once). Failures count toward the lockout.</summary>
public sealed class TwoFactorModel(SignInManager<DashboardUser> signIn) : DashboardPublicPageModel
{
    public string ReturnUrl { get; private set; } = "/dashboard";

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null)
        {
            return Redirect(DashboardSetup.SignInPath);
        }
        ReturnUrl = SafeReturn(returnUrl);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? code, string? returnUrl)
    {
        ReturnUrl = SafeReturn(returnUrl);
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null)
        {
            return Redirect(DashboardSetup.SignInPath);
        }
        var clean = (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (clean.Length == 0)
        {
            Problem = "Enter the code.";
            return Page();
        }
        var result = clean.Length == 6 && clean.All(char.IsAsciiDigit)
            ? await signIn.TwoFactorAuthenticatorSignInAsync(clean, isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(clean);
        if (result.Succeeded)
        {
            return LocalRedirect(ReturnUrl);
        }
        Problem = result.IsLockedOut
            ? "Too many failed attempts: this account is locked for a while."
            : "That code is not right. Codes change every 30 seconds; try the current one.";
        return Page();
    }
}

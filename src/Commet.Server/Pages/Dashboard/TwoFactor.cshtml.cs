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
        var clean = (code ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (clean.Length == 0)
        {
            Problem = "Enter the code.";
            return Page();
        }
        var digits = clean.Replace("-", "", StringComparison.Ordinal);
        var result = digits.Length == 6 && digits.All(char.IsAsciiDigit)
            ? await signIn.TwoFactorAuthenticatorSignInAsync(digits, isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(RecoveryCode(clean));
        if (result.Succeeded)
        {
            return LocalRedirect(ReturnUrl);
        }
        Problem = result.IsLockedOut
            ? "Too many failed attempts: this account is locked for a while."
            : "That code is not right. Codes change every 30 seconds; try the current one.";
        return Page();
    }

    /// <summary>
    /// A recovery code as Identity stored it ("ABCDE-FGHIJ", upper case): it is compared exactly, so a code typed in
    /// lower case or without its hyphen is put back in that form first.
    /// </summary>
    private static string RecoveryCode(string typed)
    {
        var upper = typed.ToUpperInvariant();
        return upper.Length == 10 && !upper.Contains('-', StringComparison.Ordinal) ? upper[..5] + "-" + upper[5..] : upper;
    }
}

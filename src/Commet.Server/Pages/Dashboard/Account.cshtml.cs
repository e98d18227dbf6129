using System.Text;
using Commet.Server.Dashboard;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Dashboard;

/// <summary>The member's own settings: two-factor sign-in with an authenticator app (Identity's TOTP provider) and recovery codes.</summary>
public sealed class AccountModel(UserManager<DashboardUser> users, SignInManager<DashboardUser> signIn) : DashboardAccountPageModel
{
    public bool TwoFactorEnabled { get; private set; }

    public string SharedKey { get; private set; } = "";

    public string AuthenticatorUri { get; private set; } = "";

    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    private async Task LoadAsync()
    {
        TwoFactorEnabled = await users.GetTwoFactorEnabledAsync(Member);
        if (TwoFactorEnabled)
        {
            return;
        }
        var key = await users.GetAuthenticatorKeyAsync(Member);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(Member);
            key = await users.GetAuthenticatorKeyAsync(Member);
        }
        SharedKey = Group(key!);
        AuthenticatorUri = $"otpauth://totp/Commet:{Uri.EscapeDataString(Member.Email ?? "")}?secret={key}&issuer=Commet&digits=6";
    }

    private static string Group(string key)
    {
        var b = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            b.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        }
        return b.ToString().TrimEnd().ToLowerInvariant();
    }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostEnableAsync(string? code)
    {
        var clean = (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(Member, users.Options.Tokens.AuthenticatorTokenProvider, clean))
        {
            await LoadAsync();
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Problem = "That code is not right. Check the key in your app and enter the current code.";
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(Member, true);
        RecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(Member, 10))?.ToList() ?? [];
        await signIn.RefreshSignInAsync(Member);
        TwoFactorEnabled = true;
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync(string? code)
    {
        var clean = (code ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(Member, users.Options.Tokens.AuthenticatorTokenProvider, clean))
        {
            await LoadAsync();
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Problem = "That code is not right.";
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(Member, false);
        await users.ResetAuthenticatorKeyAsync(Member);
        await signIn.RefreshSignInAsync(Member);
        Notice = "Two-factor authentication is off.";
        await LoadAsync();
        return Page();
    }
}

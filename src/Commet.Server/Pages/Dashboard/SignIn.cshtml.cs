using Commet.Server.Dashboard;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Commet.Server.Pages.Dashboard;

/// <summary>
/// Email and password. Five failures in a row (configurable) lock the member out for 15 minutes (configurable);
/// a member with two-factor on goes on to the code page. A server with no member yet sends the visitor to the first-run page.
/// </summary>
public sealed class SignInModel(SignInManager<DashboardUser> signIn, CreateFirstOwner firstOwner) : DashboardPublicPageModel
{
    public string? Email { get; private set; }

    public string ReturnUrl { get; private set; } = "/dashboard";

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        if (await firstOwner.IsNeededAsync(Ct))
        {
            return Redirect("/dashboard/setup");
        }
        ReturnUrl = SafeReturn(returnUrl);
        if (Request.Query["reset"] == "1")
        {
            Notice = "Your password is changed. Sign in with the new one.";
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? email, string? password, string? returnUrl)
    {
        Email = email;
        ReturnUrl = SafeReturn(returnUrl);
        var user = string.IsNullOrWhiteSpace(email) ? null : await signIn.UserManager.FindByEmailAsync(email.Trim());
        if (user is null || string.IsNullOrEmpty(password))
        {
            Problem = "The email or the password is wrong.";
            return Page();
        }
        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return LocalRedirect(ReturnUrl);
        }
        if (result.RequiresTwoFactor)
        {
            return Redirect("/dashboard/sign-in/two-factor?returnUrl=" + Uri.EscapeDataString(ReturnUrl));
        }
        if (result.IsLockedOut)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Problem = "Too many failed sign-ins: this account is locked for a while. Try again later.";
            return Page();
        }
        Problem = "The email or the password is wrong.";
        return Page();
    }
}

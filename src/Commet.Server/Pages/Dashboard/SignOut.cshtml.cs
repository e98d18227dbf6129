using Commet.Server.Dashboard;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Commet.Server.Pages.Dashboard;

/// <summary>Sign out (a form post, with antiforgery).</summary>
public sealed class SignOutModel(SignInManager<DashboardUser> signIn) : PageModel
{
    public IActionResult OnGet() => Redirect("/dashboard");

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return Redirect(DashboardSetup.SignInPath);
    }
}

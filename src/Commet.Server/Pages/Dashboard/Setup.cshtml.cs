using Commet.Server.Dashboard;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Commet.Server.Pages.Dashboard;

/// <summary>First run: creates the owner when the server has no member, then signs them in. Once anyone exists it is the sign-in page.</summary>
public sealed class SetupModel(CreateFirstOwner firstOwner, SignInManager<DashboardUser> signIn, IOptions<DashboardOptions> options) : DashboardPublicPageModel
{
    public string? Email { get; private set; }

    public int MinLength => options.Value.MinPasswordLength;

    public async Task<IActionResult> OnGetAsync() =>
        await firstOwner.IsNeededAsync(Ct) ? Page() : Redirect(DashboardSetup.SignInPath);

    public async Task<IActionResult> OnPostAsync(string? email, string? password)
    {
        Email = email;
        var result = await firstOwner.HandleAsync(email, password, Ct);
        if (!result.IsSuccess)
        {
            if (result.Error == CreateFirstOwner.AlreadySetUp)
            {
                return Redirect(DashboardSetup.SignInPath);
            }
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Problem = DashboardText.Describe(result.Error!);
            return Page();
        }
        await signIn.SignInAsync(result.Value, isPersistent: false);
        return Redirect("/dashboard");
    }
}

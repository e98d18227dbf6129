using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Acme.Pages;

/// <summary>The "Manage billing" button: a plain link to the portal redirect mapped in Program.cs.</summary>
[Authorize]
public sealed class BillingModel(UserManager<IdentityUser> users) : PageModel
{
    public string CustomerId { get; private set; } = "";

    public void OnGet() => CustomerId = users.GetUserId(User) ?? "";
}

using Commet.AspNetCore;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Acme.Pages;

public sealed class IndexModel : PageModel
{
    public string? Message { get; private set; }

    public void OnGet()
    {
    }

    /// <summary>The metered action: one export is one unit of the <c>exports</c> meter of the signed-in user's customer.</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge();
        }
        var recorded = await HttpContext.TrackUsageAsync("exports");
        Message = recorded ? "Export done; 1 export recorded in Commet." : "Export done, but Commet did not record it (see the log).";
        return Page();
    }
}

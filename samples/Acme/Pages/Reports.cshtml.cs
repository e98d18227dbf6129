using Commet.AspNetCore;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Acme.Pages;

/// <summary>A page gated by the plan: Commet's feature access for <c>reports</c> decides (403 otherwise).</summary>
[RequireFeature("reports")]
public sealed class ReportsModel : PageModel
{
    public void OnGet()
    {
    }
}

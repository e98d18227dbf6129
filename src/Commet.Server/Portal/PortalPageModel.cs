using Commet.Server.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Commet.Server.Portal;

/// <summary>Portal sections, for the navigation and for the organization's "which sections are shown" setting.</summary>
public enum PortalSection
{
    Overview,
    Usage,
    Plans,
    Purchases,
    PaymentMethod,
    BillingDetails,
    Invoices,
    Cancel,
}

/// <summary>
/// The base of every signed-in portal page: resolves the session before any handler runs (no session → the
/// "session ended" page), scopes the request to the session's customer, sets the security headers, and hides
/// sections the organization turned off.
/// </summary>
public abstract class PortalPageModel : PageModel
{
    public PortalContext Portal { get; private set; } = null!;

    public abstract PortalSection Section { get; }

    /// <summary>A sentence for the top of the page after a problem (never a raw code).</summary>
    public string? Problem { get; set; }

    protected CancellationToken Ct => HttpContext.RequestAborted;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var services = HttpContext.RequestServices;
        var db = services.GetRequiredService<CommetDb>();
        var portal = await services.GetRequiredService<PortalContexts>().ResolveAsync(HttpContext, db, Ct);
        if (portal is null)
        {
            context.Result = new RedirectResult("/portal/ended");
            return;
        }
        Portal = portal;
        PortalHeaders.Apply(Response, portal.AccentHash);
        if (!IsShown(Section, portal.Branding))
        {
            context.Result = NotFound();
            return;
        }
        await next();
    }

    public static bool IsShown(PortalSection section, PortalBranding b) => section switch
    {
        PortalSection.Usage => b.ShowUsage,
        PortalSection.Plans => b.ShowChangePlan,
        PortalSection.Purchases => b.ShowPurchases,
        PortalSection.PaymentMethod => b.ShowPaymentMethod,
        PortalSection.BillingDetails => b.ShowBillingDetails,
        PortalSection.Invoices => b.ShowInvoices,
        PortalSection.Cancel => b.ShowCancel,
        _ => true,
    };

    /// <summary>Post/redirect/get with a notice from the fixed list in <see cref="PortalMessages"/>.</summary>
    protected RedirectResult Done(string path, string notice) => Redirect(DonePath(path, notice));

    protected static string DonePath(string path, string notice) => $"{path}?m={notice}";

    /// <summary>The one-time token of the charge form this page renders (a new one on every render).</summary>
    public string ChargeToken { get; } = ChargeForms.NewToken();

    /// <summary>
    /// Runs a charge form's POST once (see <see cref="ChargeForms"/>). <paramref name="prepare"/> loads what the page
    /// shows and checks the request against the current state (an answer other than null ends the request without
    /// charging); <paramref name="charge"/> does the work and says what to answer. A repeat of a form that was sent
    /// already answers what the first submit answered. <paramref name="showProblem"/> sets what a problem needs on the page.
    /// </summary>
    protected async Task<IActionResult> ChargeOnceAsync(Func<Task<IActionResult?>> prepare, Func<Task<PortalFormOutcome>> charge,
        Func<PortalFormOutcome, Task>? showProblem = null)
    {
        var token = Request.HasFormContentType ? Request.Form[ChargeForms.Field].ToString() : "";
        if (!ChargeForms.IsWellFormed(token))
        {
            var stale = await prepare();
            if (stale is null && Problem is null)
            {
                Problem = Localization.Texts.Shared["Form.Stale"];
            }
            return stale ?? Page();
        }
        var sessionId = Portal.Session.Id;
        if (await ChargeForms.FirstOutcomeAsync(Portal.Db, sessionId, token, Ct) is { } first)
        {
            return await ShowAsync(PortalFormOutcome.FromJson(first), prepare, showProblem, replayed: true);
        }
        var stop = await prepare();
        if (stop is not null || Problem is not null)
        {
            // What prepare read may be the effect of a submit of this same form that committed meanwhile: show its answer.
            return await ChargeForms.FirstOutcomeAsync(Portal.Db, sessionId, token, Ct) is { } done
                ? await ShowAsync(PortalFormOutcome.FromJson(done), prepare, showProblem, replayed: true)
                : stop ?? Page();
        }
        var realNow = HttpContext.RequestServices.GetRequiredService<Billing.BillingClock>().RealNow;
        var (outcome, replayed) = await ChargeForms.OnceAsync(Portal.Db, Portal.Scope.Tenant, sessionId, token, realNow,
            async () => (await charge()).ToJson(), Ct);
        return await ShowAsync(PortalFormOutcome.FromJson(outcome), prepare, showProblem, replayed);
    }

    private async Task<IActionResult> ShowAsync(PortalFormOutcome outcome, Func<Task<IActionResult?>> prepare, Func<PortalFormOutcome, Task>? showProblem, bool replayed)
    {
        if (outcome.Redirect is not null)
        {
            return Redirect(outcome.Redirect);
        }
        if (replayed)
        {
            // The page as it is now, with the first submit's problem.
            Problem = null;
            await Portal.RefreshAsync(Ct);
            if (await prepare() is { } stop)
            {
                return stop;
            }
        }
        Problem = outcome.Problem;
        if (showProblem is not null)
        {
            await showProblem(outcome);
        }
        return Page();
    }
}

/// <summary>Friendly pages for empty error answers under /portal (404, 400 from a failed antiforgery check, 405).</summary>
public static class PortalStatusPages
{
    public static Task WriteAsync(Microsoft.AspNetCore.Diagnostics.StatusCodeContext context)
    {
        var http = context.HttpContext;
        var t = Localization.Texts.Shared;
        return http.Response.StatusCode switch
        {
            404 => PortalProblemPage.WriteAsync(http, t["Status.NotFound.Title"], t["Status.NotFound.Body"], "/portal", t["Status.Back"]),
            400 => PortalProblemPage.WriteAsync(http, t["Status.Expired.Title"], t["Status.Expired.Body"], "/portal", t["Status.Back"]),
            405 => PortalProblemPage.WriteAsync(http, t["Status.Method.Title"], t["Status.Method.Body"], "/portal", t["Status.Back"]),
            _ => Task.CompletedTask,
        };
    }
}

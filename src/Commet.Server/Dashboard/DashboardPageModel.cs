using System.Reflection;
using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Dashboard;

/// <summary>An organization in the picker, with the member's role in it.</summary>
public sealed record OrganizationChoice(string Id, string Name, string Role);

/// <summary>The sentences a dashboard page shows at its top after a form.</summary>
public interface IDashboardAlerts
{
    string? Problem { get; }

    string? Notice { get; }
}

/// <summary>The base of the dashboard's pages for people not signed in (sign-in, first run, invitations): headers and alerts.</summary>
public abstract class DashboardPublicPageModel : PageModel, IDashboardAlerts
{
    public string? Problem { get; set; }

    public string? Notice { get; set; }

    protected CancellationToken Ct => HttpContext.RequestAborted;

    public override Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        DashboardHeaders.Apply(Response);
        return base.OnPageHandlerExecutionAsync(context, next);
    }

    /// <summary>A local path to go back to after signing in; anything else becomes <c>/dashboard</c>.</summary>
    public static string SafeReturn(string? returnUrl) =>
        returnUrl is { Length: > 1 } r && r.StartsWith("/dashboard", StringComparison.Ordinal) && !r.StartsWith("//", StringComparison.Ordinal)
            && !r.Contains('\\', StringComparison.Ordinal) ? r : "/dashboard";
}

/// <summary>
/// The base of every signed-in dashboard page that is not about one organization (the organization list, a new
/// organization, the member's own security settings): loads the member and their organizations, sets the headers.
/// The folder convention has already required a signed-in member (policy <see cref="DashboardPolicies.SignedIn"/>).
/// </summary>
public abstract class DashboardAccountPageModel : PageModel, IDashboardAlerts
{
    public DashboardUser Member { get; private set; } = null!;

    public IReadOnlyList<OrganizationChoice> Organizations { get; private set; } = [];

    /// <summary>A sentence for the top of the page after a problem.</summary>
    public string? Problem { get; set; }

    /// <summary>A sentence for the top of the page after a success.</summary>
    public string? Notice { get; set; }

    protected CancellationToken Ct => HttpContext.RequestAborted;

    protected CommetDb Db => HttpContext.RequestServices.GetRequiredService<CommetDb>();

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        DashboardHeaders.Apply(Response);
        var users = HttpContext.RequestServices.GetRequiredService<UserManager<DashboardUser>>();
        var member = await users.GetUserAsync(User);
        if (member is null)
        {
            // The member was deleted while signed in.
            context.Result = Challenge(IdentityConstants.ApplicationScheme);
            return;
        }
        Member = member;
        Organizations = await Db.Memberships.AsNoTracking().Where(m => m.UserId == member.Id)
            .Join(Db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) => new { o.Id, o.Name, m.Role })
            .OrderBy(o => o.Name).ThenBy(o => o.Id)
            .Select(o => new OrganizationChoice(o.Id, o.Name, o.Role)).ToListAsync(Ct);
        if (await BeforeHandlerAsync(context) is { } stop)
        {
            context.Result = stop;
            return;
        }
        if (context.HandlerMethod is null && context.ActionDescriptor.HandlerMethods.Count > 0)
        {
            // A handler name (or verb) the page does not have: Razor Pages would render the page without running any
            // handler, with nothing loaded. There is no such page.
            context.Result = NotFound();
            return;
        }
        await next();
    }

    /// <summary>A hook for subclasses, run after the member is known; an answer other than null ends the request.</summary>
    protected virtual Task<IActionResult?> BeforeHandlerAsync(PageHandlerExecutingContext context) => Task.FromResult<IActionResult?>(null);

    /// <summary>Writes one audit log row (saved with the caller's next SaveChanges, or now when <paramref name="save"/>).</summary>
    protected async Task AuditAsync(string organizationId, bool? livemode, string action, string? target, bool save = true)
    {
        AuditLog.Add(Db, organizationId, livemode, Member, action, target, HttpContext.RequestServices.GetRequiredService<TimeProvider>());
        if (save)
        {
            await Db.SaveChangesAsync(Ct);
        }
    }
}

/// <summary>
/// The base of every dashboard page about one organization in one mode: routes are
/// <c>/dashboard/{org}/{mode}/…</c> with mode <c>sandbox</c> or <c>live</c>. Before any handler runs (GET or POST) it
/// <list type="number">
/// <item>finds the member's membership of <c>{org}</c> — none, or an unknown mode, is 404 (another organization's
/// existence is not revealed);</item>
/// <item>evaluates the capability policies named by <see cref="RequiresAttribute"/> on the page class and on the
/// handler method against that membership — a refusal is 403;</item>
/// <item>scopes the request's database context (and the <see cref="ApiCaller"/> that use cases read) to the
/// organization and mode, so every query of a tenant table is filtered to them.</item>
/// </list>
/// </summary>
public abstract class DashboardPageModel : DashboardAccountPageModel
{
    public const string SandboxSegment = "sandbox";
    public const string LiveSegment = "live";

    public Organization Organization { get; private set; } = null!;

    public Membership Membership { get; private set; } = null!;

    public bool Livemode { get; private set; }

    public string Mode => Livemode ? LiveSegment : SandboxSegment;

    /// <summary>The navigation entry this page belongs to, and where the mode switch and the picker lead (e.g. <c>customers</c>; "" for home).</summary>
    public abstract string Section { get; }


    /// <summary>The caller identity the API's use cases read, set to this organization and mode.</summary>
    public ApiCaller Caller => HttpContext.RequestServices.GetRequiredService<ApiCaller>();

    /// <summary>A path in this organization and mode: <c>Path("customers")</c> → <c>/dashboard/org_…/sandbox/customers</c>.</summary>
    public string Path(string rest = "") => PathFor(Organization.Id, Mode, rest);

    public static string PathFor(string organizationId, string mode, string rest = "") =>
        $"/dashboard/{Uri.EscapeDataString(organizationId)}/{mode}" + (rest.Length > 0 ? "/" + rest : "");

    /// <summary>Whether the member's role allows <paramref name="capability"/> here (for showing links and buttons; the policies still decide).</summary>
    public bool Can(Capability capability) => DashboardRoles.Allows(Membership.Role, capability);

    protected override async Task<IActionResult?> BeforeHandlerAsync(PageHandlerExecutingContext context)
    {
        var org = RouteData.Values["org"] as string;
        var mode = RouteData.Values["mode"] as string;
        if (org is null || mode is not (SandboxSegment or LiveSegment))
        {
            return NotFound();
        }
        var membership = await Db.Memberships.AsNoTracking().FirstOrDefaultAsync(m => m.OrganizationId == org && m.UserId == Member.Id, Ct);
        var organization = membership is null ? null : await Db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == org, Ct);
        if (membership is null || organization is null)
        {
            return NotFound();
        }
        Membership = membership;
        Organization = organization;
        Livemode = mode == LiveSegment;

        var needs = GetType().GetCustomAttributes<RequiresAttribute>(inherit: true)
            .Concat(context.HandlerMethod?.MethodInfo.GetCustomAttributes<RequiresAttribute>() ?? [])
            .Select(a => a.Capability).Append(Capability.View).Distinct();
        var authorization = HttpContext.RequestServices.GetRequiredService<IAuthorizationService>();
        foreach (var capability in needs)
        {
            if (!(await authorization.AuthorizeAsync(User, membership, DashboardPolicies.For(capability))).Succeeded)
            {
                return StatusCode(StatusCodes.Status403Forbidden);
            }
        }

        Db.ScopeTo(organization.Id, Livemode);
        Caller.Set("dashboard:" + Member.Id, organization.Id, Livemode);
        return null;
    }

    /// <summary>Writes one audit log row for this organization and mode.</summary>
    protected Task AuditAsync(string action, string? target, bool save = true) => AuditAsync(Organization.Id, Livemode, action, target, save);
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace Commet.Server.Dashboard;

/// <summary>
/// The dashboard's authorization policies. <see cref="SignedIn"/> guards every page under <c>/Pages/Dashboard</c>
/// (a Razor Pages folder convention) except the sign-in, first-run and invitation pages; the per-capability policies
/// (<see cref="For"/>) are resource policies evaluated against the member's <see cref="Membership"/> in the organization
/// of the URL, by <see cref="DashboardPageModel"/>, before any handler (GET or POST) runs.
/// </summary>
public static class DashboardPolicies
{
    public const string SignedIn = "dashboard";

    public static string For(Capability capability) => "dashboard:" + capability.ToString().ToLowerInvariant();

    public static void Add(AuthorizationOptions o)
    {
        o.AddPolicy(SignedIn, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireAuthenticatedUser());
        foreach (var capability in Enum.GetValues<Capability>())
        {
            o.AddPolicy(For(capability), p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireAuthenticatedUser().AddRequirements(new CapabilityRequirement(capability)));
        }
    }
}

/// <summary>A member's role in the organization must allow this capability.</summary>
public sealed record CapabilityRequirement(Capability Capability) : IAuthorizationRequirement;

/// <summary>Decides <see cref="CapabilityRequirement"/> against the member's membership of the organization in question.</summary>
public sealed class MembershipAuthorizationHandler : AuthorizationHandler<CapabilityRequirement, Membership>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CapabilityRequirement requirement, Membership resource)
    {
        var userId = context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
        if (userId is not null && userId == resource.UserId && DashboardRoles.Allows(resource.Role, requirement.Capability))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// What a dashboard page (on the class: every handler) or one handler (on the method) needs. Checked by
/// <see cref="DashboardPageModel"/> before the handler runs; a member without it gets 403.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class RequiresAttribute(Capability capability) : Attribute
{
    public Capability Capability { get; } = capability;
}

using Commet.Server.Organizations;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Commet.Server.Dashboard;

/// <summary>
/// Wires the merchant dashboard: Identity (members, EF Core user store on <see cref="CommetDb"/>, lockout, the
/// authenticator for two-factor), its own cookies scoped to <c>/dashboard</c>, the authorization policies, and the
/// Razor Pages folder convention that keeps every dashboard page behind sign-in. Authentication runs only for
/// <c>/dashboard</c> requests, so the API's key check and the portal's session cookie are untouched.
/// </summary>
public static class DashboardSetup
{
    public const string CookieName = "commet_dashboard";
    public const string SignInPath = "/dashboard/sign-in";

    public static void AddCommetDashboard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DashboardOptions>().Bind(builder.Configuration.GetSection(DashboardOptions.Section))
            .Validate(o => o.IsValid(), "Commet:Dashboard settings are out of range (see DashboardOptions).")
            .ValidateOnStart();

        services.AddIdentityCore<DashboardUser>()
            .AddSignInManager()
            .AddUserStore<UserOnlyStore<DashboardUser, CommetDb>>()
            .AddDefaultTokenProviders();
        services.AddOptions<IdentityOptions>().Configure<IOptions<DashboardOptions>>((i, d) =>
        {
            var o = d.Value;
            i.Lockout.AllowedForNewUsers = true;
            i.Lockout.MaxFailedAccessAttempts = o.MaxFailedSignIns;
            i.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(o.LockoutMinutes);
            i.Password.RequiredLength = o.MinPasswordLength;
            // Length over character classes: a long passphrase is fine without a digit or a symbol.
            i.Password.RequireDigit = false;
            i.Password.RequireLowercase = false;
            i.Password.RequireUppercase = false;
            i.Password.RequireNonAlphanumeric = false;
            i.User.RequireUniqueEmail = true;
            i.SignIn.RequireConfirmedAccount = false;
        });

        services.AddAuthentication(IdentityConstants.ApplicationScheme)
            .AddIdentityCookies(c =>
            {
                c.ApplicationCookie!.Configure<IOptions<DashboardOptions>>((o, d) =>
                {
                    o.Cookie.Name = CookieName;
                    o.Cookie.Path = "/dashboard";
                    o.Cookie.HttpOnly = true;
                    o.Cookie.SameSite = SameSiteMode.Lax;
                    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    o.LoginPath = SignInPath;
                    o.LogoutPath = "/dashboard/sign-out";
                    o.ExpireTimeSpan = TimeSpan.FromHours(d.Value.SessionHours);
                    o.SlidingExpiration = true;
                    // A refusal is a plain 403 page, not a redirect.
                    o.Events.OnRedirectToAccessDenied = ctx =>
                    {
                        ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                        return Task.CompletedTask;
                    };
                });
                c.TwoFactorUserIdCookie!.Configure(o =>
                {
                    o.Cookie.Name = CookieName + "_2fa";
                    o.Cookie.Path = "/dashboard";
                    o.Cookie.SameSite = SameSiteMode.Lax;
                });
                c.TwoFactorRememberMeCookie!.Configure(o =>
                {
                    o.Cookie.Name = CookieName + "_2fa_remember";
                    o.Cookie.Path = "/dashboard";
                });
                c.ExternalCookie!.Configure(o =>
                {
                    o.Cookie.Name = CookieName + "_external";
                    o.Cookie.Path = "/dashboard";
                });
            });

        services.AddAuthorization(DashboardPolicies.Add);
        services.AddSingleton<IAuthorizationHandler, MembershipAuthorizationHandler>();
        services.Configure<RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizeFolder("/Dashboard", DashboardPolicies.SignedIn);
            o.Conventions.AllowAnonymousToPage("/Dashboard/SignIn");
            o.Conventions.AllowAnonymousToPage("/Dashboard/Setup");
            o.Conventions.AllowAnonymousToPage("/Dashboard/TwoFactor");
            o.Conventions.AllowAnonymousToPage("/Dashboard/Invitation");
            o.Conventions.AllowAnonymousToPage("/Dashboard/ForgotPassword");
            o.Conventions.AllowAnonymousToPage("/Dashboard/ResetPassword");
        });

        services.AddScoped<CreateFirstOwner>();
        services.AddScoped<InviteMember>();
        services.AddScoped<AcceptInvitation>();
        services.AddSingleton<CreateOrganization>();
        services.AddSingleton<CreateApiKey>();
        services.AddSingleton<RevokeApiKey>();
    }

    /// <summary>Authentication, authorization and friendly status pages, for <c>/dashboard</c> requests only.</summary>
    public static void UseCommetDashboard(this WebApplication app)
    {
        // WebApplication puts authentication and authorization at the very start of the pipeline, for every request,
        // unless it sees that the app added them itself. Here they belong to /dashboard only (after the request-ID and
        // error middleware), so mark them as added with the keys UseAuthentication/UseAuthorization set.
        var properties = ((IApplicationBuilder)app).Properties;
        properties["__AuthenticationMiddlewareSet"] = true;
        properties["__AuthorizationMiddlewareSet"] = true;
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/dashboard"), dashboard =>
        {
            dashboard.Use(async (context, next) =>
            {
                // A fault on a page is a short apology page (500), not the API's JSON envelope or a stack trace.
                try
                {
                    await next(context);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && !context.Response.HasStarted)
                {
                    context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Commet.Dashboard")
                        .LogError(ex, "Dashboard page failed: {Method} {Path}", context.Request.Method, Http.RequestEnvelopeMiddleware.RedactedPath(context.Request.Path.Value));
                    context.Response.Clear();
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    await DashboardStatusPages.WritePageAsync(context, "Something went wrong", "The page could not be shown. Try again; if it keeps happening, the server's log has the details.");
                }
            });
            dashboard.UseStatusCodePages(DashboardStatusPages.WriteAsync);
            dashboard.UseAuthentication();
            dashboard.UseAuthorization();
        });
    }
}

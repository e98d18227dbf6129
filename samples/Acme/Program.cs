using Acme.Data;
using Commet;
using Commet.AspNetCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

// Users live in a SQLite file under data/ (kept out of git); so do the webhook events the receiver has taken in.
var dataDir = Path.Combine(builder.Environment.ContentRootPath, builder.Configuration["Acme:DataDir"] ?? "data");
Directory.CreateDirectory(dataDir);
builder.Services.AddDbContext<AcmeDb>(o => o.UseSqlite($"Data Source={Path.Combine(dataDir, "acme.db")}"));

builder.Services.AddDefaultIdentity<IdentityUser>(o => o.SignIn.RequireConfirmedAccount = false)
    .AddEntityFrameworkStores<AcmeDb>();
builder.Services.AddRazorPages();

// Commet: one client for the app, and a customer per user (the customer's ID is the user's ID).
var apiKey = builder.Configuration["Commet:ApiKey"];
if (string.IsNullOrWhiteSpace(apiKey))
{
    throw new InvalidOperationException("Set Commet:ApiKey (for example: Commet__ApiKey=$(cat data/sandbox-key.txt)); see samples/Acme/README.md.");
}
var commetUrl = new Uri(builder.Configuration["Commet:BaseUrl"] ?? "http://localhost:5080");
builder.Services.AddCommetClient(apiKey, o => o.BaseUrl = commetUrl);
builder.Services.AddCommetIdentity<IdentityUser>();

var app = builder.Build();

using (var scope = app.Services.CreateScope())
{
    // A sample keeps its schema simple: created on first start, no migrations.
    await scope.ServiceProvider.GetRequiredService<AcmeDb>().Database.EnsureCreatedAsync();
}

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error");
}
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.MapRazorPages();

// "Manage billing": a fresh Customer Portal link for the signed-in user; the portal's return link comes back to /Billing.
app.MapCommetCustomerPortal("/billing/portal",
        customerId: ctx => ctx.RequestServices.GetRequiredService<ICommetCustomerResolver>().ResolveAsync(ctx),
        returnUrl: ctx => $"{ctx.Request.Scheme}://{ctx.Request.Host}/Billing")
    .RequireAuthorization();

// The webhook receiver: Commet signs each delivery with the endpoint's secret; every verified event is stored and
// listed on /Events. Without a secret the receiver is left out (the Events page says so).
var webhookSecret = builder.Configuration["Commet:WebhookSecret"];
if (!string.IsNullOrWhiteSpace(webhookSecret))
{
    app.MapCommetWebhooks("/webhooks/commet", hooks =>
    {
        hooks.Secret = webhookSecret;
        hooks.OnAny(async (evt, ctx) =>
        {
            var db = ctx.RequestServices.GetRequiredService<AcmeDb>();
            db.ReceivedEvents.Add(ReceivedEvent.From(evt, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync(ctx.RequestAborted);
        });
    });
}

await app.RunAsync();

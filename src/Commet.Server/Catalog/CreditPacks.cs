using System.Text.Json.Serialization;
using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Organizations;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Catalog;

public sealed class CreateCreditPackRequest
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public long? Credits { get; set; }

    /// <summary>Minor units of the organization's currency.</summary>
    public long? Price { get; set; }
    public bool? IsActive { get; set; }
}

/// <summary>Fields left out stay as they are; <c>description</c> sent as null is cleared.</summary>
public sealed class UpdateCreditPackRequest
{
    private string? description;

    public string? Name { get; set; }

    public string? Description
    {
        get => description;
        set { description = value; HasDescription = true; }
    }

    public long? Credits { get; set; }
    public long? Price { get; set; }
    public bool? IsActive { get; set; }

    [JsonIgnore] public bool HasDescription { get; private set; }
}

/// <summary>
/// Credit packs: credits a subscriber of a credits plan buys on top of the plan's allowance. Purchased credits never
/// expire; changing a pack changes only later purchases.
/// </summary>
public static class CreditPacks
{
    public static async Task<Result<CreditPack>> CreateAsync(CreateCreditPackRequest r, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check().Required("name", r.Name).MaxLength("description", r.Description, CatalogRules.MaxDescription)
            .That(r.Credits is not null, "credits", "credits is required: a whole number of 1 or more.")
            .That(r.Price is not null, "price", "price is required, in minor units (1000 = 10.00).");
        CheckNumbers(check, r.Credits, r.Price);
        if (check.Failed)
        {
            return check.ToError();
        }
        var name = r.Name!.Trim();
        if (await db.CreditPacks.AnyAsync(c => c.Name == name && c.DeletedAt == null, ct))
        {
            return Duplicate(name);
        }
        var organization = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == caller.OrganizationId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var pack = new CreditPack
        {
            Id = Ids.New(Ids.CreditPack, clock),
            OrganizationId = caller.OrganizationId,
            Livemode = caller.Livemode,
            Name = name,
            Description = r.Description,
            Credits = r.Credits!.Value,
            Price = r.Price!.Value,
            Currency = organization.Currency,
            IsActive = r.IsActive ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.CreditPacks.Add(pack);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Duplicate(name);
        }
        return pack;
    }

    public static async Task<Result<CreditPack>> UpdateAsync(string id, UpdateCreditPackRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        if (r.Name is not null)
        {
            check.Required("name", r.Name);
        }
        check.MaxLength("description", r.Description, CatalogRules.MaxDescription);
        CheckNumbers(check, r.Credits, r.Price);
        if (check.Failed)
        {
            return check.ToError();
        }
        var pack = await db.CreditPacks.FirstOrDefaultAsync(c => c.Id == id && c.DeletedAt == null, ct);
        if (pack is null)
        {
            return CatalogErrors.CreditPackNotFound(id);
        }
        var name = r.Name?.Trim();
        if (name is not null && name != pack.Name && await db.CreditPacks.AnyAsync(c => c.Name == name && c.DeletedAt == null, ct))
        {
            return Duplicate(name);
        }
        pack.Name = name ?? pack.Name;
        if (r.HasDescription)
        {
            pack.Description = r.Description;
        }
        pack.Credits = r.Credits ?? pack.Credits;
        pack.Price = r.Price ?? pack.Price;
        pack.IsActive = r.IsActive ?? pack.IsActive;
        pack.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Duplicate(pack.Name);
        }
        return pack;
    }

    public static async Task<Result<CreditPack>> DeleteAsync(string id, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var pack = await db.CreditPacks.FirstOrDefaultAsync(c => c.Id == id && c.DeletedAt == null, ct);
        if (pack is null)
        {
            return CatalogErrors.CreditPackNotFound(id);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        pack.DeletedAt = now;
        pack.IsActive = false;
        pack.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return pack;
    }

    private static void CheckNumbers(Check check, long? credits, long? price) =>
        check.Range("credits", credits, 1, CatalogRules.MaxQuantity).Range("price", price, 0, CatalogRules.MaxPrice);

    private static Error Duplicate(string name) => Error.Conflict("duplicate", $"A credit pack named '{name}' already exists.", "name");

    public static void MapCreditPacks(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/credit-packs").WithTags("Credit packs");

        group.MapGet("/", async (CommetDb db, CancellationToken ct) =>
        {
            var packs = await db.CreditPacks.AsNoTracking().Where(c => c.IsActive && c.DeletedAt == null)
                .OrderBy(c => c.Credits).ThenBy(c => c.Id).ToListAsync(ct);
            return Answer.List(packs.Select(CreditPackDto.From).ToList());
        })
        .WithSummary("List the active credit packs, smallest first.");

        group.MapPost("/manage", async (Json<CreateCreditPackRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await CreateAsync(body.Value, db, caller, clock, ct), c => Answer.Created(CreditPackDto.From(c))))
        .WithSummary("Create a credit pack (price in minor units of the organization's currency).");

        group.MapPut("/{id}", async (string id, Json<UpdateCreditPackRequest> body, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await UpdateAsync(id, body.Value, db, clock, ct), c => Answer.Ok(CreditPackDto.From(c))))
        .WithSummary("Update a credit pack; only later purchases see the change.");

        group.MapDelete("/{id}", async (string id, CommetDb db, TimeProvider clock, CancellationToken ct) =>
            Answer.From(await DeleteAsync(id, db, clock, ct), c => Answer.Ok(new DeletedDto(c.Id, "credit_pack", c.Livemode))))
        .WithSummary("Delete a credit pack (soft); credits bought from it stay.");
    }
}

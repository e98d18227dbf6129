using System.Text.Json;
using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Customers;

public sealed class CreateCustomerRequest
{
    /// <summary>The merchant's own ID for the customer; stored as <c>externalId</c>.</summary>
    public string? Id { get; set; }
    public string? ExternalId { get; set; }
    public string? Email { get; set; }
    public string? FullName { get; set; }
    public string? TaxDocument { get; set; }
    public string? DocumentType { get; set; }
    public AddressInput? Address { get; set; }
    public string? AddressId { get; set; }
    public string? Timezone { get; set; }
    public Dictionary<string, JsonElement>? Metadata { get; set; }
}

/// <summary>
/// Creates a customer. Creating again with the same merchant ID returns the customer that exists (unchanged),
/// so that a merchant can call this on every sign-in without keeping state.
/// </summary>
public static class CreateCustomer
{
    public sealed record Outcome(Customer Customer, bool Created);

    public static Check Validate(CreateCustomerRequest r, string prefix = "")
    {
        var check = new Check();
        check.Email(prefix + "email", r.Email, required: true)
            .MaxLength(prefix + "id", r.Id, 255)
            .MaxLength(prefix + "externalId", r.ExternalId, 255)
            .MaxLength(prefix + "fullName", r.FullName, 255)
            .MaxLength(prefix + "taxDocument", r.TaxDocument, 100)
            .MaxLength(prefix + "documentType", r.DocumentType, 50)
            .Metadata(prefix + "metadata", r.Metadata);
        if (r.Id is not null && r.ExternalId is not null && r.Id != r.ExternalId)
        {
            check.Add(prefix + "externalId", "Send either id or externalId (they name the same thing), not two different values.");
        }
        if (ExternalIdOf(r) is { } ext && string.IsNullOrWhiteSpace(ext))
        {
            check.Add(prefix + "id", "id must not be blank.");
        }
        CustomerRules.CheckAddress(check, prefix + "address", r.Address);
        CustomerRules.CheckTimezone(check, r.Timezone);
        return check;
    }

    public static string? ExternalIdOf(CreateCustomerRequest r) => r.Id ?? r.ExternalId;

    public static Customer NewCustomer(CreateCustomerRequest r, ApiCaller caller, TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new Customer
        {
            Id = Ids.New(Ids.Customer, clock),
            OrganizationId = caller.OrganizationId,
            Livemode = caller.Livemode,
            ExternalId = ExternalIdOf(r),
            Email = r.Email!.Trim(),
            FullName = r.FullName,
            TaxDocument = r.TaxDocument,
            DocumentType = r.DocumentType,
            Timezone = r.Timezone,
            MetadataJson = MetadataJson.Write(r.Metadata),
            Address = CustomerRules.ToAddress(r.Address),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Records <c>customer.created</c> for a customer just added (saved with it).</summary>
    public static void Created(CommetDb db, Customer customer) =>
        EventRecorder.Record(db, new Tenant(customer.OrganizationId, customer.Livemode), CustomerCreatedData.From(customer), customer.CreatedAt,
            null, customer);

    public static async Task<Result<Outcome>> HandleAsync(CreateCustomerRequest r, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct)
    {
        var check = Validate(r);
        if (check.Failed)
        {
            return check.ToError();
        }
        var externalId = ExternalIdOf(r);
        if (externalId is not null)
        {
            var existing = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.ExternalId == externalId, ct);
            if (existing is not null)
            {
                return new Outcome(existing, false);
            }
        }
        var customer = NewCustomer(r, caller, clock);
        db.Customers.Add(customer);
        Created(db, customer);
        try
        {
            await db.SaveChangesAsync(ct);
            return new Outcome(customer, true);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex) && externalId is not null)
        {
            // Another request created the same merchant ID between our read and our write.
            db.ChangeTracker.Clear();
            var winner = await db.Customers.AsNoTracking().FirstAsync(c => c.ExternalId == externalId, ct);
            return new Outcome(winner, false);
        }
    }
}

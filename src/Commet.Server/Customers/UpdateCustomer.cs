using System.Text.Json;
using Commet.Domain;
using Commet.Server.Billing;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Customers;

/// <summary>Fields left out (or null) stay as they are.</summary>
public sealed class UpdateCustomerRequest
{
    public string? Email { get; set; }
    public string? FullName { get; set; }
    public string? TaxDocument { get; set; }
    public string? DocumentType { get; set; }
    public string? ExternalId { get; set; }
    public string? Timezone { get; set; }
    public Dictionary<string, JsonElement>? Metadata { get; set; }
    public AddressInput? Address { get; set; }
}

public static class UpdateCustomer
{
    public static async Task<Result<Customer>> HandleAsync(string id, UpdateCustomerRequest r, CommetDb db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        // Left out, the email stays; sent, it must be a valid address, as on create (blank is not "leave it").
        check.Email("email", r.Email, required: r.Email is not null)
            .MaxLength("fullName", r.FullName, 255)
            .MaxLength("taxDocument", r.TaxDocument, 100)
            .MaxLength("documentType", r.DocumentType, 50)
            .MaxLength("externalId", r.ExternalId, 255)
            .Metadata("metadata", r.Metadata);
        if (r.ExternalId is not null && string.IsNullOrWhiteSpace(r.ExternalId))
        {
            check.Add("externalId", "externalId must not be blank.");
        }
        CustomerRules.CheckAddress(check, "address", r.Address);
        CustomerRules.CheckTimezone(check, r.Timezone);
        if (check.Failed)
        {
            return check.ToError();
        }

        var customer = await CustomerRules.FindAsync(db, id, ct, track: true);
        if (customer is null)
        {
            return CustomerRules.NotFound(id);
        }
        if (r.ExternalId is not null && r.ExternalId != customer.ExternalId
            && await db.Customers.AnyAsync(c => c.ExternalId == r.ExternalId, ct))
        {
            return Error.Conflict("duplicate", "Another customer already has this externalId.", "externalId");
        }

        var before = Snapshot(customer);
        customer.Email = r.Email?.Trim() ?? customer.Email;
        customer.FullName = r.FullName ?? customer.FullName;
        customer.TaxDocument = r.TaxDocument ?? customer.TaxDocument;
        customer.DocumentType = r.DocumentType ?? customer.DocumentType;
        customer.ExternalId = r.ExternalId ?? customer.ExternalId;
        customer.Timezone = r.Timezone ?? customer.Timezone;
        if (r.Metadata is not null)
        {
            customer.MetadataJson = MetadataJson.Write(r.Metadata);
        }
        if (r.Address is not null)
        {
            customer.Address = CustomerRules.ToAddress(r.Address);
        }
        customer.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        if (Snapshot(customer) != before)
        {
            // Only a real change is an event: the portal's form saves every field each time.
            EventRecorder.Record(db, new Tenant(customer.OrganizationId, customer.Livemode), CustomerUpdatedData.From(customer), customer.UpdatedAt,
                null, customer);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Error.Conflict("duplicate", "Another customer already has this externalId.", "externalId");
        }
        return customer;
    }

    /// <summary>Everything a customer update can change, to tell a real change from a save of the same values.</summary>
    private static string Snapshot(Customer c) => System.Text.Json.JsonSerializer.Serialize(
        new object?[] { c.Email, c.FullName, c.TaxDocument, c.DocumentType, c.ExternalId, c.Timezone, c.MetadataJson, AddressDto.From(c.Address) });
}

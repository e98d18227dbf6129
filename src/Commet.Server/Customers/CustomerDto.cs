using System.Text.Json;
using Commet.Domain;
using Commet.Server.Http;

namespace Commet.Server.Customers;

public sealed record AddressDto(string Line1, string? Line2, string City, string? State, string PostalCode, string Country, string? Region)
{
    public static AddressDto? From(Address? a) =>
        a is null ? null : new AddressDto(a.Line1, a.Line2, a.City, a.State, a.PostalCode, a.Country, a.Region);
}

/// <summary>The customer as the SDK's <c>Customer</c> type declares it, plus the address.</summary>
public sealed record CustomerDto(
    string Id,
    string? ExternalId,
    string? FullName,
    string Email,
    string? TaxDocument,
    string? DocumentType,
    string? Timezone,
    string? Locale,
    JsonElement? Metadata,
    AddressDto? Address,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    bool Livemode)
{
    public string Object => "customer";

    public static CustomerDto From(Customer c) => new(
        c.Id, c.ExternalId, c.FullName, c.Email, c.TaxDocument, c.DocumentType, c.Timezone, c.Locale,
        MetadataJson.Read(c.MetadataJson), AddressDto.From(c.Address), c.CreatedAt, c.UpdatedAt, c.Livemode);
}

/// <summary>Metadata is stored as a JSON text column and handed back as it came.</summary>
public static class MetadataJson
{
    public static string? Write(Dictionary<string, JsonElement>? metadata) =>
        metadata is null ? null : JsonSerializer.Serialize(metadata, Api.Json);

    public static JsonElement? Read(string? json) =>
        json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}

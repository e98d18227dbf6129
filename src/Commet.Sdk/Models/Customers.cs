using System.Text.Json.Nodes;

namespace Commet.Models;

/// <summary>A customer: the person or company that subscribes and pays.</summary>
public sealed class Customer : CommetObject
{
    /// <summary>Commet's ID (<c>cus_…</c>).</summary>
    public string Id { get; init; } = "";

    /// <summary>Your own ID for this customer (given as <c>id</c> or <c>externalId</c> when it was created); usable wherever a customer ID is asked for.</summary>
    public string? ExternalId { get; init; }

    /// <summary>The full name.</summary>
    public string? FullName { get; init; }

    /// <summary>The billing email.</summary>
    public string Email { get; init; } = "";

    /// <summary>A tax number.</summary>
    public string? TaxDocument { get; init; }

    /// <summary>The kind of <see cref="TaxDocument"/>.</summary>
    public string? DocumentType { get; init; }

    /// <summary>An IANA time zone such as <c>Europe/Madrid</c>.</summary>
    public string? Timezone { get; init; }

    /// <summary>The language of the customer's emails and portal (such as <c>es</c> or <c>pt-BR</c>; a Commet for .NET addition).</summary>
    public string? Locale { get; init; }

    /// <summary>Your key-value data.</summary>
    public JsonObject? Metadata { get; init; }

    /// <summary>The billing address.</summary>
    public Address? Address { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A postal address.</summary>
public sealed class Address
{
    /// <summary>First line.</summary>
    public string Line1 { get; set; } = "";

    /// <summary>Second line.</summary>
    public string? Line2 { get; set; }

    /// <summary>City.</summary>
    public string City { get; set; } = "";

    /// <summary>State or province.</summary>
    public string? State { get; set; }

    /// <summary>Postal code.</summary>
    public string PostalCode { get; set; } = "";

    /// <summary>Two-letter country code.</summary>
    public string Country { get; set; } = "";

    /// <summary>Region.</summary>
    public string? Region { get; set; }
}

/// <summary>A new customer.</summary>
public sealed class CreateCustomerRequest
{
    /// <summary>Your own ID for the customer (stored as <see cref="Customer.ExternalId"/>). Creating again with the same ID returns the existing customer.</summary>
    public string? Id { get; set; }

    /// <summary>Your own ID, the older name of <see cref="Id"/>.</summary>
    public string? ExternalId { get; set; }

    /// <summary>The billing email (required).</summary>
    public string Email { get; set; } = "";

    /// <summary>The full name.</summary>
    public string? FullName { get; set; }

    /// <summary>A tax number.</summary>
    public string? TaxDocument { get; set; }

    /// <summary>The kind of tax number (such as <c>vat</c> or <c>cnpj</c>).</summary>
    public string? DocumentType { get; set; }

    /// <summary>The language of the customer's emails and portal, such as <c>es</c> or <c>pt-BR</c> (a Commet for .NET addition).</summary>
    public string? Locale { get; set; }

    /// <summary>An IANA time zone from the API's list, such as <c>Europe/Madrid</c>.</summary>
    public string? Timezone { get; set; }

    /// <summary>Your key-value data.</summary>
    public JsonObject? Metadata { get; set; }

    /// <summary>The billing address.</summary>
    public Address? Address { get; set; }
}

/// <summary>Changes to a customer; fields left null are not changed.</summary>
public sealed class UpdateCustomerRequest
{
    /// <summary>A new email.</summary>
    public string? Email { get; set; }

    /// <summary>A new full name.</summary>
    public string? FullName { get; set; }

    /// <summary>A new tax number.</summary>
    public string? TaxDocument { get; set; }

    /// <summary>A new kind of tax number.</summary>
    public string? DocumentType { get; set; }

    /// <summary>A new language for the customer's emails and portal (a Commet for .NET addition).</summary>
    public string? Locale { get; set; }

    /// <summary>A new external ID.</summary>
    public string? ExternalId { get; set; }

    /// <summary>A new time zone.</summary>
    public string? Timezone { get; set; }

    /// <summary>New metadata (replaces the old).</summary>
    public JsonObject? Metadata { get; set; }

    /// <summary>A new address.</summary>
    public Address? Address { get; set; }
}

/// <summary>Filters of a customer list.</summary>
public sealed class ListCustomersOptions
{
    /// <summary>Only the customer with this external ID.</summary>
    public string? ExternalId { get; set; }

    /// <summary>Only the customers with this email address (exact match).</summary>
    public string? Email { get; set; }

    /// <summary>Page size, 1–100 (default 25). Every page is read; this only sets how many come per request.</summary>
    public int? PageSize { get; set; }
}

/// <summary>Up to 100 new customers in one request.</summary>
public sealed class BatchCreateCustomersRequest
{
    /// <summary>The customers to create.</summary>
    public IList<CreateCustomerRequest> Customers { get; set; } = [];
}

/// <summary>The result of a batch create: which customers were made and which failed, with why.</summary>
public sealed class CustomerBatch : CommetObject
{
    /// <summary>The customers made.</summary>
    public IReadOnlyList<CustomerBatchSuccess> Successful { get; init; } = [];

    /// <summary>The customers refused.</summary>
    public IReadOnlyList<CustomerBatchFailure> Failed { get; init; } = [];
}

/// <summary>One customer a batch made.</summary>
public sealed class CustomerBatchSuccess
{
    /// <summary>Commet's ID.</summary>
    public string Id { get; init; } = "";

    /// <summary>Your ID.</summary>
    public string? ExternalId { get; init; }

    /// <summary>The email.</summary>
    public string Email { get; init; } = "";
}

/// <summary>One customer a batch refused.</summary>
public sealed class CustomerBatchFailure
{
    /// <summary>Its position in the request.</summary>
    public int Index { get; init; }

    /// <summary>Why it was refused.</summary>
    public string Error { get; init; } = "";

    /// <summary>What was sent for it.</summary>
    public JsonObject? Data { get; init; }
}

using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Customers;

public static class CustomerEndpoints
{
    public static void MapCustomers(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/customers").WithTags("Customers");

        group.MapGet("/", async (string? externalId, string? email, string? limit, string? cursor, CommetDb db, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Api.Error(page.Error);
            }
            var query = db.Customers.AsNoTracking();
            if (!string.IsNullOrEmpty(externalId))
            {
                query = query.Where(c => c.ExternalId == externalId);
            }
            if (!string.IsNullOrEmpty(email))
            {
                query = query.Where(c => c.Email == email);
            }
            var result = await query.ToPageAsync(page.Value, ct);
            return Api.Page(result.Map(CustomerDto.From));
        })
        .WithSummary("List customers, newest first, with cursor pagination; filter by externalId or email.")
        .Produces<ApiListEnvelope<CustomerDto>>();

        group.MapPost("/", async (Json<CreateCustomerRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
        {
            var result = await CreateCustomer.HandleAsync(body.Value, db, caller, clock, ct);
            return Api.From(result, o => Api.Ok(CustomerDto.From(o.Customer), o.Created ? 201 : 200));
        })
        .WithSummary("Create a customer; with your own id, creating again returns the existing customer.")
        .Produces<ApiEnvelope<CustomerDto>>(201);

        group.MapPost("/batch", async (Json<BatchCreateCustomersRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
        {
            var result = await BatchCreateCustomers.HandleAsync(body.Value, db, caller, clock, ct);
            return Api.From(result, b => Api.Ok(b));
        })
        .WithSummary("Create up to 100 customers; each item succeeds or fails on its own.")
        .Produces<ApiEnvelope<CustomerBatchDto>>();

        group.MapGet("/{id}", async (string id, CommetDb db, CancellationToken ct) =>
        {
            var customer = await CustomerRules.FindAsync(db, id, ct);
            return customer is null ? Api.Error(CustomerRules.NotFound(id)) : Api.Ok(CustomerDto.From(customer));
        })
        .WithSummary("Get a customer by cus_ ID or by your own ID.")
        .Produces<ApiEnvelope<CustomerDto>>();

        group.MapPut("/{id}", async (string id, Json<UpdateCustomerRequest> body, CommetDb db, TimeProvider clock, CancellationToken ct) =>
        {
            var result = await UpdateCustomer.HandleAsync(id, body.Value, db, clock, ct);
            return Api.From(result, c => Api.Ok(CustomerDto.From(c)));
        })
        .WithSummary("Update a customer's details; fields left out stay as they are.")
        .Produces<ApiEnvelope<CustomerDto>>();
    }
}

using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Customers;

public static class CustomerEndpoints
{
    public static void MapCustomers(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/customers").WithTags("Customers");

        group.MapGet("/", async Task<Results<ApiPage<CustomerDto>, ApiInvalid>> (string? externalId, string? email, string? limit, string? cursor, CommetDb db, CancellationToken ct) =>
        {
            var page = PageRequest.From(limit, cursor);
            if (!page.IsSuccess)
            {
                return Answer.Invalid(page.Error);
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
            return Answer.Page(result.Map(CustomerDto.From));
        })
        .WithSummary("List customers, newest first, with cursor pagination; filter by externalId or email.");

        group.MapPost("/", async (Json<CreateCustomerRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
        {
            var result = await CreateCustomer.HandleAsync(body.Value, db, caller, clock, ct);
            return Answer.From(result, Results<ApiCreated<CustomerDto>, ApiOk<CustomerDto>> (o) => o.Created
                ? Answer.Created(CustomerDto.From(o.Customer))
                : Answer.Ok(CustomerDto.From(o.Customer)));
        })
        .WithSummary("Create a customer; with your own id, creating again returns the existing customer.");

        group.MapPost("/batch", async (Json<BatchCreateCustomersRequest> body, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct) =>
        {
            var result = await BatchCreateCustomers.HandleAsync(body.Value, db, caller, clock, ct);
            return Answer.From(result, b => Answer.Ok(b));
        })
        .WithSummary("Create up to 100 customers; each item succeeds or fails on its own.");

        group.MapGet("/{id}", async Task<Results<ApiOk<CustomerDto>, ApiNotFound>> (string id, CommetDb db, CancellationToken ct) =>
        {
            var customer = await CustomerRules.FindAsync(db, id, ct);
            return customer is null ? Answer.NotFound(CustomerRules.NotFound(id)) : Answer.Ok(CustomerDto.From(customer));
        })
        .WithSummary("Get a customer by cus_ ID or by your own ID.");

        group.MapPut("/{id}", async (string id, Json<UpdateCustomerRequest> body, CommetDb db, TimeProvider clock, CancellationToken ct) =>
        {
            var result = await UpdateCustomer.HandleAsync(id, body.Value, db, clock, ct);
            return Answer.From(result, c => Answer.Ok(CustomerDto.From(c)));
        })
        .WithSummary("Update a customer's details; fields left out stay as they are.");
    }
}

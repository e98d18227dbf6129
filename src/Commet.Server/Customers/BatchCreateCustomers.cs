using Commet.Domain;
using Commet.Server.Http;
using Commet.Server.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Commet.Server.Customers;

public sealed class BatchCreateCustomersRequest
{
    public List<CreateCustomerRequest>? Customers { get; set; }
}

public sealed record BatchSuccess(string Id, string? ExternalId, string Email);

public sealed record BatchFailure(int Index, string Error, CreateCustomerRequest Data);

public sealed record CustomerBatchDto(IReadOnlyList<BatchSuccess> Successful, IReadOnlyList<BatchFailure> Failed, bool Livemode)
{
    public string Object => "customer";
}

/// <summary>Up to 100 customers in one request; each succeeds or fails on its own.</summary>
public static class BatchCreateCustomers
{
    public const int MaxBatch = 100;

    public static async Task<Result<CustomerBatchDto>> HandleAsync(BatchCreateCustomersRequest r, CommetDb db, ApiCaller caller, TimeProvider clock, CancellationToken ct)
    {
        if (r.Customers is null || r.Customers.Count == 0)
        {
            return Error.Validation("customers", "customers must be a non-empty array.");
        }
        if (r.Customers.Count > MaxBatch)
        {
            return Error.Validation("customers", $"customers may hold at most {MaxBatch} items.");
        }

        var successful = new List<BatchSuccess>();
        var failed = new List<BatchFailure>();
        var valid = new List<(int Index, CreateCustomerRequest Item)>();
        for (var i = 0; i < r.Customers.Count; i++)
        {
            var item = r.Customers[i] ?? new CreateCustomerRequest();
            var check = CreateCustomer.Validate(item);
            if (check.Failed)
            {
                var details = (IReadOnlyList<FieldError>)check.ToError().Details!;
                failed.Add(new BatchFailure(i, string.Join(" ", details.Select(d => d.Message)), item));
            }
            else
            {
                valid.Add((i, item));
            }
        }

        // One read for every merchant ID in the batch, one write for all new customers.
        var externalIds = valid.Select(v => CreateCustomer.ExternalIdOf(v.Item)).OfType<string>().Distinct().ToList();
        var existing = externalIds.Count == 0
            ? new Dictionary<string, Customer>()
            : await db.Customers.AsNoTracking().Where(c => externalIds.Contains(c.ExternalId!)).ToDictionaryAsync(c => c.ExternalId!, ct);
        var created = new List<Customer>();
        var results = new SortedDictionary<int, BatchSuccess>();
        foreach (var (index, item) in valid)
        {
            var ext = CreateCustomer.ExternalIdOf(item);
            if (ext is not null && existing.TryGetValue(ext, out var found))
            {
                results[index] = new BatchSuccess(found.Id, found.ExternalId, found.Email);
                continue;
            }
            var customer = CreateCustomer.NewCustomer(item, caller, clock);
            created.Add(customer);
            if (ext is not null)
            {
                existing[ext] = customer;
            }
            results[index] = new BatchSuccess(customer.Id, customer.ExternalId, customer.Email);
        }

        db.Customers.AddRange(created);
        foreach (var customer in created)
        {
            CreateCustomer.Created(db, customer);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // A concurrent request took some of these merchant IDs: fall back to one at a time.
            db.ChangeTracker.Clear();
            results.Clear();
            foreach (var (index, item) in valid)
            {
                var one = await CreateCustomer.HandleAsync(item, db, caller, clock, ct);
                if (one.IsSuccess)
                {
                    results[index] = new BatchSuccess(one.Value.Customer.Id, one.Value.Customer.ExternalId, one.Value.Customer.Email);
                }
                else
                {
                    failed.Add(new BatchFailure(index, one.Error.Message, item));
                }
            }
        }
        successful.AddRange(results.Values);
        return new CustomerBatchDto(successful, failed.OrderBy(f => f.Index).ToList(), caller.Livemode);
    }
}

using Commet.Internal;
using Commet.Models;

namespace Commet.Resources;

/// <summary>Customers: <c>/customers</c>.</summary>
public class CustomersClient
{
    private static readonly CommetJsonContext J = CommetJsonContext.Default;
    private readonly Pipeline pipeline;

    /// <summary>For mocking.</summary>
    protected CustomersClient() => pipeline = null!;

    internal CustomersClient(Pipeline pipeline) => this.pipeline = pipeline;

    /// <summary>Creates a customer. With <see cref="CreateCustomerRequest.Id"/>, creating again answers the existing customer.</summary>
    /// <param name="request">The customer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Customer> CreateAsync(CreateCustomerRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/customers", null, Body.Of(request, J.CreateCustomerRequest), J.Customer, cancellationToken);

    /// <summary>Creates up to 100 customers; each succeeds or fails on its own.</summary>
    /// <param name="request">The customers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<CustomerBatch> CreateBatchAsync(BatchCreateCustomersRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Post, "/customers/batch", null, Body.Of(request, J.BatchCreateCustomersRequest), J.CustomerBatch, cancellationToken);

    /// <summary>Gets a customer by Commet's ID or yours.</summary>
    /// <param name="id">The customer's ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Customer> GetAsync(string id, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Get, "/customers/" + Pipeline.Segment(id), null, null, J.Customer, cancellationToken);

    /// <summary>Changes a customer.</summary>
    /// <param name="id">The customer's ID.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public virtual Task<Customer> UpdateAsync(string id, UpdateCustomerRequest request, CancellationToken cancellationToken = default) =>
        pipeline.SendAsync(HttpMethod.Put, "/customers/" + Pipeline.Segment(id), null, Body.Of(request, J.UpdateCustomerRequest), J.Customer, cancellationToken);

    /// <summary>Every customer, newest first, following pages as the enumeration goes.</summary>
    /// <param name="options">Filters.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public virtual IAsyncEnumerable<Customer> ListAsync(ListCustomersOptions? options = null, CancellationToken cancellationToken = default) =>
        pipeline.ListAsync("/customers", new Query().Add("externalId", options?.ExternalId).Add("email", options?.Email).Add("limit", options?.PageSize), J.Customer, cancellationToken);
}

namespace Commet.Server.Events;

/// <summary>
/// The <c>data</c> of one kind of webhook event. Each implementation mirrors one <c>*Data</c> interface of
/// <c>@commet/node</c> 7.10.0 field for field: a required field is a constructor parameter, a field the SDK declares
/// as <c>T | null</c> is nullable and always written, and a field it declares optional (<c>field?: T</c>) is left out
/// when it has no value (<c>[JsonIgnore(Condition = WhenWritingNull)]</c>), because the SDK's types do not allow null there.
/// <para>
/// <c>customerId</c>: callers give our <c>cus_</c> ID; <see cref="Billing.EventRecorder"/> writes the merchant's own
/// external ID in its place when the customer has one, as the SDK's doc comments promise.
/// </para>
/// </summary>
public interface IEventData
{
    /// <summary>The event's name, one of <see cref="EventNames"/>.</summary>
    static abstract string EventName { get; }
}

namespace Commet.Server.Pages.Portal;

/// <summary>
/// The "no session" page: a heading, a sentence, and the way back to the merchant. Never customer data.
/// <paramref name="EmailForm"/> adds the "email me a link" form (the used or expired link page), with
/// <paramref name="FormError"/> when the address given was not an address.
/// </summary>
public sealed record EndedView(string Title, string Message, string Merchant, string? ReturnUrl, bool EmailForm = false, string? FormError = null);

namespace Commet.Server.Pages.Portal;

/// <summary>The "no session" page: a heading, a sentence, and the way back to the merchant. Never customer data.</summary>
public sealed record EndedView(string Title, string Message, string Merchant, string? ReturnUrl);

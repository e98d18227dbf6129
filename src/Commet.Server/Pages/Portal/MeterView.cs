namespace Commet.Server.Pages.Portal;

/// <summary>One bar on the usage page: what is used of what is included, with the numbers in words beside it.</summary>
public sealed record MeterView(string Label, decimal Used, decimal Max, bool Unlimited, string Text, string? Note = null);

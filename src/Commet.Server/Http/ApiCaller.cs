namespace Commet.Server.Http;

/// <summary>Who is calling: the organization and mode of the API key on this request.</summary>
public sealed class ApiCaller
{
    public string OrganizationId { get; private set; } = "";

    public bool Livemode { get; private set; }

    public string ApiKeyId { get; private set; } = "";

    public bool IsAuthenticated => ApiKeyId.Length > 0;

    public void Set(string apiKeyId, string organizationId, bool livemode)
    {
        ApiKeyId = apiKeyId;
        OrganizationId = organizationId;
        Livemode = livemode;
    }
}

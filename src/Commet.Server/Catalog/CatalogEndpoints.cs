namespace Commet.Server.Catalog;

public static class CatalogEndpoints
{
    public static void MapCatalog(this IEndpointRouteBuilder api)
    {
    }
}

namespace Commet.Server.Catalog;

/// <summary>The catalog a merchant sells from: features, plans (with prices and features), plan groups, credit packs, add-ons and promo codes.</summary>
public static class CatalogEndpoints
{
    public static void MapCatalog(this IEndpointRouteBuilder api)
    {
        api.MapFeatures();
        api.MapPlans();
        api.MapPlanGroups();
        api.MapCreditPacks();
        api.MapAddons();
        api.MapPromoCodes();
    }
}

namespace Commet.Domain;

/// <summary>
/// A plan guards its own prices: at most one per interval, none on a free plan, and exactly one default as soon
/// as there is any price at all.
/// </summary>
public sealed partial class Plan
{
    /// <summary>The plan's consumption model; plans made before it was stored are metered.</summary>
    public string Model => ConsumptionModel ?? ConsumptionModels.Metered;

    public bool IsDeleted => DeletedAt is not null;

    public PlanPrice? DefaultPrice => Prices.FirstOrDefault(p => p.IsDefault);

    /// <summary>
    /// Adds a price. The first price of a plan becomes its default whatever <paramref name="makeDefault"/> says;
    /// asking for the default on a later price takes it from the price that had it.
    /// </summary>
    public Result<PlanPrice> AddPrice(PlanPrice price, bool makeDefault, DateTime now)
    {
        if (IsFree)
        {
            return CatalogErrors.FreePlanHasNoPrices(Code);
        }
        if (Prices.Any(p => p.BillingInterval == price.BillingInterval))
        {
            return Error.Conflict("duplicate", $"Plan '{Code}' already has a {price.BillingInterval} price; update that price instead.", "billingInterval");
        }
        var becomesDefault = makeDefault || Prices.Count == 0;
        if (becomesDefault)
        {
            ClearDefault(now);
        }
        price.PlanId = Id;
        price.IsDefault = becomesDefault;
        Prices.Add(price);
        UpdatedAt = now;
        return price;
    }

    /// <summary>Makes one price the default and takes the flag from the price that had it.</summary>
    public Result<PlanPrice> SetDefaultPrice(string priceId, DateTime now)
    {
        var price = Prices.FirstOrDefault(p => p.Id == priceId);
        if (price is null)
        {
            return CatalogErrors.PriceNotFound(priceId, Code);
        }
        if (!price.IsDefault)
        {
            ClearDefault(now);
            price.IsDefault = true;
            price.UpdatedAt = now;
            UpdatedAt = now;
        }
        return price;
    }

    /// <summary>
    /// A price stops being the default only by another one taking its place: a plan with prices always has a
    /// default, so that a subscription created without an interval knows what to charge.
    /// </summary>
    public Error? CanUnsetDefault(string priceId) =>
        Prices.Any(p => p.Id == priceId && p.IsDefault)
            ? Error.Invalid("default_price_required",
                "A plan with prices always has one default price. Make another price the default instead.", "isDefault")
            : null;

    /// <summary>
    /// Removes a price. When it was the default, the remaining price made first becomes the default, so that
    /// the plan keeps exactly one.
    /// </summary>
    public Result<PlanPrice> RemovePrice(string priceId, DateTime now)
    {
        var price = Prices.FirstOrDefault(p => p.Id == priceId);
        if (price is null)
        {
            return CatalogErrors.PriceNotFound(priceId, Code);
        }
        Prices.Remove(price);
        if (price.IsDefault && Prices.Count > 0)
        {
            var next = Prices.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal).First();
            next.IsDefault = true;
            next.UpdatedAt = now;
        }
        UpdatedAt = now;
        return price;
    }

    /// <summary>
    /// Included credits belong to credits plans and included balance to balance plans; anywhere else they would
    /// be a promise the billing engine never keeps.
    /// </summary>
    public IReadOnlyList<FieldError> CheckAllowances(long? includedCredits, long? includedBalance)
    {
        var errors = new List<FieldError>();
        if (includedCredits is not null && Model != ConsumptionModels.Credits)
        {
            errors.Add(new FieldError("includedCredits", $"includedCredits applies only to credits plans; plan '{Code}' is {Model}."));
        }
        if (includedBalance is not null && Model != ConsumptionModels.Balance)
        {
            errors.Add(new FieldError("includedBalance", $"includedBalance applies only to balance plans; plan '{Code}' is {Model}."));
        }
        return errors;
    }

    /// <summary>Leaves the plan group it is in, if any.</summary>
    public void LeaveGroup(DateTime now)
    {
        if (PlanGroupId is not null)
        {
            PlanGroupId = null;
            SortOrder = 0;
            UpdatedAt = now;
        }
    }

    /// <summary>Soft delete: the plan disappears from the catalog but its subscribers keep it.</summary>
    public void Delete(DateTime now)
    {
        LeaveGroup(now);
        DeletedAt = now;
        UpdatedAt = now;
    }

    private void ClearDefault(DateTime now)
    {
        foreach (var p in Prices.Where(p => p.IsDefault))
        {
            p.IsDefault = false;
            p.UpdatedAt = now;
        }
    }
}

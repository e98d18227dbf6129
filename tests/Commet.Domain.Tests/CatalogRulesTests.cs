using Commet.Domain;

namespace Commet.Domain.Tests;

public class CatalogRulesTests
{
    [Theory]
    [InlineData("api_calls", true)]
    [InlineData("a", true)]
    [InlineData("seats2", true)]
    [InlineData("Api_Calls", false)]
    [InlineData("api-calls", false)]
    [InlineData("api calls", false)]
    [InlineData("", false)]
    [InlineData("ñandú", false)]
    [InlineData(null, false)]
    public void FeatureCode_IsLowercaseAlphanumericAndUnderscore(string? code, bool valid)
    {
        Assert.Equal(valid, CatalogRules.IsValidFeatureCode(code));
    }

    [Fact]
    public void FeatureCode_AtMost100Characters()
    {
        Assert.True(CatalogRules.IsValidFeatureCode(new string('a', 100)));
        Assert.False(CatalogRules.IsValidFeatureCode(new string('a', 101)));
    }

    [Theory]
    [InlineData("Extra Storage!", "extra-storage")]
    [InlineData("  Priority   Support ", "priority-support")]
    [InlineData("Ünïcödé", "unicode")]
    [InlineData("日本語", "addon")]
    [InlineData("!!!", "addon")]
    public void Slugify_MakesUrlSafeSlugs(string name, string slug)
    {
        Assert.Equal(slug, CatalogRules.Slugify(name));
    }

    [Fact]
    public void BillingIntervals_RankByLength()
    {
        Assert.True(BillingIntervals.Rank("yearly") > BillingIntervals.Rank("quarterly"));
        Assert.True(BillingIntervals.Rank("quarterly") > BillingIntervals.Rank("monthly"));
        Assert.True(BillingIntervals.Rank("monthly") > BillingIntervals.Rank("weekly"));
    }
}

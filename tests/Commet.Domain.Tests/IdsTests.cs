using Commet.Domain;
using Microsoft.Extensions.Time.Testing;

namespace Commet.Domain.Tests;

public class IdsTests
{
    [Fact]
    public void New_HasPrefixAndFixedLength()
    {
        var id = Ids.New(Ids.Customer);
        Assert.StartsWith("cus_", id);
        Assert.Equal(4 + 26, id.Length);
        Assert.True(Ids.HasPrefix(id, Ids.Customer));
        Assert.False(Ids.HasPrefix(id, Ids.Plan));
        Assert.False(Ids.HasPrefix("cus_", Ids.Customer));
    }

    [Fact]
    public void New_SortsByCreation_EvenWithinOneMillisecond()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ids = Enumerable.Range(0, 500).Select(_ => Ids.New(Ids.Customer, clock)).ToList();
        clock.Advance(TimeSpan.FromMilliseconds(1));
        ids.Add(Ids.New(Ids.Customer, clock));
        Assert.Equal(ids, ids.OrderBy(x => x, StringComparer.Ordinal).ToList());
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}

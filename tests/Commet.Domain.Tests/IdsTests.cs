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

    [Fact]
    public async Task New_RandomParts_NeverRepeat_AcrossManyBufferRefills()
    {
        // The random part comes from a per-thread buffer refilled every 85 IDs: each ID must get bytes of its own.
        var tails = Enumerable.Range(0, 2000).Select(_ => Ids.New(Ids.Event)[^12..]).ToList();
        Assert.Equal(tails.Count, tails.Distinct().Count());
        // On another thread too (its own buffer), and never the same bytes as this one's.
        var other = await Task.Run(() => Enumerable.Range(0, 2000).Select(_ => Ids.New(Ids.Event)[^12..]).ToList());
        Assert.Equal(4000, tails.Concat(other).Distinct().Count());
    }
}

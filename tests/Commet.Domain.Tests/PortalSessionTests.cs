using Commet.Domain;

namespace Commet.Domain.Tests;

public class PortalSessionTests
{
    private static readonly DateTime T0 = new(2028, 1, 1, 9, 0, 0, DateTimeKind.Utc);

    private static PortalSession Link() => new()
    {
        Id = "pts_1",
        OrganizationId = "org_1",
        CustomerId = "cus_1",
        LinkHash = new string('a', 64),
        CreatedAt = T0,
        LinkExpiresAt = T0.AddHours(2),
        IdleTimeoutSeconds = 2 * 3600,
        AbsoluteExpiresAt = T0.AddHours(12),
    };

    [Fact]
    public void Link_IsUsableUntil2Hours_AndOnlyOnce()
    {
        var link = Link();
        Assert.True(link.LinkUsable(T0.AddHours(2).AddSeconds(-1)));
        Assert.False(link.LinkUsable(T0.AddHours(2)));
        link.RedeemedAt = T0.AddMinutes(5);
        Assert.False(link.LinkUsable(T0.AddMinutes(6)));
    }

    [Fact]
    public void Session_IsNotAliveBeforeTheLinkIsOpened()
    {
        Assert.False(Link().IsAlive(T0));
    }

    [Fact]
    public void Session_DiesAfter2IdleHours_SlidingWithActivity()
    {
        var s = Link();
        s.RedeemedAt = T0;
        s.LastSeenAt = T0;
        Assert.True(s.IsAlive(T0.AddHours(2).AddSeconds(-1)));
        Assert.False(s.IsAlive(T0.AddHours(2)));
        s.LastSeenAt = T0.AddHours(1.5);
        Assert.True(s.IsAlive(T0.AddHours(3)));
    }

    [Fact]
    public void Session_DiesAtTheAbsoluteCap_HoweverActive_AndOnSignOut()
    {
        var s = Link();
        s.RedeemedAt = T0;
        s.LastSeenAt = T0.AddHours(11.9);
        Assert.True(s.IsAlive(T0.AddHours(11.95)));
        Assert.False(s.IsAlive(T0.AddHours(12)));
        s.LastSeenAt = T0.AddHours(1);
        s.EndedAt = T0.AddHours(1);
        Assert.False(s.IsAlive(T0.AddHours(1.1)));
    }

    [Fact]
    public void Touch_IsWrittenAtMostOnceAMinute()
    {
        var s = Link();
        Assert.True(s.NeedsTouch(T0));
        s.LastSeenAt = T0;
        Assert.False(s.NeedsTouch(T0.AddSeconds(59)));
        Assert.True(s.NeedsTouch(T0.AddMinutes(1)));
    }
}

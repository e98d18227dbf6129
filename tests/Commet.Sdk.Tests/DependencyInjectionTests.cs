using Microsoft.Extensions.DependencyInjection;

namespace Commet.Sdk.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddCommetClient_SendsThroughTheHttpClientFactory_WithTheKeyAndBaseUrl()
    {
        var handler = new StubHandler(() => StubHandler.Ok("""{"object":"test_clock","simulatedTime":null,"isActive":false,"now":"2026-03-01T00:00:00.000Z","livemode":false}"""));
        var services = new ServiceCollection();
        services.AddCommetClient("ck_test_di", o => o.BaseUrl = new Uri("http://self-hosted.test:5080"))
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<CommetClient>();
        var clock = await client.TestClock.GetAsync();

        Assert.False(clock.IsActive);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), clock.Now);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://self-hosted.test:5080/api/v1/test-clock", request.Uri.ToString());
        Assert.Equal("ck_test_di", request.Header("x-api-key"));
    }

    [Fact]
    public void AddCommetClient_WithoutAKey_FailsWhenTheClientIsMade()
    {
        var services = new ServiceCollection();
        services.AddCommetClient((_, _) => { });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<CommetClient>());
        Assert.Contains("API key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resources_CanBeMocked_ThroughVirtualMembers()
    {
        var client = new FakeCommet();

        Assert.True(await client.FeatureAccess.IsAllowedAsync("user_1", "sso"));
        Assert.False(await client.FeatureAccess.IsAllowedAsync("user_2", "sso"));
    }

    private sealed class FakeCommet : CommetClient
    {
        public override Resources.FeatureAccessClient FeatureAccess { get; } = new FakeAccess();
    }

    private sealed class FakeAccess : Resources.FeatureAccessClient
    {
        public override Task<Models.FeatureAccess> GetAsync(string customerId, string code, CancellationToken cancellationToken = default) =>
            Task.FromResult(new Models.FeatureAccess { Code = code, Allowed = customerId == "user_1" });
    }
}

using System.Net;
using ErrorCatalog.Middleware.Tests;
using Microsoft.Extensions.Time.Testing;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>Usage reads on a real Redis Cluster: a request's counters live in two slots (its key's and its IP's), read slot by slot.</summary>
[Collection(nameof(RedisCluster))]
public sealed class RedisClusterUsageTests
{
    [Fact]
    public async Task RequestAndKeyUsage_AcrossSlots_EqualTheHeaders()
    {
        // Arrange
        await using var cluster = await RedisCluster.StartAsync();
        var time = new FakeTimeProvider(RedisTestApi.Start);
        var prefix = RedisCounterStoreTests.Prefix();
        var section = RedisUsageTests.Section(""" "IpLimit": { "PermitLimit": 100, "Window": "minute" }, """);
        await using var one = await RedisTestApi.StartAsync(cluster.Configuration, prefix, time, section);
        await using var two = await RedisTestApi.StartAsync(cluster.Configuration, prefix, time, section);
        using var byA = await one.GetAsync("/credits", "usage-a");
        using var response = await two.GetAsync("/credits", "usage-b");

        // Act
        var request = await RedisUsageTests.Usage(one).GetRequestUsageAsync(RedisUsageTests.Request(one, "usage-b"));
        var key = await RedisUsageTests.Usage(one).GetKeyUsageAsync("b");
        var subscription = await RedisUsageTests.Usage(two).GetSubscriptionUsageAsync("s");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        UsageAssert.MatchesHeaders(response, request!);
        UsageAssert.MatchesHeaders(response, key!, everyLimit: false);
        Assert.Equal(2, request!.Limit("ip").Used);
        Assert.Equal(200, subscription!.Limits[0].Used);
    }
}

using System.Net;
using static ErrorCatalog.Middleware.Redis.Tests.RedisKeyInvalidationTests;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>Key invalidations on a real 3-primary Redis Cluster: plain pub/sub reaches every node's subscribers.</summary>
[Collection(nameof(RedisCluster))]
public sealed class RedisClusterKeyInvalidationTests
{
    [Fact]
    public async Task RevokedThroughTheInvalidatorOnA_IsRefusedByB_WithinOneSecond()
    {
        // Arrange: the instances are given different nodes to start from; both serve the key.
        await using var cluster = await RedisCluster.StartAsync();
        var store = new SharedStore();
        store.Set("ck", new ApiKeyRecord { Id = "ck-id", Plan = "free" });
        var (a, b) = await StartTwoAsync(cluster.Nodes[0].Endpoint, store, configurationB: cluster.Nodes[2].Endpoint);
        await using var disposeA = a;
        await using var disposeB = b;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(b, "ck")).Status);

        // Act
        store.Set("ck", new ApiKeyRecord { Id = "ck-id", Plan = "free", State = ApiKeyState.Revoked });
        await Invalidator(a).InvalidateKeyAsync(ApiKeyHash.Compute("ck"), CancellationToken.None);
        var (onB, took) = await PollAsync(b, "ck", answer => answer.Code == "KEY_REVOKED", Within);

        // Assert
        Assert.Equal(new Answer(HttpStatusCode.Unauthorized, "KEY_REVOKED", null), onB);
        Assert.True(took < Within, $"B refused after {took.TotalMilliseconds} ms");
    }
}

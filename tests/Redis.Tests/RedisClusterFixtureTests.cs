using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>The 3-primary cluster fixture itself: a client reaches every primary, a slot moves live, a primary restarts with its keys.</summary>
[Collection(nameof(RedisCluster))]
public sealed class RedisClusterFixtureTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Client_SetsAndReadsKeys_OnEveryPrimary()
    {
        // Arrange
        var watch = Stopwatch.StartNew();
        await using var cluster = await RedisCluster.StartAsync();
        output.WriteLine($"cluster of {cluster.Configuration} ok in {watch.ElapsedMilliseconds} ms");
        using var connection = await ConnectionMultiplexer.ConnectAsync(cluster.Configuration);
        var database = connection.GetDatabase();
        var keys = KeyOnEachNode(cluster, "fixture");

        // Act
        foreach (var (node, key) in keys)
        {
            Assert.True(await database.StringSetAsync(key, node.Id));
        }

        // Assert: read back through the client, and each from the primary that serves its slot, asked directly.
        Assert.Equal(3, cluster.Nodes.Select(n => n.Id).Distinct().Count());
        Assert.Equal(RedisCluster.SlotCount, cluster.Nodes.Sum(n => cluster.SlotsOf(n).Count));
        foreach (var (node, key) in keys)
        {
            Assert.Equal(node.Id, (string?)await database.StringGetAsync(key));
            Assert.Equal(node.Id, (await node.CliAsync("GET", key)).Trim());
            Assert.Equal(RedisCluster.Slot(key).ToString(CultureInfo.InvariantCulture), (await node.CliAsync("CLUSTER", "KEYSLOT", key)).Trim());
        }
    }

    [Fact]
    public async Task MigrateSlot_WhileAClientWrites_KeysMoveAndNoWriteIsLost()
    {
        // Arrange: 250 keys in one slot (three MIGRATE batches) and a counter in it.
        await using var cluster = await RedisCluster.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(cluster.Configuration);
        var database = connection.GetDatabase();
        var slot = RedisCluster.Slot("{moving}");
        var from = cluster.OwnerOf(slot);
        var to = cluster.Nodes.First(n => n != from);
        for (var i = 0; i < 250; i++)
        {
            await database.StringSetAsync("{moving}:" + i, i);
        }

        // Act: a client increments the counter without pause while the slot moves.
        using var stop = new CancellationTokenSource();
        var writes = Task.Run(async () =>
        {
            var (done, failed) = (0, new List<string>());
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await database.StringIncrementAsync("{moving}:counter");
                    done++;
                }
                catch (RedisException ex)
                {
                    failed.Add(ex.Message);
                }
            }

            return (done, failed);
        });
        await Task.Delay(100);
        var watch = Stopwatch.StartNew();
        await cluster.MigrateSlotAsync(slot, to);
        var took = watch.Elapsed;
        await Task.Delay(100);
        await stop.CancelAsync();
        var (increments, failures) = await writes;

        // Assert: every write answered, the counter holds each one; the new owner serves the slot, the old one redirects.
        output.WriteLine($"slot {slot} moved from {from} to {to} in {took.TotalMilliseconds:F0} ms with {increments} increments running");
        Assert.Empty(failures);
        Assert.True(increments > 0);
        Assert.Equal(increments, (long)await database.StringGetAsync("{moving}:counter"));
        Assert.Equal(to, cluster.OwnerOf(slot));
        Assert.Equal("251", (await to.CliAsync("CLUSTER", "COUNTKEYSINSLOT", slot.ToString(CultureInfo.InvariantCulture))).Trim());
        Assert.Equal("0", (await from.CliAsync("CLUSTER", "COUNTKEYSINSLOT", slot.ToString(CultureInfo.InvariantCulture))).Trim());
        Assert.StartsWith("MOVED", (await from.CliAsync("GET", "{moving}:0")).Trim(), StringComparison.Ordinal);
        for (var i = 0; i < 250; i++)
        {
            Assert.Equal(i, (long)await database.StringGetAsync("{moving}:" + i));
        }

        using var fresh = await ConnectionMultiplexer.ConnectAsync(cluster.Configuration);
        Assert.Equal(7, (long)await fresh.GetDatabase().StringGetAsync("{moving}:7"));
    }

    [Fact]
    public async Task KilledPrimary_Restarted_ClusterIsOk_AndItsKeysAreKept()
    {
        // Arrange
        await using var cluster = await RedisCluster.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(cluster.Configuration);
        var database = connection.GetDatabase();
        var keys = KeyOnEachNode(cluster, "restart");
        foreach (var (node, key) in keys)
        {
            await database.StringSetAsync(key, node.Id);
        }

        var victim = cluster.Nodes[1];
        var slots = cluster.SlotsOf(victim);

        // Act
        cluster.Kill(victim);
        var down = await cluster.Nodes[0].CliAsync("PING");
        var watch = Stopwatch.StartNew();
        await cluster.RestartAsync(victim);
        output.WriteLine($"{victim} back and the cluster ok {watch.ElapsedMilliseconds} ms after its restart");

        // Assert: same identity and slots, every node ok, every key readable by a client and on its primary.
        Assert.Equal("PONG", down.Trim());
        Assert.Equal(victim.Id, (await victim.CliAsync("CLUSTER", "MYID")).Trim());
        Assert.Equal(slots, cluster.SlotsOf(victim));
        foreach (var node in cluster.Nodes)
        {
            Assert.Contains("cluster_state:ok", await node.CliAsync("CLUSTER", "INFO"), StringComparison.Ordinal);
        }

        using var fresh = await ConnectionMultiplexer.ConnectAsync(cluster.Configuration);
        foreach (var (node, key) in keys)
        {
            Assert.Equal(node.Id, (string?)await fresh.GetDatabase().StringGetAsync(key));
            Assert.Equal(node.Id, (await node.CliAsync("GET", key)).Trim());
        }
    }

    /// <summary>One key per primary: the first of prefix:0, prefix:1, ... whose slot that primary serves.</summary>
    private static List<(RedisClusterNode Node, string Key)> KeyOnEachNode(RedisCluster cluster, string prefix) =>
        [.. cluster.Nodes.Select(node => (node, Enumerable.Range(0, 1000).Select(i => $"{prefix}:{i}").First(k => cluster.OwnerOf(k) == node)))];
}

namespace ErrorCatalog.Middleware.Redis.Tests;

/// <summary>
/// The tests that start a Redis Cluster (three servers and two apps each) run one at a time and after the others,
/// so their load does not stretch the timings the single-server tests assert.
/// </summary>
[CollectionDefinition(nameof(RedisCluster), DisableParallelization = true)]
public sealed class RedisClusterCollection;

using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>The app's own multiplexer, as given to <c>AddApiErrorCatalogRedis(connection)</c>.</summary>
internal sealed class AppRedisConnection(Func<IServiceProvider, IConnectionMultiplexer> factory)
{
    public Func<IServiceProvider, IConnectionMultiplexer> Factory { get; } = factory;
}

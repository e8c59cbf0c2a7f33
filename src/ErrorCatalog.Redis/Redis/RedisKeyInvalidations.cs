using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Key invalidations over Redis pub/sub: each is published on <c>{prefix}key-invalidations</c>, and every instance,
/// subscribed from start-up, applies what it receives to its key cache (its own messages too, harmlessly). A
/// subscriber that was disconnected may have missed some, so a restored connection clears the whole key cache.
/// </summary>
/// <remarks>
/// Inert when counters are not in Redis or the app has no <see cref="IApiKeyStore"/> (nothing is cached then).
/// Plain PUBLISH reaches every node of a Redis Cluster, so one channel serves both.
/// </remarks>
internal sealed partial class RedisKeyInvalidations : IKeyInvalidationBroadcast, IHostedService, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly Action<RedisChannel, RedisValue> _onMessage;
    private readonly EventHandler<ConnectionFailedEventArgs> _onRestored;
    private KeyResolver? _resolver;
    private ApiErrorCatalogMetrics? _metrics;
    private IConnectionMultiplexer? _subscribed;
    private RedisChannel _channel;

    // Options and the key resolver are read when the host starts, not when it builds its hosted services, so that a bad
    // setting is reported by the options' own validation.
    public RedisKeyInvalidations(IServiceProvider services, ILogger<RedisKeyInvalidations> logger)
    {
        _services = services;
        _logger = logger;
        _onMessage = OnMessage;
        _onRestored = OnConnectionRestored;
    }

    public async Task PublishAsync(KeyInvalidation invalidation, CancellationToken cancellationToken)
    {
        if (Channel() is not { } channel)
        {
            return;
        }

        var multiplexer = _services.GetRequiredService<RedisConnection>().Multiplexer;
        await multiplexer.GetSubscriber().PublishAsync(channel, RedisKeyInvalidationMessage.Write(invalidation))
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Channel() is not { } channel || _services.GetService<KeyResolver>() is not { IsCustomStore: true } resolver)
        {
            return;
        }

        _resolver = resolver;
        _metrics = _services.GetService<ApiErrorCatalogMetrics>();
        var multiplexer = _services.GetRequiredService<RedisConnection>().Multiplexer;
        multiplexer.ConnectionRestored += _onRestored;
        _subscribed = multiplexer;
        try
        {
            await multiplexer.GetSubscriber().SubscribeAsync(channel, _onMessage).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisOutage.IsFailure(ex))
        {
            // The client keeps the subscription and makes it when it connects; the restored connection clears the cache.
            Log.SubscribeFailed(_logger, channel.ToString(), ex);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _subscribed, null) is not { } multiplexer)
        {
            return;
        }

        // The multiplexer may be the app's own, which outlives this: leave nothing of ours on it.
        multiplexer.ConnectionRestored -= _onRestored;
        try
        {
            await multiplexer.GetSubscriber().UnsubscribeAsync(_channel, _onMessage).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisOutage.IsFailure(ex) || ex is OperationCanceledException)
        {
            // Disconnected or shutting down: the server forgets the subscription with the connection.
        }
    }

    /// <summary>A host disposed without being stopped: detaches without waiting.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _subscribed, null) is not { } multiplexer)
        {
            return;
        }

        multiplexer.ConnectionRestored -= _onRestored;
        try
        {
            multiplexer.GetSubscriber().Unsubscribe(_channel, _onMessage, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (RedisOutage.IsFailure(ex))
        {
            // Our own multiplexer was disposed first: the subscription went with it.
        }
    }

    /// <summary>The channel, or null when the counters are not in Redis (then nothing is sent or received).</summary>
    private RedisChannel? Channel()
    {
        if (_channel.IsNullOrEmpty
            && _services.GetRequiredService<RunningOptions>().Startup.Book.Options.Redis is { CountsInRedis: true } redis)
        {
            _channel = RedisChannel.Literal(redis.Prefix + "key-invalidations");
        }

        return _channel.IsNullOrEmpty ? null : (RedisChannel?)_channel;
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var invalidation = RedisKeyInvalidationMessage.Read(message);
        if (invalidation.Kind == KeyInvalidationKind.All && !RedisKeyInvalidationMessage.IsAll(message))
        {
            Log.Unreadable(_logger, message.ToString());
        }

        Log.Received(_logger, invalidation.KindName, invalidation.Target);
        _resolver!.Invalidate(invalidation);
        _metrics?.KeysInvalidated(invalidation.KindName, "broadcast");
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Invalidations published while this instance was disconnected never reach it.
        _resolver!.Invalidate(KeyInvalidation.All);
        _metrics?.KeysInvalidated("all", "reconnect");
        Log.Reconnected(_logger, e.EndPoint?.ToString(), e.ConnectionType.ToString());
    }

    private static partial class Log
    {
        [LoggerMessage(23, LogLevel.Debug, "Key invalidation received: {Kind} {Target}", EventName = "KeyInvalidationReceived")]
        public static partial void Received(ILogger logger, string kind, string target);

        [LoggerMessage(24, LogLevel.Information,
            "Redis connection to {EndPoint} ({ConnectionType}) restored: the key cache was cleared, since key invalidations sent meanwhile were missed",
            EventName = "KeyCacheClearedOnReconnect")]
        public static partial void Reconnected(ILogger logger, string? endPoint, string connectionType);

        [LoggerMessage(25, LogLevel.Warning,
            "Could not subscribe to key invalidations on {Channel} yet; the Redis client subscribes when it connects, and the key cache is cleared then",
            EventName = "KeyInvalidationSubscribeFailed")]
        public static partial void SubscribeFailed(ILogger logger, string channel, Exception exception);

        [LoggerMessage(26, LogLevel.Debug, "Key invalidation message '{Message}' is not one this version reads: the whole key cache was cleared", EventName = "KeyInvalidationUnreadable")]
        public static partial void Unreadable(ILogger logger, string message);
    }
}

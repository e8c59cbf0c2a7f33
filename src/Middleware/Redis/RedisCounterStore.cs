using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Counters in Redis: a request's whole batch (IP, windows, credits, subscription total and key sub-limit,
/// concurrency leases) is decided and charged by one script call (EVALSHA), with the same rules as memory.
/// Window counters expire with their windows; leases are members of a sorted set scored by their expiry, so an
/// instance that dies leaks nothing past <see cref="RedisOptions.LeaseTimeout"/>.
/// </summary>
/// <remarks>
/// Outages: commands fail fast while disconnected (no backlog) and time out after <see cref="RedisOptions.Timeout"/>;
/// either way the store throws <see cref="CounterStoreUnavailableException"/> and the middleware applies the
/// outage policy. The multiplexer checks every 200 ms and reconnects on its own, so counting resumes without a restart.
/// Keys of one request live in different slots, so this store needs a single primary (not a cluster).
/// </remarks>
internal sealed partial class RedisCounterStore : ICounterStore, IDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly RedisOptions _options;
    private readonly TimeSpan _concurrencyRetryAfter;
    private readonly ILogger _logger;
    private readonly string _instance = Guid.NewGuid().ToString("N")[..12];
    private const int MaxCachedKeys = 200_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Counter, object Owner), KeyNames> _keys = new();
    private long _leases;
    private int _failing;

    public RedisCounterStore(RedisOptions options, TimeSpan concurrencyRetryAfter, ILogger<RedisCounterStore> logger)
    {
        _options = options;
        _concurrencyRetryAfter = concurrencyRetryAfter;
        _logger = logger;
        var configuration = ConfigurationOptions.Parse(options.Configuration!);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new LinearRetry(200);
        configuration.HeartbeatInterval = TimeSpan.FromMilliseconds(200); // notices a returned server within ~0.2-0.4 s
        configuration.ConnectTimeout = (int)Math.Max(100, options.Timeout.TotalMilliseconds * 4);
        configuration.AsyncTimeout = (int)Math.Max(10, options.Timeout.TotalMilliseconds);
        configuration.SyncTimeout = configuration.AsyncTimeout;
        _connection = ConnectionMultiplexer.Connect(configuration);
    }

    public async ValueTask<bool> AcquireAsync(CounterBatch batch, CancellationToken cancellationToken)
    {
        var count = batch.Count;
        var now = batch.Now;
        var keys = new RedisKey[count * 2];
        var values = new RedisValue[RedisBatchScript.Header + (count * RedisBatchScript.ArgumentsPerItem)];
        var member = string.Empty;
        values[0] = now.ToUnixTimeMilliseconds();
        values[2] = (now + _options.LeaseTimeout).ToUnixTimeMilliseconds();
        values[3] = count;
        for (var i = 0; i < count; i++)
        {
            ref var item = ref batch[i];
            var limit = item.Entry.Limit;
            var a = RedisBatchScript.Header + (i * RedisBatchScript.ArgumentsPerItem);
            if (limit.Kind == LimitKind.Concurrency)
            {
                keys[2 * i] = keys[(2 * i) + 1] = Keys(item.Entry, -1).Current;
                member = member.Length > 0 ? member : $"{_instance}:{Interlocked.Increment(ref _leases)}";
                values[a] = 2;
                values[a + 3] = (long)_options.LeaseTimeout.TotalMilliseconds + 1000;
                values[a + 5] = 0;
            }
            else
            {
                var (index, start, end) = limit.Window.Get(now);
                var names = Keys(item.Entry, index);
                keys[2 * i] = names.Current;
                keys[(2 * i) + 1] = names.Previous;
                values[a] = limit.Sliding ? 1 : 0;

                // Kept one more window when sliding: the next window still weighs this one.
                var ttl = (end - now) + (limit.Sliding ? end - start : TimeSpan.Zero) + TimeSpan.FromSeconds(1);
                values[a + 3] = (long)ttl.TotalMilliseconds;
                values[a + 5] = limit.Sliding ? 1 - ((double)(now - start).Ticks / (end - start).Ticks) : 0;
            }

            values[a + 1] = limit.PermitLimit;
            values[a + 2] = item.Cost;
            values[a + 4] = item.OverageAllowed ? 1 : 0;
        }

        values[1] = member;
        RedisResult[] counts;
        try
        {
            // The multiplexer notices its own timeouts on a timer; WaitAsync bounds the wait exactly.
            counts = (RedisResult[])(await _connection.GetDatabase()
                .ScriptEvaluateAsync(RedisBatchScript.Source, keys, values)
                .WaitAsync(_options.Timeout, cancellationToken)
                .ConfigureAwait(false))!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            if (Interlocked.Exchange(ref _failing, 1) == 0)
            {
                Log.Unavailable(_logger, ex);
            }

            throw new CounterStoreUnavailableException("The Redis counters did not answer.", ex);
        }

        if (Interlocked.Exchange(ref _failing, 0) == 1)
        {
            Log.Recovered(_logger);
        }

        for (var i = 0; i < count; i++)
        {
            LimitMath.Evaluate(ref batch[i], now, (long)counts[2 * i], (long)counts[(2 * i) + 1], _concurrencyRetryAfter);
        }

        var admitted = (long)counts[2 * count] == 1;
        LimitMath.Conclude(batch);
        if (admitted)
        {
            for (var i = 0; i < count; i++)
            {
                ref var item = ref batch[i];
                if (item.Entry.Limit.Kind == LimitKind.Concurrency)
                {
                    item.Handle = new Lease(keys[2 * i], member);
                    item.Leased = true;
                    batch.HasLeases = true;
                }
            }
        }

        return admitted;
    }

    public ValueTask ReleaseAsync(CounterBatch batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            if (item.Leased && item.Handle is Lease lease)
            {
                // Fire and forget: if it is lost (an outage), the lease expires by its score.
                try
                {
                    _connection.GetDatabase().SortedSetRemove(lease.Key, lease.Member, CommandFlags.FireAndForget);
                }
                catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
                {
                    // The lease expires by its score.
                }

                item.Leased = false;
            }
        }

        batch.HasLeases = false;
        return default;
    }

    /// <summary>
    /// The Redis keys of a limit's counter in a window (index -1: the lease set), cached per owner (key,
    /// subscription, client IP) until the window changes, so a request builds no key strings. Bounded: a flood of
    /// distinct IPs clears the cache rather than growing it.
    /// </summary>
    private KeyNames Keys(in LimitEntry entry, long index)
    {
        var limit = entry.Limit;
        if (_keys.TryGetValue((limit.CounterName, entry.Partition), out var cached) && cached.Index == index)
        {
            return cached;
        }

        var partition = entry.PartitionName.Length > 0 ? entry.PartitionName : entry.Partition.ToString();
        var prefix = $"{_options.Prefix}{limit.CounterName}:{partition}:";
        var names = index < 0
            ? new KeyNames(index, prefix + "leases", prefix + "leases")
            : new KeyNames(index, prefix + index.ToString(CultureInfo.InvariantCulture), prefix + (index - 1).ToString(CultureInfo.InvariantCulture));
        if (_keys.Count >= MaxCachedKeys)
        {
            _keys.Clear(); // idle owners' names go; active ones come back on their next request
        }

        _keys[(limit.CounterName, entry.Partition)] = names;
        return names;
    }

    /// <summary>Whether the multiplexer is connected (tests wait on it after restarting Redis).</summary>
    internal bool IsConnected => _connection.IsConnected;

    public void Dispose() => _connection.Dispose();

    private sealed record Lease(RedisKey Key, RedisValue Member);

    private sealed record KeyNames(long Index, RedisKey Current, RedisKey Previous);

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "The Redis counters are unavailable; applying the outage policy until they answer", EventName = "RedisUnavailable")]
        public static partial void Unavailable(ILogger logger, Exception exception);

        [LoggerMessage(21, LogLevel.Information, "The Redis counters answer again", EventName = "RedisRecovered")]
        public static partial void Recovered(ILogger logger);
    }
}

using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Concurrency leases ended on this instance and not yet removed from Redis. They ride along with the lane's next
/// script call (which removes them before it decides), so ending a request sends no command of its own; a timer sends
/// the ones no request picked up (see <see cref="RedisLane.FlushReleases"/>). A locked ring: allocation-free once
/// grown, and the lock is held for a copy of a few entries. It starts small and grows to its capacity, as a cluster
/// has a lane per hash slot and most lanes never hold many.
/// </summary>
internal sealed class LeaseReleases(int capacity)
{
    private readonly Lock _lock = new();
    private (RedisKey Key, long Member)[] _ring = new (RedisKey, long)[Math.Min(16, capacity)];
    private int _head;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Queues a release; false when the ring is full (the caller removes the lease itself).</summary>
    public bool TryAdd(RedisKey key, long member)
    {
        lock (_lock)
        {
            if (_count == _ring.Length)
            {
                if (_ring.Length >= capacity)
                {
                    return false;
                }

                var grown = new (RedisKey, long)[Math.Min(capacity, _ring.Length * 2)];
                for (var i = 0; i < _count; i++)
                {
                    grown[i] = _ring[(_head + i) % _ring.Length];
                }

                _ring = grown;
                _head = 0;
            }

            _ring[(_head + _count) % _ring.Length] = (key, member);
            _count++;
            return true;
        }
    }

    /// <summary>Moves up to <paramref name="max"/> releases into the call.</summary>
    public void TakeInto(RedisCall call, int max)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return;
        }

        lock (_lock)
        {
            var taken = Math.Min(max, _count);
            for (var i = 0; i < taken; i++)
            {
                ref var entry = ref _ring[_head];
                call.AddRelease(entry.Key, entry.Member);
                entry = default;
                _head = (_head + 1) % _ring.Length;
            }

            _count -= taken;
        }
    }
}

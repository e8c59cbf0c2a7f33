using StackExchange.Redis;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Concurrency leases ended on this instance and not yet removed from Redis. They ride along with the lane's next
/// script call (which removes them before it decides), so ending a request sends no command of its own; a timer sends
/// the ones no request picked up (see <see cref="RedisLane.FlushReleases"/>). A locked ring: allocation-free, and the
/// lock is held for a copy of a few entries.
/// </summary>
internal sealed class LeaseReleases
{
    private readonly Lock _lock = new();
    private readonly (RedisKey Key, long Member)[] _ring;
    private int _head;
    private int _count;

    public LeaseReleases(int capacity) => _ring = new (RedisKey, long)[capacity];

    public int Count => Volatile.Read(ref _count);

    /// <summary>Queues a release; false when the ring is full (the caller removes the lease itself).</summary>
    public bool TryAdd(RedisKey key, long member)
    {
        lock (_lock)
        {
            if (_count == _ring.Length)
            {
                return false;
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

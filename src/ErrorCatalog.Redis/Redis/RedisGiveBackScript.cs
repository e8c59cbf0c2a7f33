namespace ErrorCatalog.Middleware;

/// <summary>
/// The Lua script that takes back what an admitted part of a request charged in one cluster slot, when another slot
/// refused the request (or could not answer): per key in ARGV pairs, <c>w</c> and the cost for a window counter
/// (DECRBY), <c>l</c> and the lease member for a lease set (ZREM). The charge was made in the same window key, so
/// taking it back is exact; a window key that has expired meanwhile is not made again (it would have no expiry).
/// </summary>
internal static class RedisGiveBackScript
{
    public const string Source = """
        for i = 1, #KEYS do
          if ARGV[2 * i - 1] == 'l' then
            redis.call('ZREM', KEYS[i], ARGV[2 * i])
          else
            local left = tonumber(redis.call('GET', KEYS[i]) or '0')
            local back = math.min(left, tonumber(ARGV[2 * i]))
            if back > 0 then redis.call('DECRBY', KEYS[i], back) end
          end
        end
        return 0
        """;
}

namespace ErrorCatalog.Middleware;

/// <summary>
/// The Lua script that decides and charges a whole batch in one round trip, with the in-memory rules
/// (<see cref="LimitMath"/>): check every limit, then charge all of them or none.
/// </summary>
/// <remarks>
/// KEYS: two per item: the window's counter and the previous window's (sliding), or the lease set twice (concurrency).
/// ARGV: now (unix ms), lease member, lease expiry (unix ms), item count, then per item: kind (0 fixed, 1 sliding,
/// 2 concurrency), permit, cost, ttl (ms), overage (0/1), weight of the previous window (sliding).
/// Returns per item its current and previous counts, then 1 when admitted.
/// </remarks>
internal static class RedisBatchScript
{
    public const int ArgumentsPerItem = 6;
    public const int Header = 4;

    public const string Source = """
        local now = tonumber(ARGV[1])
        local n = tonumber(ARGV[4])
        local counts = {}
        local admit = 1
        for i = 1, n do
          local a = 4 + (i - 1) * 6
          local kind = tonumber(ARGV[a + 1])
          local permit = tonumber(ARGV[a + 2])
          local cost = tonumber(ARGV[a + 3])
          local current, previous = 0, 0
          if kind == 2 then
            redis.call('ZREMRANGEBYSCORE', KEYS[2 * i - 1], '-inf', now)
            current = redis.call('ZCARD', KEYS[2 * i - 1])
            if current + 1 > permit then admit = 0 end
          else
            current = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
            local used = current
            if kind == 1 then
              previous = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
              if previous > 0 then used = used + math.ceil(previous * tonumber(ARGV[a + 6])) end
            end
            if used + cost > permit and ARGV[a + 5] ~= '1' then admit = 0 end
          end
          counts[2 * i - 1] = current
          counts[2 * i] = previous
        end
        if admit == 1 then
          for i = 1, n do
            local a = 4 + (i - 1) * 6
            if tonumber(ARGV[a + 1]) == 2 then
              redis.call('ZADD', KEYS[2 * i - 1], ARGV[3], ARGV[2])
            else
              redis.call('INCRBY', KEYS[2 * i - 1], ARGV[a + 3])
            end
            redis.call('PEXPIRE', KEYS[2 * i - 1], ARGV[a + 4])
          end
        end
        counts[2 * n + 1] = admit
        return counts
        """;
}

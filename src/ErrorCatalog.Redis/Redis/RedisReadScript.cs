namespace ErrorCatalog.Middleware;

/// <summary>
/// The read-only Lua script of a usage read (<see cref="ICounterStore.ReadAsync"/>): KEYS are counters of one slot,
/// ARGV[1] the read's instant (unix ms), ARGV[i + 1] what KEYS[i] is: <c>w</c> a window counter (its use, 0 when
/// absent), <c>l</c> a lease set (its leases not expired at that instant, as the batch script counts them before it
/// sweeps). Nothing is written, so a read charges nothing, creates no key and extends no expiry; the script reads
/// its keys atomically, so a read sees no request half-charged.
/// </summary>
internal static class RedisReadScript
{
    public const string Source = """
        local out = {}
        for i = 1, #KEYS do
          if ARGV[i + 1] == 'l' then
            out[i] = redis.call('ZCOUNT', KEYS[i], '(' .. ARGV[1], '+inf')
          else
            out[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
          end
        end
        return out
        """;
}

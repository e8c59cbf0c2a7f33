namespace ErrorCatalog.Middleware;

/// <summary>
/// The Lua script that gives credits back (<see cref="ICounterStore.Refund"/>): KEYS are window counters, ARGV the
/// credits to give back to each. A counter is never taken below zero, and one that has expired (its window ended) is
/// not created again: GET answers nothing and nothing is written.
/// </summary>
internal static class RedisRefundScript
{
    public const string Source = """
        for i = 1, #KEYS do
          local left = tonumber(redis.call('GET', KEYS[i]) or '0')
          local back = math.min(left, tonumber(ARGV[i]))
          if back > 0 then redis.call('DECRBY', KEYS[i], back) end
        end
        return 0
        """;
}

using System.Security.Cryptography;
using System.Text;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The Lua script that decides and charges a whole batch in one round trip, with the in-memory rules
/// (<see cref="LimitMath"/>): check every limit, then charge all of them or none.
/// </summary>
/// <remarks>
/// KEYS: two per item (the window's counter and the previous window's, or the lease set twice), then one per
/// released lease (its set).
/// ARGV: now (unix ms), lease member, lease expiry (unix ms), item count, released lease count, then per item: kind
/// (0 fixed, 1 sliding, 2 concurrency), permit, cost, ttl (ms), overage (0/1), weight of the previous window
/// (sliding), then the released leases' members.
/// Returns one string, "admitted current previous current previous …" (1 or 0, then two counts per item): a single
/// bulk reply is one object for the client to read where an array is one per element.
/// Window counters are charged first (INCRBY answers the count too, so an admitted request costs one call per
/// limit, plus PEXPIRE when a window starts) and taken back if any limit refuses; the script runs atomically,
/// so no other request ever sees the charge that was taken back.
/// </remarks>
internal static class RedisBatchScript
{
    public const int ArgumentsPerItem = 6;
    public const int Header = 5;

    public const string Source = """
        local now = tonumber(ARGV[1])
        local n = tonumber(ARGV[4])
        local r = tonumber(ARGV[5])
        for j = 1, r do
          redis.call('ZREM', KEYS[2 * n + j], ARGV[5 + 6 * n + j])
        end
        local out = {}
        local admit = 1
        for i = 1, n do
          local a = 5 + (i - 1) * 6
          local kind = ARGV[a + 1]
          local permit = tonumber(ARGV[a + 2])
          local cost = tonumber(ARGV[a + 3])
          local current, previous = 0, 0
          if kind == '2' then
            redis.call('ZREMRANGEBYSCORE', KEYS[2 * i - 1], '-inf', now)
            current = redis.call('ZCARD', KEYS[2 * i - 1])
            if current + 1 > permit then admit = 0 end
          else
            local charged = redis.call('INCRBY', KEYS[2 * i - 1], cost)
            if charged == cost then redis.call('PEXPIRE', KEYS[2 * i - 1], ARGV[a + 4]) end
            current = charged - cost
            local used = current
            if kind == '1' then
              previous = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
              if previous > 0 then used = used + math.ceil(previous * tonumber(ARGV[a + 6])) end
            end
            if used + cost > permit and ARGV[a + 5] ~= '1' then admit = 0 end
          end
          out[2 * i] = string.format('%d', current)
          out[2 * i + 1] = string.format('%d', previous)
        end
        out[1] = admit
        for i = 1, n do
          local a = 5 + (i - 1) * 6
          if ARGV[a + 1] == '2' then
            if admit == 1 then
              redis.call('ZADD', KEYS[2 * i - 1], ARGV[3], ARGV[2])
              redis.call('PEXPIRE', KEYS[2 * i - 1], ARGV[a + 4])
            end
          elseif admit == 0 and ARGV[a + 3] ~= '0' then
            redis.call('DECRBY', KEYS[2 * i - 1], ARGV[a + 3])
          end
        end
        return table.concat(out, ' ')
        """;

    /// <summary>The script's SHA-1, as EVALSHA names it (computed here, so no round trip is needed to learn it).</summary>
    public static readonly byte[] Sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(Source));
}

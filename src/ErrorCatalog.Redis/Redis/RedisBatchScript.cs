using System.Security.Cryptography;
using System.Text;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The Lua script that decides and charges a whole batch in one round trip, with the in-memory rules
/// (<see cref="LimitMath"/>): check every limit, then charge all of them or none.
/// </summary>
/// <remarks>
/// <para>Everything the script needs besides key names travels in one binary argument (Redis's <c>struct</c>
/// library reads it), and the reply is one binary string: the client formats and writes each argument as a
/// bulk string and Redis turns each into a Lua string, so one argument costs both sides far less than one per
/// number (see docs/performance.md).</para>
/// <para>ARGV[1], little-endian: now (unix ms, i8), lease expiry (unix ms, i8), deadline (Redis's unix ms, i8; 0:
/// none), item count n (i2), released lease count r (i2), release slots s (i2, r of them filled), this request's
/// lease member (8 bytes); then per item:
/// flags (i1: kind 0 fixed, 1 sliding, 2 concurrency; +4 when overage is allowed), permit (i8), cost (i8), ttl
/// (ms, i8), weight of the previous window (double, sliding); then the released leases' members (8 bytes each).</para>
/// <para>KEYS: the items' counters (n; a concurrency item's lease set), the release slots' sets (s), then the
/// previous window's counter of each sliding item, in item order.</para>
/// <para>Reply: admitted (i1: 1 admitted, 0 refused, 2 past its deadline), Redis's time (unix ms, i8), then per
/// item its count before this request (i8), and for a sliding item the previous window's count (i8). A call past
/// its deadline runs its releases and stops there: its request was answered without it (timed out, and refused or
/// admitted by the outage policy), so it must charge nothing and take no lease; its reply is the first two fields.</para>
/// <para>Window counters are charged first (INCRBY answers the count too, so an admitted request costs one call per
/// limit, plus PEXPIRE when a window starts) and taken back if any limit refuses; the script runs atomically,
/// so no other request ever sees the charge that was taken back. Released leases are removed before deciding.</para>
/// </remarks>
internal static class RedisBatchScript
{
    public const int HeaderSize = 38;
    public const int ItemSize = 33;
    public const int MemberSize = 8;

    public const string Source = """
        local blob = ARGV[1]
        local now, expiry, deadline, n, r, s, member = struct.unpack('<i8i8i8i2i2i2c8', blob)
        local pos = 39 + 33 * n
        for j = 1, r do
          local released
          released, pos = struct.unpack('c8', blob, pos)
          redis.call('ZREM', KEYS[n + j], released)
        end
        local time = redis.call('TIME')
        local clock = time[1] * 1000 + math.floor(time[2] / 1000)
        if deadline > 0 and clock > deadline then
          return struct.pack('<i1i8', 2, clock)
        end
        local out = {}
        local admit = 1
        local second = false
        local p = n + s
        pos = 39
        for i = 1, n do
          local flags, permit, cost, ttl, weight
          flags, permit, cost, ttl, weight, pos = struct.unpack('<i1i8i8i8d', blob, pos)
          local key = KEYS[i]
          local kind = flags % 4
          if kind == 2 then
            second = true
            redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
            local current = redis.call('ZCARD', key)
            if current + 1 > permit then admit = 0 end
            out[#out + 1] = current
          else
            local charged = redis.call('INCRBY', key, cost)
            if charged == cost then redis.call('PEXPIRE', key, ttl) end
            local current = charged - cost
            local used = current
            out[#out + 1] = current
            if kind == 1 then
              p = p + 1
              local previous = tonumber(redis.call('GET', KEYS[p]) or '0')
              if previous > 0 then used = used + math.ceil(previous * weight) end
              out[#out + 1] = previous
            end
            if used + cost > permit and flags < 4 then admit = 0 end
          end
        end
        if second or admit == 0 then
          pos = 39
          for i = 1, n do
            local flags, permit, cost, ttl, weight
            flags, permit, cost, ttl, weight, pos = struct.unpack('<i1i8i8i8d', blob, pos)
            if flags % 4 == 2 then
              if admit == 1 then
                redis.call('ZADD', KEYS[i], expiry, member)
                redis.call('PEXPIRE', KEYS[i], ttl)
              end
            elseif admit == 0 and cost ~= 0 then
              redis.call('DECRBY', KEYS[i], cost)
            end
          end
        end
        return struct.pack('<i1i8' .. string.rep('i8', #out), admit, clock, unpack(out))
        """;

    /// <summary>The script's SHA-1, as EVALSHA names it (computed here, so no round trip is needed to learn it).</summary>
    public static readonly byte[] Sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(Source));
}

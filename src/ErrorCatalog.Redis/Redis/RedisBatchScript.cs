using System.Security.Cryptography;
using System.Text;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The Lua script that decides the requests of one call, in order, each as if alone and with the in-memory rules
/// (<see cref="LimitMath"/>): a request's limits all admit and are all charged, or it is refused and charged nothing.
/// </summary>
/// <remarks>
/// <para>Everything besides key names travels in one binary argument (Redis's <c>struct</c> library reads it), and
/// the reply is one binary string: each argument costs both sides a bulk string and a Lua string, so one argument
/// costs far less than one per number.</para>
/// <para>ARGV[1], little-endian: deadline (Redis's unix ms, i8; 0: none), request count q (i2), release count r (i2),
/// counter count c (i2; 0: none), where the counters start (1-based offset, i4); r releases: lease set (KEYS index, i2), member (8 bytes); q requests: now (unix ms, i8), lease expiry (unix ms,
/// i8), item count m (i2), the request's lease member (8 bytes), then m items: flags (i1: kind 0 fixed, 1 sliding,
/// 2 concurrency; +4 when overage is allowed), permit (i8), cost (i8), ttl (ms, i8), weight of the previous window
/// (double, sliding), counter (KEYS index, i2), previous window's counter (KEYS index, i2; sliding); then, when the
/// call has only fixed windows, c counters, each once: counter (KEYS index, i2), the smallest permit of the items
/// naming it (i8; the largest i8 when they all allow overage), ttl (ms, i8), the call's total cost on it (i8).</para>
/// <para>KEYS: each key once, however many requests of the call name it; the script still counts by name (a key
/// listed twice is one counter), so a call is exact even when two requests reached one key by different routes.</para>
/// <para>Reply: Redis's time (unix ms, i8); then the byte 2 alone when the call ran after its deadline (it ran its
/// releases and nothing else: its requests were answered without it, so it must charge nothing and take no lease);
/// or the byte 3 and per counter its count before the call (i8) when the call was decided counter by counter (below);
/// otherwise per request its outcome (i1: 1 admitted, 0 refused) and per item the count before this request (i8), and
/// for a sliding item the previous window's count (i8).</para>
/// <para>A counter the call touches first is charged at once (INCRBY answers the count too, and PEXPIRE starts its
/// window); the call keeps each counter's count in a Lua table from then on, so later requests naming it cost no
/// command, and what they charge is written once at the end. A request's charges are made as its limits are read
/// and taken back if one refuses, so an admitted request costs one pass over its limits. The script runs
/// atomically: no other call sees a count in between.</para>
/// <para>Counter by counter first: when the call has only fixed windows, each counter is charged the call's total on
/// it at once, and if none passes its permit every request is admitted, with no work per request in Lua (the client
/// works out each request's counts from the counts before the call, in the call's order). If one would pass, the
/// totals are taken back and the call is decided request by request as below. Under load most calls are far from
/// their permits, so most take the first way.</para>
/// <para>Redis's own CPU is most of a call's cost, so the script keeps its per-request work small: a cost reaches
/// INCRBY as a string made once per distinct cost (Redis formats a Lua number argument with printf), the lease member
/// becomes a string only for a request that takes a lease, and the reply is packed once per call (in pieces below
/// Lua's bound on the values one call can take) rather than once per request.</para>
/// </remarks>
internal static class RedisBatchScript
{
    public const int HeaderSize = 18;
    public const int ReleaseSize = 10;
    public const int RequestSize = 26;
    public const int ItemSize = 37;
    public const int MemberSize = 8;
    public const int CounterSize = 26;

    /// <summary>The reply's mark of a call Redis ran after its deadline.</summary>
    public const byte PastDeadline = 2;

    /// <summary>The reply's mark of a call decided counter by counter: every request admitted.</summary>
    public const byte AllAdmitted = 3;

    public const string Source = """
        local blob = ARGV[1]
        local unpack_, pack, call = struct.unpack, struct.pack, redis.call
        local deadline, q, r, c, summary, pos = unpack_('<i8i2i2i2i4', blob)
        local alias, seen = {}, {}
        for i = 1, #KEYS do
          local first = seen[KEYS[i]]
          if first then alias[i] = first else seen[KEYS[i]] = i; alias[i] = i end
        end
        for _ = 1, r do
          local k, released
          k, released, pos = unpack_('<i2c8', blob, pos)
          call('ZREM', KEYS[k], released)
        end
        local time = call('TIME')
        local clock = time[1] * 1000 + math.floor(time[2] / 1000)
        if deadline > 0 and clock > deadline then
          return pack('<i8i1', clock, 2)
        end
        if c > 0 then
          local before, str, charged, whole, at = {}, {}, 0, true, summary
          for j = 1, c do
            local k, permit, ttl, total
            k, permit, ttl, total, at = unpack_('<i2i8i8i8', blob, at)
            if alias[k] ~= k then whole = false; break end
            local s = str[total]
            if s == nil then s = string.format('%d', total); str[total] = s end
            local after = call('INCRBY', KEYS[k], s)
            if after == total then call('PEXPIRE', KEYS[k], ttl) end
            before[j] = after - total
            charged = j
            if after > permit then whole = false; break end
          end
          if whole then
            local parts, j = { pack('<i8i1', clock, 3) }, 1
            while j <= c do
              local size = math.min(c - j + 1, 4000)
              parts[#parts + 1] = pack('<' .. string.rep('i8', size), unpack(before, j, j + size - 1))
              j = j + size
            end
            return table.concat(parts)
          end
          at = summary
          for _ = 1, charged do
            local k, total
            k, _, _, total, at = unpack_('<i2i8i8i8', blob, at)
            call('INCRBY', KEYS[k], string.format('%d', -total))
          end
        end
        local out, fparts, vals, formats = {}, { '<i8' }, { clock }, {}
        local n, nv = 1, 1
        local count, delta, absent, expire, leases = {}, {}, {}, {}, {}
        local cstr = {}
        local keys, costs, charged = {}, {}, {}
        for req = 1, q do
          local now, expiry, m
          now, expiry, m, pos = unpack_('<i8i8i2', blob, pos)
          if nv + 1 + 2 * m > 7000 then
            out[#out + 1] = pack(table.concat(fparts, '', 1, n), unpack(vals, 1, nv))
            fparts[1], n, nv = '<', 1, 0
          end
          local at = pos
          pos = pos + 8
          local admit, held, first = 1, false, nv + 1
          nv = first
          for i = 1, m do
            local flags, permit, cost, ttl, weight, k, pk
            flags, permit, cost, ttl, weight, k, pk, pos = unpack_('<i1i8i8i8di2i2', blob, pos)
            k, pk = alias[k], alias[pk]
            local kind = flags % 4
            keys[i] = k
            if kind == 2 then
              costs[i] = false
              local c = leases[k]
              if c == nil then
                call('ZREMRANGEBYSCORE', KEYS[k], '-inf', now)
                c = call('ZCARD', KEYS[k])
                leases[k] = c
              end
              if c + 1 > permit then admit = 0 end
              held = true
              charged[i] = ttl
              nv = nv + 1
              vals[nv] = c
            else
              costs[i] = cost
              local c = count[k]
              if c == nil then
                local cs = cstr[cost]
                if cs == nil then cs = string.format('%d', cost); cstr[cost] = cs end
                local total = call('INCRBY', KEYS[k], cs)
                if total == cost then call('PEXPIRE', KEYS[k], ttl) end
                c = total - cost
              else
                delta[k] = (delta[k] or 0) + cost
                if absent[k] and not expire[k] then expire[k] = ttl end
              end
              count[k] = c + cost
              local used = c
              nv = nv + 1
              vals[nv] = c
              if kind == 1 then
                local p = count[pk]
                if p == nil then
                  local v = call('GET', KEYS[pk])
                  p = tonumber(v or '0')
                  absent[pk] = not v
                  count[pk] = p
                end
                if p > 0 then used = used + math.ceil(p * weight) end
                nv = nv + 1
                vals[nv] = p
              end
              if used + cost > permit and flags < 4 then admit = 0 end
            end
          end
          if admit == 0 then
            for i = 1, m do
              local cost = costs[i]
              if cost then
                local k = keys[i]
                count[k] = count[k] - cost
                delta[k] = (delta[k] or 0) - cost
              end
            end
          elseif held then
            for i = 1, m do
              if not costs[i] then
                local k = keys[i]
                call('ZADD', KEYS[k], expiry, string.sub(blob, at, at + 7))
                call('PEXPIRE', KEYS[k], charged[i])
                leases[k] = leases[k] + 1
              end
            end
          end
          vals[first] = admit
          local size = nv - first
          local format = formats[size]
          if format == nil then format = 'i1' .. string.rep('i8', size); formats[size] = format end
          n = n + 1
          fparts[n] = format
        end
        for k, d in pairs(delta) do
          if d ~= 0 then
            call('INCRBY', KEYS[k], string.format('%d', d))
            if expire[k] then call('PEXPIRE', KEYS[k], expire[k]) end
          end
        end
        out[#out + 1] = pack(table.concat(fparts, '', 1, n), unpack(vals, 1, nv))
        if #out == 1 then return out[1] end
        return table.concat(out)
        """;

    /// <summary>The script's SHA-1, as EVALSHA names it (computed here, so no round trip is needed to learn it).</summary>
    public static readonly byte[] Sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(Source));
}

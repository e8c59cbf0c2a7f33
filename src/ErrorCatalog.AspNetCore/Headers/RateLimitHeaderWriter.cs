using System.Buffers;
using System.Globalization;
using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Rate-limit headers for a decision, on every response. The single-valued headers (X-RateLimit-*, X-UnitsLimit-*)
/// describe the limit with the least remaining; the IETF fields list every limit.
/// </summary>
/// <remarks>
/// Values are strings made once and reused (limits, policies, <see cref="CountText"/>, a reset per window), so a request
/// makes at most the IETF <c>RateLimit</c> field, which changes with every admitted request.
/// </remarks>
internal sealed class RateLimitHeaderWriter(RateLimitHeaderProfiles profiles)
{
    internal const string XLimit = "X-RateLimit-Limit";
    internal const string XRemaining = "X-RateLimit-Remaining";
    internal const string XReset = "X-RateLimit-Reset";
    internal const string Policy = "RateLimit-Policy";
    internal const string Current = "RateLimit";
    internal const string UnitsOverage = "X-UnitsLimit-Quota-Overage";
    internal const string UnitsAllocated = "X-UnitsLimit-Quota-Allocated";
    internal const string UnitsUsed = "X-UnitsLimit-Used";
    internal const string UnitsRemaining = "X-UnitsLimit-Quota-Remaining";

    /// <summary>
    /// What a browser script needs exposed to read these responses: the profiles' headers, Retry-After (limit
    /// refusals) and WWW-Authenticate (key refusals).
    /// </summary>
    public string[] ExposedHeaders { get; } = Exposed(profiles);

    public void Write(IHeaderDictionary headers, CounterBatch batch, ResolvedKey? key)
    {
        if (profiles == RateLimitHeaderProfiles.None || batch.Count == 0)
        {
            return;
        }

        if ((profiles & RateLimitHeaderProfiles.XRateLimit) != 0 && Tightest(batch, credits: false) is var window and >= 0)
        {
            ref var item = ref batch[window];
            var limit = item.Entry.Limit;
            headers[XLimit] = limit.PermitLimitText;
            headers[XRemaining] = limit.Counts.Get(item.Remaining);
            headers[XReset] = ResetCache.Get(limit, item.ResetAt);
        }

        if ((profiles & RateLimitHeaderProfiles.UnitsLimit) != 0 && Tightest(batch, credits: true) is var units and >= 0)
        {
            ref var item = ref batch[units];
            var limit = item.Entry.Limit;
            headers[UnitsOverage] = key?.OverageText ?? "disabled";
            headers[UnitsAllocated] = limit.PermitLimitText;
            headers[UnitsUsed] = limit.Counts.Get(item.Used);
            headers[UnitsRemaining] = limit.Counts.Get(item.Remaining);
        }

        if ((profiles & RateLimitHeaderProfiles.Ietf) != 0)
        {
            WriteIetf(headers, batch, key);
        }
    }

    private static string[] Exposed(RateLimitHeaderProfiles profiles)
    {
        var names = new List<string>();
        if ((profiles & RateLimitHeaderProfiles.XRateLimit) != 0)
        {
            names.AddRange([XLimit, XRemaining, XReset]);
        }

        if ((profiles & RateLimitHeaderProfiles.Ietf) != 0)
        {
            names.AddRange([Policy, Current]);
        }

        if ((profiles & RateLimitHeaderProfiles.UnitsLimit) != 0)
        {
            names.AddRange([UnitsOverage, UnitsAllocated, UnitsUsed, UnitsRemaining]);
        }

        names.AddRange([HeaderNames.RetryAfter, HeaderNames.WWWAuthenticate]);
        return [.. names];
    }

    /// <summary>The window limit (or credit limit) with the least remaining; -1 when there is none.</summary>
    private static int Tightest(CounterBatch batch, bool credits)
    {
        var best = -1;
        for (var i = 0; i < batch.Count; i++)
        {
            var kind = batch[i].Entry.Limit.Kind;
            if (kind == LimitKind.Concurrency || (credits && kind != LimitKind.Credits))
            {
                continue;
            }

            if (best < 0 || batch[i].Remaining < batch[best].Remaining)
            {
                best = i;
            }
        }

        return best;
    }

    private static void WriteIetf(IHeaderDictionary headers, CounterBatch batch, ResolvedKey? key)
    {
        // RateLimit-Policy: "minute";q=100;w=60, "month";q=10000;w=2592000 (constant per key: cached on it; a
        // key-less batch is the IP limit alone, whose item is the whole policy).
        var policy = key?.PolicyHeader;
        if (policy is null)
        {
            policy = batch.Count == 1 ? batch[0].Entry.Limit.PolicyItem : BuildPolicy(batch);
            if (key is not null)
            {
                key.PolicyHeader = policy; // a key's batch is the same on every limited request
            }
        }

        headers[Policy] = policy;

        // RateLimit: "minute";r=50;t=30, ... (changes with every admitted request).
        var length = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            length += batch[i].Entry.Limit.Name.Length + 48; // ", ", quotes, ";r=", ";t=" and two non-negative longs
        }

        char[]? rented = null;
        Span<char> buffer = length <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(length));
        var written = FormatCurrent(batch, buffer);
        var text = buffer[..written];

        // Reused while unchanged (shared per key, or on the IP limit for key-less batches; swapped whole).
        var last = key is not null ? key.LastRateLimit : batch[0].Entry.Limit.LastRateLimit;
        if (last is null || !text.SequenceEqual(last))
        {
            last = new string(text);
            if (key is not null)
            {
                key.LastRateLimit = last;
            }
            else
            {
                batch[0].Entry.Limit.LastRateLimit = last;
            }
        }

        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        headers[Current] = last;
    }

    /// <summary>Writes the RateLimit field's value into <paramref name="buffer"/> (large enough); returns its length.</summary>
    private static int FormatCurrent(CounterBatch batch, Span<char> buffer)
    {
        var at = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            if (i > 0)
            {
                buffer[at++] = ',';
                buffer[at++] = ' ';
            }

            buffer[at++] = '"';
            var name = item.Entry.Limit.Name;
            name.CopyTo(buffer[at..]);
            at += name.Length;
            "\";r=".CopyTo(buffer[at..]);
            at += 4;
            item.Remaining.TryFormat(buffer[at..], out var digits, default, CultureInfo.InvariantCulture);
            at += digits;
            if (item.Entry.Limit.Kind != LimitKind.Concurrency)
            {
                ";t=".CopyTo(buffer[at..]);
                at += 3;
                Math.Max(0, ApiError.ToWholeSeconds(item.ResetAt - batch.Now)).TryFormat(buffer[at..], out digits, default, CultureInfo.InvariantCulture);
                at += digits;
            }
        }

        return at;
    }

    internal static string BuildPolicy(CounterBatch batch)
    {
        var items = new string[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            items[i] = batch[i].Entry.Limit.PolicyItem;
        }

        return string.Join(", ", items);
    }

    /// <summary>The unix-seconds text of a window's end, cached per limit for as long as the window lasts.</summary>
    private static class ResetCache
    {
        public static string Get(LimitDefinition limit, DateTimeOffset resetAt)
        {
            var seconds = resetAt.ToUnixTimeSeconds();
            var cached = limit.LastReset;
            if (cached is not null && cached.Seconds == seconds)
            {
                return cached.Text;
            }

            var fresh = new CachedReset(seconds, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            limit.LastReset = fresh;
            return fresh.Text;
        }
    }
}

/// <summary>A formatted reset time (immutable, swapped whole so readers never see a torn pair).</summary>
internal sealed record CachedReset(long Seconds, string Text);

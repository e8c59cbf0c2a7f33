using System.Text;
using ErrorCatalog;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Rate-limit headers for a decision, on every response. The single-valued headers (X-RateLimit-*, X-UnitsLimit-*)
/// describe the limit with the least remaining; the IETF fields list every limit.
/// </summary>
/// <remarks>
/// Values come from strings built once (limits, policies) or from <see cref="HeaderValues.Integer"/>'s table
/// (remaining counts); the reset time is cached per limit while its window lasts, so a window's requests share
/// one string.
/// </remarks>
internal sealed class RateLimitHeaderWriter(RateLimitHeaderProfiles profiles)
{
    private const string XLimit = "X-RateLimit-Limit";
    private const string XRemaining = "X-RateLimit-Remaining";
    private const string XReset = "X-RateLimit-Reset";
    private const string Policy = "RateLimit-Policy";
    private const string Current = "RateLimit";
    private const string UnitsOverage = "X-UnitsLimit-Quota-Overage";
    private const string UnitsAllocated = "X-UnitsLimit-Quota-Allocated";
    private const string UnitsUsed = "X-UnitsLimit-Used";
    private const string UnitsRemaining = "X-UnitsLimit-Quota-Remaining";

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
            headers[XRemaining] = HeaderValues.Integer(item.Remaining);
            headers[XReset] = ResetCache.Get(limit, item.ResetAt);
        }

        if ((profiles & RateLimitHeaderProfiles.UnitsLimit) != 0 && Tightest(batch, credits: true) is var units and >= 0)
        {
            ref var item = ref batch[units];
            headers[UnitsOverage] = key?.OverageText ?? "disabled";
            headers[UnitsAllocated] = item.Entry.Limit.PermitLimitText;
            headers[UnitsUsed] = HeaderValues.Integer(item.Used);
            headers[UnitsRemaining] = HeaderValues.Integer(item.Remaining);
        }

        if ((profiles & RateLimitHeaderProfiles.Ietf) != 0)
        {
            WriteIetf(headers, batch, key);
        }
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
        // RateLimit-Policy: "minute";q=100;w=60, "month";q=10000;w=2592000 (constant per key: cached on it).
        var policy = key?.PolicyHeader;
        if (policy is null)
        {
            policy = BuildPolicy(batch);
            if (key is not null)
            {
                key.PolicyHeader = policy; // a key's batch is the same on every limited request
            }
        }

        headers[Policy] = policy;

        // RateLimit: "minute";r=50;t=30, ... (changes every request).
        var sb = new StringBuilder(64);
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append('"').Append(item.Entry.Limit.Name).Append("\";r=").Append(item.Remaining);
            if (item.Entry.Limit.Kind != LimitKind.Concurrency)
            {
                sb.Append(";t=").Append(Math.Max(0, ApiError.ToWholeSeconds(item.ResetAt - batch.Now)));
            }
        }

        headers[Current] = sb.ToString();
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

using System.Globalization;
using System.Net.Http.Headers;

namespace ErrorCatalog.Client.Parsing;

/// <summary>
/// What a response's headers say about the limits: <c>Retry-After</c> (seconds or an HTTP date), and the remaining
/// count and reset of <c>X-RateLimit-*</c> or the IETF <c>RateLimit</c> field (the item with the least remaining).
/// </summary>
internal readonly record struct RateLimitHeaders(TimeSpan? RetryAfter, long? Remaining, DateTimeOffset? Reset)
{
    // A reset below this is seconds from now, not unix seconds (some APIs send either in X-RateLimit-Reset).
    private const long UnixThreshold = 1_000_000_000;

    public static RateLimitHeaders Read(HttpResponseMessage response, DateTimeOffset now)
    {
        var headers = response.Headers;
        TimeSpan? retryAfter = headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };

        long? remaining = null;
        DateTimeOffset? reset = null;
        if (Long(headers, "X-RateLimit-Remaining") is { } xRemaining)
        {
            remaining = xRemaining;
            if (Long(headers, "X-RateLimit-Reset") is { } xReset)
            {
                reset = xReset < UnixThreshold ? now.AddSeconds(xReset) : DateTimeOffset.FromUnixTimeSeconds(xReset);
            }
        }
        else if (headers.TryGetValues("RateLimit", out var values))
        {
            ReadIetf(values, now, ref remaining, ref reset);
        }

        return new RateLimitHeaders(retryAfter, remaining, reset);
    }

    /// <summary><c>RateLimit: "minute";r=0;t=42, "month";r=9;t=86400</c>: the item with the least remaining.</summary>
    private static void ReadIetf(IEnumerable<string> values, DateTimeOffset now, ref long? remaining, ref DateTimeOffset? reset)
    {
        foreach (var value in values)
        {
            foreach (var item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                long? r = null, t = null;
                foreach (var parameter in item.Split(';', StringSplitOptions.TrimEntries))
                {
                    if (parameter.StartsWith("r=", StringComparison.Ordinal) && long.TryParse(parameter.AsSpan(2), NumberStyles.Integer, CultureInfo.InvariantCulture, out var rv))
                    {
                        r = rv;
                    }
                    else if (parameter.StartsWith("t=", StringComparison.Ordinal) && long.TryParse(parameter.AsSpan(2), NumberStyles.Integer, CultureInfo.InvariantCulture, out var tv))
                    {
                        t = tv;
                    }
                }

                if (r is { } least && (remaining is null || least < remaining))
                {
                    remaining = least;
                    reset = t is { } seconds ? now.AddSeconds(seconds) : null;
                }
            }
        }
    }

    private static long? Long(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}

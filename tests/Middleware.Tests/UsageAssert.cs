using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>Asserts that a usage report carries the figures of a response's rate-limit headers (shared with Redis.Tests).</summary>
internal static partial class UsageAssert
{
    /// <summary>
    /// Every limit of <paramref name="report"/> has the IETF <c>RateLimit</c> field's <c>r</c> and <c>t</c>; with
    /// <paramref name="everyLimit"/>, the field lists no other; the X-RateLimit-* and X-UnitsLimit-* headers, where
    /// sent, are the tightest window and credit limit's figures.
    /// </summary>
    public static void MatchesHeaders(HttpResponseMessage response, ApiUsageReport report, bool everyLimit = true)
    {
        var field = RateLimitField(response);
        foreach (var limit in report.Limits)
        {
            Assert.True(field.TryGetValue(limit.Name, out var item), $"the RateLimit field has no '{limit.Name}': {Header(response, "RateLimit")}");
            Assert.True(item.Remaining == limit.Remaining, $"'{limit.Name}': r={item.Remaining} in the headers, remaining {limit.Remaining} in the report");
            Assert.Equal(item.Seconds, limit.Reset is { } reset ? Math.Max(0, ApiError.ToWholeSeconds(reset - report.At)) : null);
        }

        if (everyLimit)
        {
            Assert.Equal(field.Count, report.Limits.Count);
        }

        if (Header(response, "X-RateLimit-Remaining") is { } remaining)
        {
            var tightest = Tightest(report, credits: false);
            Assert.Equal(tightest.Limit.ToString(CultureInfo.InvariantCulture), Header(response, "X-RateLimit-Limit"));
            Assert.Equal(tightest.Remaining.ToString(CultureInfo.InvariantCulture), remaining);
            Assert.Equal(tightest.Reset!.Value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Header(response, "X-RateLimit-Reset"));
        }

        if (Header(response, "X-UnitsLimit-Used") is { } used)
        {
            var tightest = Tightest(report, credits: true);
            Assert.Equal(tightest.Used.ToString(CultureInfo.InvariantCulture), used);
            Assert.Equal(tightest.Remaining.ToString(CultureInfo.InvariantCulture), Header(response, "X-UnitsLimit-Quota-Remaining"));
            Assert.Equal(tightest.Limit.ToString(CultureInfo.InvariantCulture), Header(response, "X-UnitsLimit-Quota-Allocated"));
            Assert.Equal(report.OverageEnabled ? "enabled" : "disabled", Header(response, "X-UnitsLimit-Quota-Overage"));
        }
    }

    /// <summary>The usage endpoint's JSON as the report it was written from (the fields the headers carry).</summary>
    public static ApiUsageReport FromJson(JsonElement json)
    {
        var limits = new List<LimitUsage>();
        foreach (var limit in json.GetProperty("limits").EnumerateArray())
        {
            limits.Add(new LimitUsage
            {
                Name = limit.GetProperty("name").GetString()!,
                Scope = Enum.Parse<LimitScope>(limit.GetProperty("scope").GetString()!, ignoreCase: true),
                Kind = Enum.Parse<LimitKind>(limit.GetProperty("kind").GetString()!, ignoreCase: true),
                Limit = limit.GetProperty("limit").GetInt64(),
                Used = limit.GetProperty("used").GetInt64(),
                Remaining = limit.GetProperty("remaining").GetInt64(),
                Reset = limit.GetProperty("reset").ValueKind == JsonValueKind.Null ? null : limit.GetProperty("reset").GetDateTimeOffset(),
                Window = limit.GetProperty("window").GetString(),
                Sliding = limit.GetProperty("sliding").GetBoolean(),
                Overage = limit.GetProperty("overage").GetBoolean(),
            });
        }

        return new ApiUsageReport
        {
            KeyId = json.GetProperty("keyId").GetString(),
            SubscriptionId = json.GetProperty("subscriptionId").GetString(),
            Plan = json.GetProperty("plan").GetString(),
            OverageEnabled = json.GetProperty("overageEnabled").GetBoolean(),
            At = json.GetProperty("at").GetDateTimeOffset(),
            Limits = limits,
        };
    }

    /// <summary>A limit of the report by name.</summary>
    public static LimitUsage Limit(this ApiUsageReport report, string name) => report.Limits.Single(l => l.Name == name);

    /// <summary>The IETF RateLimit field: each item's remaining (r) and seconds to reset (t, absent for concurrency).</summary>
    public static Dictionary<string, (long Remaining, long? Seconds)> RateLimitField(HttpResponseMessage response)
    {
        var field = Header(response, "RateLimit");
        Assert.NotNull(field);
        var items = new Dictionary<string, (long, long?)>();
        foreach (Match match in Item().Matches(field))
        {
            items[match.Groups["name"].Value] = (
                long.Parse(match.Groups["r"].Value, CultureInfo.InvariantCulture),
                match.Groups["t"].Success ? long.Parse(match.Groups["t"].Value, CultureInfo.InvariantCulture) : null);
        }

        return items;
    }

    private static LimitUsage Tightest(ApiUsageReport report, bool credits)
    {
        // As the header writer picks: the first with the least remaining.
        LimitUsage? best = null;
        foreach (var limit in report.Limits)
        {
            if (limit.Kind == LimitKind.Concurrency || (credits && limit.Kind != LimitKind.Credits))
            {
                continue;
            }

            if (best is null || limit.Remaining < best.Remaining)
            {
                best = limit;
            }
        }

        return best!;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    [GeneratedRegex("\"(?<name>[^\"]+)\";r=(?<r>\\d+)(;t=(?<t>\\d+))?")]
    private static partial Regex Item();
}

using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>The checks of settings outside plans, and the range checks every setting shares, each message naming the setting's path.</summary>
internal static class SettingChecks
{
    /// <summary>Default credits, delays, how keys are read and which rate-limit headers are sent.</summary>
    public static void CheckRequestSettings(ApiErrorCatalogOptions options, string path, List<string> errors)
    {
        CheckRange(options.DefaultCredits, 0, SettingBounds.MaxCost, $"{path}:DefaultCredits", errors);
        CheckDelay(options.ConcurrencyRetryAfter, TimeSpan.FromTicks(1), $"{path}:ConcurrencyRetryAfter", errors);
        CheckDelay(options.IdleCounterRetention, TimeSpan.FromTicks(1), $"{path}:IdleCounterRetention", errors);
        CheckDelay(options.KeyReading.CacheDuration, TimeSpan.Zero, $"{path}:KeyReading:CacheDuration", errors);
        if (options.KeyReading.QueryParameter is { } query && (query.Length == 0 || query.Any(char.IsWhiteSpace)))
        {
            errors.Add($"{path}:KeyReading:QueryParameter '{query}' is not a query parameter name (leave it out to accept keys in headers only).");
        }

        if ((options.Headers & ~(RateLimitHeaderProfiles.XRateLimit | RateLimitHeaderProfiles.Ietf | RateLimitHeaderProfiles.UnitsLimit)) != 0)
        {
            errors.Add($"{path}:Headers {(int)options.Headers} is not a combination of {string.Join(", ", Enum.GetNames<RateLimitHeaderProfiles>())}.");
        }

        if (options.KeyReading.MaxLength is < 8 or > 4096)
        {
            errors.Add($"{path}:KeyReading:MaxLength must be between 8 and 4096 (was {options.KeyReading.MaxLength}).");
        }

        if (options.KeyReading.HashCacheSize is < 0 or > 10_000_000)
        {
            errors.Add($"{path}:KeyReading:HashCacheSize must be between 0 (off) and 10000000 (was {options.KeyReading.HashCacheSize}).");
        }

        for (var i = 0; i < options.KeyReading.Headers.Count; i++)
        {
            var header = options.KeyReading.Headers[i];
            if (string.IsNullOrWhiteSpace(header) || header.Any(c => c <= ' ' || c >= 127 || c == ':'))
            {
                errors.Add($"{path}:KeyReading:Headers:{i} '{header}' is not a header name.");
            }
        }
    }

    /// <summary>The catalog codes errors are answered with, and JSON-RPC costs.</summary>
    public static void CheckErrorAndCostSettings(ApiErrorCatalogOptions options, ApiErrorCatalog catalog, string path, List<string> errors)
    {
        foreach (var (status, code) in options.StatusErrors)
        {
            if (status is < 400 or > 599)
            {
                errors.Add($"{path}:StatusErrors:{status} is not an error status (400 to 599).");
            }
            else if (catalog.Find(code) is null)
            {
                errors.Add($"{path}:StatusErrors:{status} '{code}' is not a code of the error catalog.");
            }
        }

        if (catalog.Find(options.UnhandledExceptionError) is null)
        {
            errors.Add($"{path}:UnhandledExceptionError '{options.UnhandledExceptionError}' is not a code of the error catalog.");
        }

        // A negative cost would refund credits (480 used of 500 -> 680 left); a huge one overflow a batch's sum.
        CheckRange(options.JsonRpc.DefaultCost, 0, SettingBounds.MaxCost, $"{path}:JsonRpc:DefaultCost", errors);
        foreach (var (method, cost) in options.JsonRpc.Methods)
        {
            CheckRange(cost, 0, SettingBounds.MaxCost, $"{path}:JsonRpc:Methods:{method}", errors);
        }

        // Zero bytes would read no method (every call charged the most expensive); the bytes are held per request.
        CheckRange(options.JsonRpc.MaxBodyBytes, 1, SettingBounds.MaxJsonRpcBodyBytes, $"{path}:JsonRpc:MaxBodyBytes", errors);
        if (options.JsonRpc.ParseError is { } parseError && catalog.Find(parseError) is null)
        {
            errors.Add($"{path}:JsonRpc:ParseError '{parseError}' is not a code of the error catalog.");
        }
    }

    /// <summary>Adds an error unless <paramref name="min"/> &lt;= <paramref name="value"/> &lt;= <paramref name="max"/>.</summary>
    public static bool CheckRange(long value, long min, long max, string path, List<string> errors)
    {
        if (value >= min && value <= max)
        {
            return true;
        }

        errors.Add(min == 0 && value < 0
            ? $"{path} must be zero or more (was {value})."
            : $"{path} must be between {min} and {max} (was {value}).");
        return false;
    }

    /// <summary>A delay setting: at least <paramref name="min"/>, at most a day (past that, date arithmetic could overflow).</summary>
    private static void CheckDelay(TimeSpan value, TimeSpan min, string path, List<string> errors)
    {
        if (value < min || value > SettingBounds.MaxDelay)
        {
            errors.Add(min == TimeSpan.Zero
                ? $"{path} must be between 00:00:00 (off) and 1.00:00:00 (was {value})."
                : $"{path} must be more than 00:00:00 and at most 1.00:00:00 (was {value}).");
        }
    }
}

namespace ErrorCatalog.Middleware;

/// <summary>A response header the configured profiles send, and what a client reads from it.</summary>
internal sealed record DocsHeader(string Name, string Meaning)
{
    public static IEnumerable<DocsHeader> For(RateLimitHeaderProfiles profiles)
    {
        if ((profiles & RateLimitHeaderProfiles.XRateLimit) != 0)
        {
            yield return new("X-RateLimit-Limit", "The permit of the limit with the least remaining: requests (or credits) per window.");
            yield return new("X-RateLimit-Remaining", "What is left of that limit in its current window.");
            yield return new("X-RateLimit-Reset", "When that window resets, in unix seconds (UTC).");
        }

        if ((profiles & RateLimitHeaderProfiles.Ietf) != 0)
        {
            yield return new("RateLimit-Policy", "Every limit that applies to the request: \"name\";q=permit;w=window in seconds (IETF draft).");
            yield return new("RateLimit", "What is left of each: \"name\";r=remaining;t=seconds until its window resets (IETF draft).");
        }

        if ((profiles & RateLimitHeaderProfiles.UnitsLimit) != 0)
        {
            yield return new("X-UnitsLimit-Quota-Overage", "enabled when the key may go past its credit quota and be billed for the overage, else disabled.");
            yield return new("X-UnitsLimit-Quota-Allocated", "The credit quota of the limit with the least remaining.");
            yield return new("X-UnitsLimit-Used", "Credits used in its current window.");
            yield return new("X-UnitsLimit-Quota-Remaining", "Credits left in its current window.");
        }

        yield return new("Retry-After", "On a 429 refusal (and on 503 where a retry can succeed): whole seconds to wait before retrying.");
    }
}

using System.Net;
using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The key step every path shares (the middleware, the built-in rate limiter, the authentication scheme): read the
/// key, find it, answer a failing key store with StoreUnavailable, then check the key's state, IP allow-list, plan
/// and scopes against the endpoint. Completes synchronously, allocating nothing, unless a key store must be asked.
/// </summary>
internal sealed partial class KeyStep(ApiKeyReader reader, KeyResolver resolver, TimeProvider time, ILogger<KeyStep> logger, bool keysRequired)
{
    /// <summary>The Retry-After of a refusal because the key store failed: a store's outage is usually brief.</summary>
    public static readonly TimeSpan StoreRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>Whether the request presents no key at all.</summary>
    public bool IsMissing(HttpRequest request) => reader.Read(request, out _) == PresentedKey.Missing;

    /// <summary>
    /// Whether finding the request's key completes without waiting: no key store, no usable key, or the store's answer
    /// cached. Lets a synchronous caller decline before a lookup starts that would go on touching the request.
    /// </summary>
    public bool FindsSynchronously(HttpRequest request) =>
        !resolver.IsCustomStore || reader.Read(request, out var hash) != PresentedKey.Present || resolver.IsCached(hash);

    /// <summary>The key and its access to <paramref name="policy"/>, with the request's own abort token for a key store.</summary>
    public ValueTask<KeyResult> ResolveAsync(HttpContext context, EndpointPolicy policy, DateTimeOffset now) =>
        ResolveCoreAsync(context, policy, now, default, requestAborted: true);

    /// <summary>The key and its access to <paramref name="policy"/>, a key store's lookup canceled by <paramref name="cancellationToken"/>.</summary>
    public ValueTask<KeyResult> ResolveAsync(HttpContext context, EndpointPolicy policy, DateTimeOffset now, CancellationToken cancellationToken) =>
        ResolveCoreAsync(context, policy, now, cancellationToken, requestAborted: false);

    /// <summary>The key alone (read, find, store failure), no access checks: the authentication scheme's step.</summary>
    public ValueTask<KeyResult> FindAsync(HttpContext context, DateTimeOffset now, CancellationToken cancellationToken) =>
        FindCoreAsync(context, now, cancellationToken, requestAborted: false);

    /// <summary>
    /// Why <paramref name="key"/> may not call an endpoint of <paramref name="policy"/> at <paramref name="now"/>: its
    /// state or expiry, its IP allow-list, the endpoint's plans, then its scopes (the first missing one out); null when it may.
    /// </summary>
    public static Refusal? CheckAccess(HttpContext context, ResolvedKey key, EndpointPolicy policy, DateTimeOffset now, out string? missingScope)
    {
        missingScope = null;
        if (ApiKeyStates.Check(key, now) is { } refusal)
        {
            return refusal;
        }

        if (key.AllowedNetworks.Length > 0 && !IsAllowed(context.Connection.RemoteIpAddress, key.AllowedNetworks))
        {
            return Refusal.IpNotAllowed;
        }

        if (policy.Plans.Length > 0 && !HasAny(key.Plan.Features, policy.Plans))
        {
            return Refusal.PlanNotAuthorized;
        }

        foreach (var scope in policy.Scopes)
        {
            if (!key.Scopes.Contains(scope))
            {
                missingScope = scope;
                return Refusal.InsufficientScope;
            }
        }

        return null;
    }

    private ValueTask<KeyResult> ResolveCoreAsync(HttpContext context, EndpointPolicy policy, DateTimeOffset now, CancellationToken cancellationToken, bool requestAborted)
    {
        var found = FindCoreAsync(context, now, cancellationToken, requestAborted);
        return found.IsCompletedSuccessfully ? new(Authorize(context, policy, found.Result)) : AuthorizeAsync(context, policy, found);
    }

    private async ValueTask<KeyResult> AuthorizeAsync(HttpContext context, EndpointPolicy policy, ValueTask<KeyResult> found) =>
        Authorize(context, policy, await found.ConfigureAwait(false));

    private KeyResult Authorize(HttpContext context, EndpointPolicy policy, in KeyResult found)
    {
        if (found.Refused)
        {
            return found;
        }

        if (found.Key is not { } key)
        {
            var needed = policy.KeyExplicitlyRequired || (keysRequired && !policy.KeyOptional) || policy.Plans.Length > 0 || policy.Scopes.Length > 0;

            // A key is missing (401) where keys are required; required here (403) where they are optional.
            return !needed ? found : found.With(keysRequired && !policy.KeyOptional ? Refusal.KeyMissing : Refusal.KeyRequired);
        }

        return CheckAccess(context, key, policy, found.Now, out var scope) is { } refusal ? found.With(refusal, scope) : found;
    }

    private ValueTask<KeyResult> FindCoreAsync(HttpContext context, DateTimeOffset now, CancellationToken cancellationToken, bool requestAborted)
    {
        var presented = reader.Read(context.Request, out var hash);
        if (presented != PresentedKey.Present)
        {
            return new(new KeyResult(presented, null, presented == PresentedKey.Malformed ? Refusal.KeyInvalid : Refusal.None, now));
        }

        if (!resolver.IsCustomStore)
        {
            // Configured keys are found at once.
            var lookup = resolver.FindAsync(hash, default);
            return new(Found(lookup.Result, now));
        }

        // The request's abort token is read only here: reading it fetches a feature.
        return FindInStoreAsync(context, hash, requestAborted ? context.RequestAborted : cancellationToken);
    }

    private async ValueTask<KeyResult> FindInStoreAsync(HttpContext context, ApiKeyHash hash, CancellationToken cancellationToken)
    {
        ResolvedKey? key;
        try
        {
            key = await resolver.FindAsync(hash, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.StoreFailed(logger, context.TraceIdentifier, ex);
            return new KeyResult(PresentedKey.Present, null, Refusal.StoreUnavailable, time.GetUtcNow());
        }

        // The store may have taken its time, even when its task had completed by the time it was looked at: expiry and
        // windows go by the instant it answered.
        return Found(key, time.GetUtcNow());
    }

    private static KeyResult Found(ResolvedKey? key, DateTimeOffset now) =>
        new(PresentedKey.Present, key, key is null ? Refusal.KeyInvalid : Refusal.None, now);

    private static bool HasAny(IReadOnlySet<string> features, string[] required)
    {
        foreach (var name in required)
        {
            if (features.Contains(name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAllowed(IPAddress? address, IPNetwork[] networks)
    {
        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Error, "Request {RequestId}: the key store failed; answering StoreUnavailable", EventName = "KeyStoreFailed")]
        public static partial void StoreFailed(ILogger logger, string requestId, Exception exception);
    }
}

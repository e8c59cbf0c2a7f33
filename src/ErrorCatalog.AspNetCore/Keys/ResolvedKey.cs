using System.Collections.Frozen;
using System.Net;
using System.Security.Claims;

namespace ErrorCatalog.Middleware;

/// <summary>
/// A key ready for requests: plan, state, scopes, networks, its limits bound to their counters and a
/// principal, all built once per key so that a request only reads them.
/// </summary>
internal sealed class ResolvedKey
{
    public required ApiKeyRecord Record { get; init; }

    public string Id => Record.Id;

    public required Plan Plan { get; init; }

    public string? SubscriptionId { get; init; }

    /// <summary>The key's state, or its subscription's when the key itself is active.</summary>
    public required ApiKeyState State { get; init; }

    public required FrozenSet<string> Scopes { get; init; }

    public required IPNetwork[] AllowedNetworks { get; init; }

    public required LimitEntry[] Limits { get; init; }

    public required ClaimsPrincipal Principal { get; init; }

    /// <summary>RateLimit-Policy for this key's batch, built on its first request.</summary>
    public string? PolicyHeader { get; set; }

    /// <summary>The last IETF <c>RateLimit</c> field sent for this key, reused while its values stay the same.</summary>
    public string? LastRateLimit { get; set; }

    public string OverageText => Record.Overage ? "enabled" : "disabled";
}

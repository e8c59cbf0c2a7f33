using System.ComponentModel;

namespace ErrorCatalog.CodeGeneration;

/// <summary>
/// A reason the middleware refuses a request. Each catalog entry may answer one refusal
/// (<c>refusal:</c> in errors.yaml), so an application maps refusals to its own codes.
/// </summary>
/// <remarks>The generator validates names against this list; keep both in step (a test checks it).</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum Refusal
{
    /// <summary>The entry answers no middleware refusal.</summary>
    None = 0,
    /// <summary>No API key was sent.</summary>
    KeyMissing,
    /// <summary>The key is unknown or malformed.</summary>
    KeyInvalid,
    /// <summary>The key was revoked.</summary>
    KeyRevoked,
    /// <summary>The key's expiry time has passed.</summary>
    KeyExpired,
    /// <summary>The key was disabled by the operator.</summary>
    KeyDisabled,
    /// <summary>The key is not active yet.</summary>
    KeyInactive,
    /// <summary>The key's plan must be paid for before use.</summary>
    PaymentRequired,
    /// <summary>The key's paid plan has expired.</summary>
    PaymentExpired,
    /// <summary>The endpoint needs a key and none was sent (where the endpoint is otherwise public).</summary>
    KeyRequired,
    /// <summary>The key's plan does not include the endpoint or feature.</summary>
    PlanNotAuthorized,
    /// <summary>The key lacks a scope the endpoint requires.</summary>
    InsufficientScope,
    /// <summary>The caller's address is not on the key's allow-list.</summary>
    IpNotAllowed,
    /// <summary>A per-minute request window is used up.</summary>
    MinuteLimit,
    /// <summary>A per-day request window is used up.</summary>
    DailyLimit,
    /// <summary>A calendar-month quota is used up.</summary>
    MonthlyLimit,
    /// <summary>The caller's IP address is over its rate limit.</summary>
    IpLimit,
    /// <summary>The key has too many requests in flight.</summary>
    ConcurrencyLimit,
    /// <summary>The key's credit quota is used up.</summary>
    CreditsLimit,
    /// <summary>The subscription's shared quota is used up.</summary>
    SubscriptionLimit,
    /// <summary>The key or counter store cannot answer.</summary>
    StoreUnavailable,
    /// <summary>The body cannot be costed as the endpoint would run it (a JSON-RPC call with no string method, a member twice, not JSON).</summary>
    InvalidRequest,
}

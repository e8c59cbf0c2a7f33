using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>The refusal answering a key or subscription state.</summary>
internal static class ApiKeyStates
{
    /// <summary>
    /// Why a key cannot be used at <paramref name="now"/>: its (or its subscription's) state, else its expiry;
    /// null when it is usable. The middleware and the authentication scheme both ask here.
    /// </summary>
    public static Refusal? Check(ResolvedKey key, DateTimeOffset now) =>
        ToRefusal(key.State) ?? (key.Record.ExpiresAt <= now ? Refusal.KeyExpired : null);

    public static Refusal? ToRefusal(ApiKeyState state) => state switch
    {
        ApiKeyState.Revoked => Refusal.KeyRevoked,
        ApiKeyState.Disabled => Refusal.KeyDisabled,
        ApiKeyState.Inactive => Refusal.KeyInactive,
        ApiKeyState.PaymentRequired => Refusal.PaymentRequired,
        ApiKeyState.PaymentExpired => Refusal.PaymentExpired,
        ApiKeyState.Active => null,
        _ => Refusal.KeyDisabled, // a state this version does not know is never taken for Active
    };
}

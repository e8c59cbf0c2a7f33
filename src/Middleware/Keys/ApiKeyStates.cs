using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>The refusal answering a key or subscription state.</summary>
internal static class ApiKeyStates
{
    public static Refusal? ToRefusal(ApiKeyState state) => state switch
    {
        ApiKeyState.Revoked => Refusal.KeyRevoked,
        ApiKeyState.Disabled => Refusal.KeyDisabled,
        ApiKeyState.Inactive => Refusal.KeyInactive,
        ApiKeyState.PaymentRequired => Refusal.PaymentRequired,
        ApiKeyState.PaymentExpired => Refusal.PaymentExpired,
        _ => null,
    };
}

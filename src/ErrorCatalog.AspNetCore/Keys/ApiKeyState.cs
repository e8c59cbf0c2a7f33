namespace ErrorCatalog.Middleware;

/// <summary>The state of a key or subscription; each non-active state is refused with its own catalog error.</summary>
public enum ApiKeyState
{
    /// <summary>Usable.</summary>
    Active,
    /// <summary>Revoked for good (401 KeyRevoked).</summary>
    Revoked,
    /// <summary>Disabled by the operator (KeyDisabled).</summary>
    Disabled,
    /// <summary>Not active yet (401 KeyInactive).</summary>
    Inactive,
    /// <summary>The plan must be paid first (402 PaymentRequired).</summary>
    PaymentRequired,
    /// <summary>The paid plan has expired (402 PaymentExpired).</summary>
    PaymentExpired,
}

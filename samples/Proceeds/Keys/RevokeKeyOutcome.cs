namespace Proceeds.Keys;

/// <summary>What <see cref="AccountKeys.Revoke"/> did.</summary>
public enum RevokeKeyOutcome
{
    /// <summary>Revoked now.</summary>
    Revoked,
    /// <summary>No key has the id.</summary>
    NotFound,
    /// <summary>The key belongs to another account.</summary>
    NotOwner,
    /// <summary>The key was revoked before.</summary>
    AlreadyRevoked,
}

namespace Proceeds.Keys;

/// <summary>What <see cref="AccountKeys.TryCreate"/> did.</summary>
public enum CreateKeyOutcome
{
    /// <summary>Created.</summary>
    Created,
    /// <summary>The account holds <see cref="AccountKeys.MaxKeysPerAccount"/> keys that are not revoked.</summary>
    KeyLimitReached,
}

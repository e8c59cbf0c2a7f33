namespace ErrorCatalog.Middleware;

/// <summary>What a <see cref="KeyInvalidation"/> names.</summary>
internal enum KeyInvalidationKind
{
    /// <summary>Every cached key (also what a message this version cannot read means).</summary>
    All,

    /// <summary>One key by its hash, an unknown key's cached answer included.</summary>
    Hash,

    /// <summary>The keys of one id (<see cref="ApiKeyRecord.Id"/>).</summary>
    KeyId,

    /// <summary>The keys of one subscription (<see cref="ApiKeyRecord.SubscriptionId"/>).</summary>
    Subscription,
}

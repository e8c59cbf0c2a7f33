using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// What <see cref="KeyStep"/> decided for a request: its key (null when none was presented), or the refusal answering
/// it. A struct, so deciding allocates nothing.
/// </summary>
internal readonly struct KeyResult(PresentedKey presented, ResolvedKey? key, Refusal refusal, DateTimeOffset now, string? scope = null)
{
    /// <summary>What the request presented as its key.</summary>
    public PresentedKey Presented { get; } = presented;

    /// <summary>The key found; kept on an access refusal, whose answer names its plan and expiry.</summary>
    public ResolvedKey? Key { get; } = key;

    /// <summary><see cref="Refusal.None"/> to go on, else the refusal answering the request.</summary>
    public Refusal Refusal { get; } = refusal;

    /// <summary>The instant the key was judged at, read again after a key store answered.</summary>
    public DateTimeOffset Now { get; } = now;

    /// <summary>The scope the key lacks, for <see cref="Refusal.InsufficientScope"/>.</summary>
    public string? Scope { get; } = scope;

    public bool Refused => Refusal != Refusal.None;

    /// <summary>The Retry-After a refusal carries: only a failing key store's has one.</summary>
    public TimeSpan? RetryAfter => Refusal == Refusal.StoreUnavailable ? KeyStep.StoreRetryAfter : null;

    public KeyResult With(Refusal refusal, string? scope = null) => new(Presented, Key, refusal, Now, scope);
}

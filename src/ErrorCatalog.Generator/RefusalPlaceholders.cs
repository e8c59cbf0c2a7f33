// One table for the generator and the middleware: each compiles this file in its own namespace.
#if ERRORCATALOG_ASPNETCORE
namespace ErrorCatalog.Middleware;
#else
namespace ErrorCatalog.Generator;
#endif

/// <summary>
/// The placeholders the middleware fills when an entry answers a refusal, each with the errors.yaml types it fills
/// it as. Any other placeholder of such an entry is written empty, so the generator warns (EC0029). The middleware's
/// tests compile this file too and assert it fills exactly these, so the two cannot drift apart.
/// </summary>
internal static class RefusalPlaceholders
{
    /// <summary>Text: plan and tier names, the key header, the scope, a reason, the upgrade URL.</summary>
    private static readonly string[] Text = ["string"];

    /// <summary>A count or a wait: written as a number, as text, or as seconds.</summary>
    private static readonly string[] Number = ["int", "long", "string", "seconds"];

    /// <summary>An instant: an expiry or a reset.</summary>
    private static readonly string[] Instant = ["timestamp", "unixtime"];

    /// <summary>Every key, access and store refusal: the key header and the configured upgrade URL.</summary>
    private static readonly (string Name, string[] Types)[] Request = [("header", Text), ("upgradeUrl", Text)];

    /// <summary>A refusal of a found key: its plan (as plan and tier) and its expiry, besides <see cref="Request"/>'s.</summary>
    private static readonly (string Name, string[] Types)[] FoundKey = [.. Request, ("plan", Text), ("tier", Text), ("expiredAt", Instant)];

    /// <summary>A limit's refusal: the limit, the counts, the wait and the reset, the plan when a key was sent.</summary>
    private static readonly (string Name, string[] Types)[] Limit =
    [
        ("retryAfter", Number), ("limit", Number), ("used", Number), ("remaining", Number), ("cost", Number),
        ("resetAt", Instant), ("tierLimit", Text), ("window", Text), ("upgradeUrl", Text), ("plan", Text), ("tier", Text),
    ];

    /// <summary>By refusal name (ErrorCatalog.Refusal), the placeholders filled and the types each is filled as.</summary>
    public static readonly Dictionary<string, Dictionary<string, string[]>> ByRefusal = new(StringComparer.Ordinal)
    {
        ["KeyMissing"] = Table(Request),
        ["KeyInvalid"] = Table(Request),
        ["KeyRequired"] = Table(Request),
        ["KeyRevoked"] = Table(FoundKey),
        ["KeyExpired"] = Table(FoundKey),
        ["KeyDisabled"] = Table(FoundKey),
        ["KeyInactive"] = Table(FoundKey),
        ["PaymentRequired"] = Table(FoundKey),
        ["PaymentExpired"] = Table(FoundKey),
        ["PlanNotAuthorized"] = Table(FoundKey),
        ["InsufficientScope"] = Table([.. FoundKey, ("scope", Text)]),
        ["IpNotAllowed"] = Table(FoundKey),
        ["MinuteLimit"] = Table(Limit),
        ["DailyLimit"] = Table(Limit),
        ["MonthlyLimit"] = Table(Limit),
        ["IpLimit"] = Table(Limit),
        ["ConcurrencyLimit"] = Table(Limit),
        ["CreditsLimit"] = Table(Limit),
        ["SubscriptionLimit"] = Table(Limit),
        // The key store's outage (no key yet) or the counters' (the key found).
        ["StoreUnavailable"] = Table([.. FoundKey, ("retryAfter", Number)]),
        ["InvalidRequest"] = Table([.. FoundKey, ("reason", Text)]),
    };

    private static Dictionary<string, string[]> Table((string Name, string[] Types)[] placeholders) =>
        placeholders.ToDictionary(static p => p.Name, static p => p.Types, StringComparer.Ordinal);
}

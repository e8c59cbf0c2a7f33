using System.Globalization;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// A limit as checked: its counter namespace (<c>key:minute</c>, <c>subscription:credits</c>, <c>ip:ip</c>),
/// permit, window, and the catalog error that answers it. Header text that never changes is built here once.
/// </summary>
internal sealed class LimitDefinition
{
    public LimitDefinition(string name, LimitScope scope, LimitKind kind, long permitLimit, WindowSpec window, bool sliding, ErrorDescriptor error, string? description, ErrorDescriptor? keyError = null)
    {
        KeyError = keyError ?? error;
        Name = name;
        Scope = scope;
        Kind = kind;
        PermitLimit = permitLimit;
        Window = window;
        Sliding = sliding && kind != LimitKind.Concurrency;
        Error = error;
        CounterName = scope switch { LimitScope.Subscription => "subscription:", LimitScope.Ip => "ip:", _ => "key:" } + name;
        PermitLimitText = permitLimit.ToString(CultureInfo.InvariantCulture);
        Counts = CountText.For(permitLimit);
        DescriptionTemplate = description;
        Description = description is not null
            ? FormatDescription(description, permitLimit, window)
            : kind == LimitKind.Concurrency
                ? $"{permitLimit} concurrent requests"
                : $"{permitLimit} {(kind == LimitKind.Credits ? "credits" : "req")}/{window.Name}";
        PolicyItem = kind == LimitKind.Concurrency
            ? $"\"{name}\";q={permitLimit}"
            : $"\"{name}\";q={permitLimit};w={window.Seconds}";
    }

    public string Name { get; }

    /// <summary>The error of a key's own sub-limit beside this subscription-scoped limit (the key's, not the subscription's).</summary>
    public ErrorDescriptor KeyError { get; }

    public LimitScope Scope { get; }

    public LimitKind Kind { get; }

    public long PermitLimit { get; }

    public WindowSpec Window { get; }

    public bool Sliding { get; }

    public ErrorDescriptor Error { get; }

    /// <summary>The counter's namespace: two limits never share a counter by accident.</summary>
    public string CounterName { get; }

    public string PermitLimitText { get; }

    /// <summary>Header text of this limit's counts (remaining, used) without a string per request.</summary>
    public CountText Counts { get; }

    /// <summary>For <c>{tierLimit}</c>: the configured text with <c>{limit}</c> and <c>{window}</c> filled, or a default from the numbers.</summary>
    public string Description { get; }

    /// <summary>The configured Description, as written (null: the default).</summary>
    public string? DescriptionTemplate { get; }

    /// <summary>Whether the configured Description takes its numbers from the limit (<c>{limit}</c>, <c>{window}</c>).</summary>
    public bool DescriptionIsTemplate => DescriptionTemplate is { } text && (text.Contains("{limit}", StringComparison.Ordinal) || text.Contains("{window}", StringComparison.Ordinal));

    /// <summary>This limit's item of <c>RateLimit-Policy</c>.</summary>
    public string PolicyItem { get; }

    /// <summary>The last X-RateLimit-Reset text; see RateLimitHeaderWriter.</summary>
    public CachedReset? LastReset { get; set; }

    /// <summary>The last IETF <c>RateLimit</c> field of a key-less batch (the IP limit alone); see RateLimitHeaderWriter.</summary>
    public string? LastRateLimit { get; set; }

    /// <summary>A copy with another permit (a subscription's or key's own limit).</summary>
    public LimitDefinition WithPermit(long permitLimit) =>
        permitLimit == PermitLimit ? this : new(Name, Scope, Kind, permitLimit, Window, Sliding, Error, DescriptionIsTemplate ? DescriptionTemplate : null, KeyError);

    /// <summary>
    /// A key's own sub-limit within this subscription-scoped limit: its own counter (<c>key:credits-key</c>), name in
    /// the headers and error, so a key over its share is told so, not that the subscription is used up.
    /// </summary>
    public LimitDefinition AsKeySubLimit(long permitLimit) =>
        new(Name + "-key", LimitScope.Key, Kind, permitLimit, Window, Sliding, KeyError, DescriptionIsTemplate ? DescriptionTemplate : null);

    /// <summary>
    /// A Description's <c>{limit}</c> as the permit and <c>{window}</c> as a short unit (<c>min</c>, <c>hour</c>,
    /// <c>day</c>, <c>month</c>, <c>2s</c>): "{limit} req/{window}" reads "10 req/min" and stays true when the permit
    /// or window is overridden.
    /// </summary>
    public static string FormatDescription(string template, long permitLimit, WindowSpec window) => template
        .Replace("{limit}", permitLimit.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{window}", ShortUnit(window), StringComparison.Ordinal);

    private static string ShortUnit(WindowSpec window) => window.CalendarMonth ? "month" : window.PeriodTicks switch
    {
        0 => "",
        TimeSpan.TicksPerSecond => "s",
        TimeSpan.TicksPerMinute => "min",
        TimeSpan.TicksPerHour => "hour",
        TimeSpan.TicksPerDay => "day",
        var ticks when ticks % TimeSpan.TicksPerSecond == 0 => $"{ticks / TimeSpan.TicksPerSecond}s",
        var ticks => $"{ticks / (double)TimeSpan.TicksPerSecond:0.###}s",
    };
}

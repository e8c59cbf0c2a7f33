namespace ErrorCatalog.Middleware;

/// <summary>
/// A fixed window aligned to the UTC clock (every minute starts at :00, every day at 00:00 UTC) or a calendar
/// month. Aligned windows give every instance and the Redis backend the same window for the same instant.
/// </summary>
internal readonly record struct WindowSpec(long PeriodTicks, bool CalendarMonth)
{
    public static WindowSpec Month => new(0, true);

    /// <summary>
    /// The longest window, 100 years: a sliding window needs the end of the window after the current one, which must stay
    /// before <see cref="DateTimeOffset.MaxValue"/> (year 9999), and a "lifetime" quota still fits.
    /// </summary>
    public static TimeSpan Longest { get; } = TimeSpan.FromDays(36_525);

    /// <summary>
    /// Parses <c>minute</c>, <c>hour</c>, <c>day</c>, <c>month</c> or a time span of at least 1 second written with
    /// its colons (<c>00:00:10</c>, <c>7.00:00:00</c>): a bare number would be read as days (<c>"60"</c>: 60 days).
    /// Longer than <see cref="Longest"/> parses; the caller reports that with its own message.
    /// </summary>
    public static bool TryParse(string? text, out WindowSpec window)
    {
        window = text?.Trim().ToLowerInvariant() switch
        {
            "second" => new(TimeSpan.TicksPerSecond, false),
            "minute" => new(TimeSpan.TicksPerMinute, false),
            "hour" => new(TimeSpan.TicksPerHour, false),
            "day" => new(TimeSpan.TicksPerDay, false),
            "month" => Month,
            _ when text is not null && text.Contains(':', StringComparison.Ordinal)
                && TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span)
                && span >= TimeSpan.FromSeconds(1) => new(span.Ticks, false),
            _ => default,
        };
        return window != default;
    }

    /// <summary>The window holding <paramref name="now"/>: its index (distinct per window), start and end.</summary>
    public (long Index, DateTimeOffset Start, DateTimeOffset End) Get(DateTimeOffset now)
    {
        var utc = now.UtcTicks;
        if (CalendarMonth)
        {
            // Every request of a month asks for the same month, so it is computed once and kept (swapped whole when the month changes).
            var month = s_month;
            if (month is null || utc < month.Start.UtcTicks || utc >= month.End.UtcTicks)
            {
                var date = new DateTime(utc, DateTimeKind.Utc);
                var start = new DateTimeOffset(date.Year, date.Month, 1, 0, 0, 0, TimeSpan.Zero);
                month = new MonthWindow((date.Year * 12L) + date.Month - 1, start, start.AddMonths(1));
                s_month = month;
            }

            return (month.Index, month.Start, month.End);
        }

        var index = utc / PeriodTicks;
        return (index, new DateTimeOffset(index * PeriodTicks, TimeSpan.Zero), new DateTimeOffset((index + 1) * PeriodTicks, TimeSpan.Zero));
    }

    /// <summary>Whole seconds of the window (a month counts as 30 days for the IETF <c>w</c> parameter).</summary>
    public long Seconds => CalendarMonth ? 30L * 24 * 3600 : PeriodTicks / TimeSpan.TicksPerSecond;

    /// <summary>A name for defaults: minute, hour, day, month or the span.</summary>
    public string Name => CalendarMonth ? "month" : PeriodTicks switch
    {
        TimeSpan.TicksPerMinute => "minute",
        TimeSpan.TicksPerHour => "hour",
        TimeSpan.TicksPerDay => "day",
        _ => TimeSpan.FromTicks(PeriodTicks).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static MonthWindow? s_month;

    private sealed record MonthWindow(long Index, DateTimeOffset Start, DateTimeOffset End);
}

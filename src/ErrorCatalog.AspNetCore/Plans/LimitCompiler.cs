using System.Globalization;
using System.Text.RegularExpressions;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>Compiles a configured limit into a <see cref="LimitDefinition"/> bound to the catalog error that answers it.</summary>
internal sealed class LimitCompiler(ApiErrorCatalog catalog)
{
    /// <summary>The limit, or null with each bad setting under <paramref name="path"/> added to <paramref name="errors"/>.</summary>
    public LimitDefinition? Compile(string name, LimitOptions limit, string path, List<string> errors)
    {
        var ok = SettingChecks.CheckRange(limit.PermitLimit, 0, SettingBounds.MaxPermit, $"{path}:PermitLimit", errors);
        if (!Enum.IsDefined(limit.Kind))
        {
            errors.Add($"{path}:Kind {(int)limit.Kind} is not one of {string.Join(", ", Enum.GetNames<LimitKind>())}.");
            return null;
        }

        if (!Enum.IsDefined(limit.Scope))
        {
            errors.Add($"{path}:Scope {(int)limit.Scope} is not one of {string.Join(", ", Enum.GetNames<LimitScope>())}.");
            return null;
        }

        if (limit.Refusal is { } configured && !Enum.IsDefined(configured))
        {
            errors.Add($"{path}:Refusal {(int)configured} is not a refusal ({string.Join(", ", Enum.GetNames<Refusal>())}).");
            return null;
        }

        if (limit.Description is { } description && string.IsNullOrWhiteSpace(description))
        {
            errors.Add($"{path}:Description is empty; leave it out for the default text.");
            ok = false;
        }

        ok &= TryParseWindow(limit, path, errors, out var window, out var windowOk);
        ok &= TryFindError(limit, window, windowOk, path, errors, out var error);
        if (limit.Description is { } text && DescriptionDisagrees(text, limit.PermitLimit))
        {
            errors.Add($"{path}:Description '{text}' does not state PermitLimit {limit.PermitLimit}; write {{limit}} for the number (and {{window}} for the unit: '{{limit}} req/{{window}}' reads '10 req/min') so the text follows the limit.");
            ok = false;
        }

        // A key's own sub-limit beside a subscription-scoped limit answers with the key-scoped refusal.
        var keyError = limit.Error is null && limit.Refusal is null && limit.Scope == LimitScope.Subscription
            && DefaultRefusal(new LimitOptions { Kind = limit.Kind, Scope = LimitScope.Key }, window) is { } keyRefusal
                ? catalog.Find(keyRefusal)
                : null;
        return ok ? new LimitDefinition(name, limit.Scope, limit.Kind, limit.PermitLimit, window, limit.Sliding, error!, limit.Description, keyError) : null;
    }

    /// <summary>The window of a rate or credits limit; a concurrency limit has none and must not set one.</summary>
    private static bool TryParseWindow(LimitOptions limit, string path, List<string> errors, out WindowSpec window, out bool windowOk)
    {
        window = default;
        windowOk = true;
        if (limit.Kind == LimitKind.Concurrency)
        {
            // A window or sliding flag on a concurrency limit would read as "N per window" but count requests in flight.
            var ok = true;
            if (limit.Window is not null)
            {
                errors.Add($"{path}:Window '{limit.Window}' does not apply: a Concurrency limit counts requests in flight; remove Window, or use Kind Requests for a rate.");
                ok = false;
            }

            if (limit.Sliding)
            {
                errors.Add($"{path}:Sliding does not apply: a Concurrency limit counts requests in flight; remove Sliding.");
                ok = false;
            }

            return ok;
        }

        if (!WindowSpec.TryParse(limit.Window, out window))
        {
            errors.Add($"{path}:Window '{limit.Window}' is not minute, hour, day, month or a time span (such as 00:00:10 or 7.00:00:00) of at least 1 second.");
            return windowOk = false;
        }

        if (!window.CalendarMonth && window.PeriodTicks > WindowSpec.Longest.Ticks)
        {
            errors.Add($"{path}:Window '{limit.Window}' is longer than the longest window, {WindowSpec.Longest.Days} days (100 years): its end would fall past the calendar's (year 9999).");
            return windowOk = false;
        }

        return true;
    }

    /// <summary>The catalog error that answers the limit: the one named by Error, else the entry of its refusal.</summary>
    private bool TryFindError(LimitOptions limit, WindowSpec window, bool windowOk, string path, List<string> errors, out ErrorDescriptor? error)
    {
        if (limit.Error is { } code)
        {
            error = catalog.Find(code);
            if (error is null)
            {
                errors.Add($"{path}:Error '{code}' is not a code of the error catalog.");
                return false;
            }

            return true;
        }

        error = null;
        var refusal = limit.Refusal ?? DefaultRefusal(limit, window);
        if (refusal is null)
        {
            // A wrong window has no default refusal either: that is its consequence, not another problem.
            if (windowOk)
            {
                errors.Add($"{path}: a {window.Name} window has no default refusal; set Refusal or Error.");
            }

            return false;
        }

        if ((error = catalog.Find(refusal.Value)) is null)
        {
            errors.Add($"{path}: the error catalog answers no refusal {refusal}; add 'refusal: {refusal}' to an entry of errors.yaml or set Error.");
            return false;
        }

        return true;
    }

    /// <summary>
    /// A fixed Description whose numbers do not include the permit: "10 req/min" beside a PermitLimit of 15 would tell
    /// clients the wrong limit. A text with <c>{limit}</c>, or without numbers, cannot disagree.
    /// </summary>
    private static bool DescriptionDisagrees(string description, long permitLimit)
    {
        if (description.Contains("{limit}", StringComparison.Ordinal))
        {
            return false;
        }

        var numbers = Regex.Matches(description, "[0-9]+");
        return numbers.Count > 0 && !numbers.Any(m => long.TryParse(m.Value, CultureInfo.InvariantCulture, out var n) && n == permitLimit);
    }

    private static Refusal? DefaultRefusal(LimitOptions limit, WindowSpec window) => limit switch
    {
        { Scope: LimitScope.Ip } => Refusal.IpLimit,
        { Kind: LimitKind.Concurrency } => Refusal.ConcurrencyLimit,
        { Kind: LimitKind.Credits, Scope: LimitScope.Subscription } => Refusal.SubscriptionLimit,
        { Kind: LimitKind.Credits } => Refusal.CreditsLimit,
        _ when window.CalendarMonth => Refusal.MonthlyLimit,
        _ => window.PeriodTicks switch
        {
            TimeSpan.TicksPerMinute => Refusal.MinuteLimit,
            TimeSpan.TicksPerDay => Refusal.DailyLimit,
            _ => null,
        },
    };
}

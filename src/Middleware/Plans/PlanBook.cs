using System.Collections.Frozen;
using System.Net;
using System.Security.Claims;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Options compiled for requests: plans, subscriptions and the IP limit, each limit bound to the catalog
/// error that answers it. Building it is also the configuration's validation: every problem is reported with
/// the setting's path.
/// </summary>
internal sealed class PlanBook
{
    private readonly Dictionary<string, Plan> _plans = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Plan Plan, SubscriptionOptions Options)> _subscriptions = new(StringComparer.Ordinal);
    private readonly ApiErrorCatalog _catalog;

    private PlanBook(ApiErrorCatalog catalog) => _catalog = catalog;

    public LimitDefinition? IpLimit { get; private set; }

    public ApiErrorCatalogOptions Options { get; private set; } = null!;

    public IReadOnlyDictionary<string, Plan> Plans => _plans;

    /// <summary>Compiles the options; <paramref name="errors"/> collects each bad setting with its path.</summary>
    public static PlanBook Build(ApiErrorCatalogOptions options, string path, List<string> errors)
    {
        var book = new PlanBook(options.Catalog) { Options = options };
        if (options.Catalog is null)
        {
            errors.Add($"{path}:Catalog must be set.");
            return book;
        }

        CheckRange(options.DefaultCredits, 0, SettingBounds.MaxCost, $"{path}:DefaultCredits", errors);
        CheckDelay(options.ConcurrencyRetryAfter, TimeSpan.FromTicks(1), $"{path}:ConcurrencyRetryAfter", errors);
        CheckDelay(options.IdleCounterRetention, TimeSpan.FromTicks(1), $"{path}:IdleCounterRetention", errors);
        CheckDelay(options.KeyReading.CacheDuration, TimeSpan.Zero, $"{path}:KeyReading:CacheDuration", errors);
        if (options.KeyReading.QueryParameter is { } query && (query.Length == 0 || query.Any(char.IsWhiteSpace)))
        {
            errors.Add($"{path}:KeyReading:QueryParameter '{query}' is not a query parameter name (leave it out to accept keys in headers only).");
        }

        if ((options.Headers & ~(RateLimitHeaderProfiles.XRateLimit | RateLimitHeaderProfiles.Ietf | RateLimitHeaderProfiles.UnitsLimit)) != 0)
        {
            errors.Add($"{path}:Headers {(int)options.Headers} is not a combination of {string.Join(", ", Enum.GetNames<RateLimitHeaderProfiles>())}.");
        }

        if (options.KeyReading.MaxLength is < 8 or > 4096)
        {
            errors.Add($"{path}:KeyReading:MaxLength must be between 8 and 4096 (was {options.KeyReading.MaxLength}).");
        }

        if (options.KeyReading.HashCacheSize is < 0 or > 10_000_000)
        {
            errors.Add($"{path}:KeyReading:HashCacheSize must be between 0 (off) and 10000000 (was {options.KeyReading.HashCacheSize}).");
        }

        for (var i = 0; i < options.KeyReading.Headers.Count; i++)
        {
            var header = options.KeyReading.Headers[i];
            if (string.IsNullOrWhiteSpace(header) || header.Any(c => c <= ' ' || c >= 127 || c == ':'))
            {
                errors.Add($"{path}:KeyReading:Headers:{i} '{header}' is not a header name.");
            }
        }

        foreach (var (name, plan) in options.Plans)
        {
            var planPath = $"{path}:Plans:{name}";
            if (plan is null)
            {
                errors.Add($"{planPath} is empty; give the plan its Limits, or declare \"Unlimited\": true for a plan without limits.");
                continue;
            }

            if (plan.Limits.Count == 0 && !plan.Unlimited)
            {
                // A missing or null Limits is a typo or a lost line more often than a decision: never unlimited by accident.
                errors.Add($"{planPath} declares no limits; give it Limits, or declare \"Unlimited\": true for a plan without limits.");
            }
            else if (plan.Limits.Count > 0 && plan.Unlimited)
            {
                errors.Add($"{planPath}:Unlimited is true but the plan declares Limits; keep one of the two.");
            }

            for (var i = 0; i < plan.Features.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(plan.Features[i]))
                {
                    errors.Add($"{planPath}:Features:{i} is empty; give the feature's name.");
                }
            }

            var limits = new List<LimitDefinition>();
            foreach (var (limitName, limit) in plan.Limits)
            {
                if (book.Compile(limitName, limit, $"{path}:Plans:{name}:Limits:{limitName}", errors) is { } definition)
                {
                    if (definition.Scope == LimitScope.Ip)
                    {
                        errors.Add($"{path}:Plans:{name}:Limits:{limitName}:Scope must be Key or Subscription; the IP limit is {path}:IpLimit.");
                        continue;
                    }

                    limits.Add(definition);
                }
            }

            book._plans[name] = new Plan(name, [.. limits], plan.Features.Append(name).ToFrozenSet(StringComparer.Ordinal));
        }

        foreach (var (id, subscription) in options.Subscriptions)
        {
            if (!book._plans.TryGetValue(subscription.Plan ?? string.Empty, out var plan))
            {
                errors.Add($"{path}:Subscriptions:{id}:Plan '{subscription.Plan}' is not a configured plan ({string.Join(", ", book._plans.Keys)}).");
                continue;
            }

            if (!Enum.IsDefined(subscription.State))
            {
                errors.Add($"{path}:Subscriptions:{id}:State {(int)subscription.State} is not a key state ({string.Join(", ", Enum.GetNames<ApiKeyState>())}).");
            }

            foreach (var (limitName, permit) in subscription.Limits)
            {
                if (!plan.Limits.Any(l => l.Name == limitName && l.Scope == LimitScope.Subscription))
                {
                    errors.Add($"{path}:Subscriptions:{id}:Limits:{limitName} names no subscription-scoped limit of plan '{plan.Name}'.");
                }
                else
                {
                    CheckRange(permit, 0, SettingBounds.MaxPermit, $"{path}:Subscriptions:{id}:Limits:{limitName}", errors);
                }
            }

            book._subscriptions[id] = (plan, subscription);
        }

        if (options.IpLimit is { } ip)
        {
            ip.Scope = LimitScope.Ip;
            book.IpLimit = book.Compile("ip", ip, $"{path}:IpLimit", errors);
        }

        foreach (var (status, code) in options.StatusErrors)
        {
            if (status is < 400 or > 599)
            {
                errors.Add($"{path}:StatusErrors:{status} is not an error status (400 to 599).");
            }
            else if (options.Catalog.Find(code) is null)
            {
                errors.Add($"{path}:StatusErrors:{status} '{code}' is not a code of the error catalog.");
            }
        }

        if (options.Catalog.Find(options.UnhandledExceptionError) is null)
        {
            errors.Add($"{path}:UnhandledExceptionError '{options.UnhandledExceptionError}' is not a code of the error catalog.");
        }

        // A negative cost would refund credits (480 used of 500 -> 680 left); a huge one overflow a batch's sum.
        CheckRange(options.JsonRpc.DefaultCost, 0, SettingBounds.MaxCost, $"{path}:JsonRpc:DefaultCost", errors);
        foreach (var (method, cost) in options.JsonRpc.Methods)
        {
            CheckRange(cost, 0, SettingBounds.MaxCost, $"{path}:JsonRpc:Methods:{method}", errors);
        }

        // Zero bytes would read no method (every call charged the most expensive); the bytes are held per request.
        CheckRange(options.JsonRpc.MaxBodyBytes, 1, SettingBounds.MaxJsonRpcBodyBytes, $"{path}:JsonRpc:MaxBodyBytes", errors);
        if (options.JsonRpc.ParseError is { } parseError && options.Catalog.Find(parseError) is null)
        {
            errors.Add($"{path}:JsonRpc:ParseError '{parseError}' is not a code of the error catalog.");
        }

        return book;
    }

    /// <summary>Binds a key to its plan, subscription and counters, and builds its principal.</summary>
    public ResolvedKey? Resolve(ApiKeyRecord record, List<string>? errors = null, string? path = null)
    {
        Plan? plan = null;
        var state = record.State;
        SubscriptionOptions? subscription = null;
        if (record.SubscriptionId is { } subscriptionId && _subscriptions.TryGetValue(subscriptionId, out var configured))
        {
            plan = configured.Plan;
            subscription = configured.Options;
            if (state == ApiKeyState.Active)
            {
                state = subscription.State;
            }
        }
        else if (record.Plan is { } planName)
        {
            _plans.TryGetValue(planName, out plan);
        }

        if (plan is null)
        {
            errors?.Add($"{path}: key '{record.Id}' has no configured subscription or plan (Subscription '{record.SubscriptionId}', Plan '{record.Plan}').");
            return null;
        }

        var networks = new List<IPNetwork>();
        for (var i = 0; i < record.AllowedIps.Count; i++)
        {
            var allowed = record.AllowedIps[i];
            if (ParseNetwork(allowed, out var network) is { } problem)
            {
                errors?.Add($"{path}:AllowedIps:{i} '{allowed}' {problem}.");
            }
            else
            {
                networks.Add(network);
            }
        }

        // No network left would mean no restriction: a key meant for some IPs must not work from every IP.
        if (record.AllowedIps.Count > 0 && networks.Count == 0)
        {
            errors?.Add($"{path}: key '{record.Id}' has AllowedIps but none is an IP address or network, so it is refused rather than allowed from any IP.");
            return null;
        }

        foreach (var (name, permit) in record.Limits)
        {
            if (errors is not null)
            {
                CheckRange(permit, 0, SettingBounds.MaxPermit, $"{path}:Limits:{name}", errors);
            }
        }

        var limits = new List<LimitEntry>();
        foreach (var limit in plan.Limits)
        {
            if (limit.Scope == LimitScope.Subscription && record.SubscriptionId is { } sub)
            {
                var permit = subscription?.Limits.TryGetValue(limit.Name, out var p) == true ? p : limit.PermitLimit;
                limits.Add(new LimitEntry(limit.WithPermit(permit), sub, sub, new LimitEntrySlot()));

                // The key's own sub-limit within the subscription's total.
                if (record.Limits.TryGetValue(limit.Name, out var own))
                {
                    limits.Add(new LimitEntry(limit.AsKeySubLimit(own), record.Id, record.Id, new LimitEntrySlot()));
                }
            }
            else
            {
                var permit = record.Limits.TryGetValue(limit.Name, out var own) ? own : limit.PermitLimit;
                limits.Add(new LimitEntry(limit.WithPermit(permit), record.Id, record.Id, new LimitEntrySlot()));
            }
        }

        foreach (var name in record.Limits.Keys)
        {
            if (!plan.Limits.Any(l => l.Name == name))
            {
                errors?.Add($"{path}:Limits:{name} names no limit of plan '{plan.Name}'.");
            }
        }

        var claims = new List<Claim>
        {
            new(ApiKeyDefaults.KeyIdClaimType, record.Id),
            new(ApiKeyDefaults.PlanClaimType, plan.Name),
        };
        if (record.SubscriptionId is not null)
        {
            claims.Add(new Claim(ApiKeyDefaults.SubscriptionClaimType, record.SubscriptionId));
        }

        claims.AddRange(record.Scopes.Select(s => new Claim(ApiKeyDefaults.ScopeClaimType, s)));

        return new ResolvedKey
        {
            Record = record,
            Plan = plan,
            SubscriptionId = record.SubscriptionId,
            State = state,
            Scopes = record.Scopes.ToFrozenSet(StringComparer.Ordinal),
            AllowedNetworks = [.. networks],
            Limits = [.. limits],
            Principal = new SharedKeyPrincipal(new SharedKeyIdentity(claims)),
        };
    }

    private LimitDefinition? Compile(string name, LimitOptions limit, string path, List<string> errors)
    {
        var ok = CheckRange(limit.PermitLimit, 0, SettingBounds.MaxPermit, $"{path}:PermitLimit", errors);
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

        var window = default(WindowSpec);
        var windowOk = true;
        if (limit.Kind == LimitKind.Concurrency)
        {
            // A window or sliding flag on a concurrency limit would read as "N per window" but count requests in flight.
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
        }
        else if (!WindowSpec.TryParse(limit.Window, out window))
        {
            errors.Add($"{path}:Window '{limit.Window}' is not minute, hour, day, month or a time span (such as 00:00:10 or 7.00:00:00) of at least 1 second.");
            ok = windowOk = false;
        }
        else if (!window.CalendarMonth && window.PeriodTicks > WindowSpec.Longest.Ticks)
        {
            errors.Add($"{path}:Window '{limit.Window}' is longer than the longest window, {WindowSpec.Longest.Days} days (100 years): its end would fall past the calendar's (year 9999).");
            ok = windowOk = false;
        }

        ErrorDescriptor? error = null;
        if (limit.Error is { } code)
        {
            error = _catalog.Find(code);
            if (error is null)
            {
                errors.Add($"{path}:Error '{code}' is not a code of the error catalog.");
                ok = false;
            }
        }
        else
        {
            var refusal = limit.Refusal ?? DefaultRefusal(limit, window);
            if (refusal is null)
            {
                // A wrong window has no default refusal either: that is its consequence, not another problem.
                if (windowOk)
                {
                    errors.Add($"{path}: a {window.Name} window has no default refusal; set Refusal or Error.");
                }

                ok = false;
            }
            else if ((error = _catalog.Find(refusal.Value)) is null)
            {
                errors.Add($"{path}: the error catalog answers no refusal {refusal}; add 'refusal: {refusal}' to an entry of errors.yaml or set Error.");
                ok = false;
            }
        }

        if (limit.Description is { } text && DescriptionDisagrees(text, limit.PermitLimit))
        {
            errors.Add($"{path}:Description '{text}' does not state PermitLimit {limit.PermitLimit}; write {{limit}} for the number (and {{window}} for the unit: '{{limit}} req/{{window}}' reads '10 req/min') so the text follows the limit.");
            ok = false;
        }

        // A key's own sub-limit beside a subscription-scoped limit answers with the key-scoped refusal.
        var keyError = limit.Error is null && limit.Refusal is null && limit.Scope == LimitScope.Subscription
            && DefaultRefusal(new LimitOptions { Kind = limit.Kind, Scope = LimitScope.Key }, window) is { } keyRefusal
                ? _catalog.Find(keyRefusal)
                : null;
        return ok ? new LimitDefinition(name, limit.Scope, limit.Kind, limit.PermitLimit, window, limit.Sliding, error!, limit.Description, keyError) : null;
    }

    /// <summary>Adds an error unless <paramref name="min"/> &lt;= <paramref name="value"/> &lt;= <paramref name="max"/>.</summary>
    private static bool CheckRange(long value, long min, long max, string path, List<string> errors)
    {
        if (value >= min && value <= max)
        {
            return true;
        }

        errors.Add(min == 0 && value < 0
            ? $"{path} must be zero or more (was {value})."
            : $"{path} must be between {min} and {max} (was {value}).");
        return false;
    }

    /// <summary>A delay setting: at least <paramref name="min"/>, at most a day (past that, date arithmetic could overflow).</summary>
    private static void CheckDelay(TimeSpan value, TimeSpan min, string path, List<string> errors)
    {
        if (value < min || value > SettingBounds.MaxDelay)
        {
            errors.Add(min == TimeSpan.Zero
                ? $"{path} must be between 00:00:00 (off) and 1.00:00:00 (was {value})."
                : $"{path} must be more than 00:00:00 and at most 1.00:00:00 (was {value}).");
        }
    }

    /// <summary>
    /// An address (a network of one) or CIDR range; null, or what is wrong with it. IPv4 must be written in canonical
    /// dotted decimal: the parser also takes the inet_aton forms, where <c>10</c> is 0.0.0.10, <c>10.1</c> is 10.0.0.1
    /// and <c>010.0.0.1</c> octal 8.0.0.1. A range with bits set past its prefix (<c>10.0.0.1/8</c>) is ambiguous:
    /// one host was meant, or the whole range.
    /// </summary>
    private static string? ParseNetwork(string? text, out IPNetwork network)
    {
        const string NotAnAddress = "is neither an IP address nor a CIDR range (IPv4 written as four decimal numbers, such as 10.0.0.0/8)";
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return NotAnAddress;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address)
            || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.ToString() != addressText))
        {
            return NotAnAddress;
        }

        if (slash < 0)
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return null;
        }

        if (!IPNetwork.TryParse(text, out network))
        {
            return NotAnAddress;
        }

        return network.BaseAddress.Equals(address)
            ? null
            : $"has bits set past its /{network.PrefixLength} prefix; write the range as {network} or the address alone";
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

        var numbers = System.Text.RegularExpressions.Regex.Matches(description, "[0-9]+");
        return numbers.Count > 0 && !numbers.Any(m => long.TryParse(m.Value, System.Globalization.CultureInfo.InvariantCulture, out var n) && n == permitLimit);
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

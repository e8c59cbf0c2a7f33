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

        if (options.DefaultCredits < 0)
        {
            errors.Add($"{path}:DefaultCredits must be zero or more (was {options.DefaultCredits}).");
        }

        if (options.Keys.MaxLength is < 8 or > 4096)
        {
            errors.Add($"{path}:Keys:MaxLength must be between 8 and 4096 (was {options.Keys.MaxLength}).");
        }

        if (options.Keys.HashCacheSize is < 0 or > 10_000_000)
        {
            errors.Add($"{path}:Keys:HashCacheSize must be between 0 (off) and 10000000 (was {options.Keys.HashCacheSize}).");
        }

        foreach (var header in options.Keys.EffectiveHeaders)
        {
            if (string.IsNullOrWhiteSpace(header) || header.Any(c => c <= ' ' || c >= 127 || c == ':'))
            {
                errors.Add($"{path}:Keys:Headers contains '{header}', which is not a header name.");
            }
        }

        foreach (var (name, plan) in options.Plans)
        {
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

            foreach (var (limitName, permit) in subscription.Limits)
            {
                if (!plan.Limits.Any(l => l.Name == limitName && l.Scope == LimitScope.Subscription))
                {
                    errors.Add($"{path}:Subscriptions:{id}:Limits:{limitName} names no subscription-scoped limit of plan '{plan.Name}'.");
                }
                else if (permit < 0)
                {
                    errors.Add($"{path}:Subscriptions:{id}:Limits:{limitName} must be zero or more (was {permit}).");
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
            if (options.Catalog.Find(code) is null)
            {
                errors.Add($"{path}:StatusErrors:{status} '{code}' is not a code of the error catalog.");
            }
        }

        if (options.Catalog.Find(options.UnhandledExceptionError) is null)
        {
            errors.Add($"{path}:UnhandledExceptionError '{options.UnhandledExceptionError}' is not a code of the error catalog.");
        }

        foreach (var (method, cost) in options.JsonRpc.Methods)
        {
            if (cost < 0)
            {
                errors.Add($"{path}:JsonRpc:Methods:{method} must be zero or more (was {cost}).");
            }
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
        foreach (var allowed in record.AllowedIps)
        {
            if (IPNetwork.TryParse(allowed, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(allowed, out var address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                errors?.Add($"{path}:AllowedIps: '{allowed}' is neither an IP address nor a CIDR range.");
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
            new(ApiKeyClaimTypes.KeyId, record.Id),
            new(ApiKeyClaimTypes.Plan, plan.Name),
        };
        if (record.SubscriptionId is not null)
        {
            claims.Add(new Claim(ApiKeyClaimTypes.Subscription, record.SubscriptionId));
        }

        claims.AddRange(record.Scopes.Select(s => new Claim(ApiKeyClaimTypes.Scope, s)));

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
        var ok = true;
        if (limit.PermitLimit < 0)
        {
            errors.Add($"{path}:PermitLimit must be zero or more (was {limit.PermitLimit}).");
            ok = false;
        }

        var window = default(WindowSpec);
        if (limit.Kind != LimitKind.Concurrency && !WindowSpec.TryParse(limit.Window, out window))
        {
            errors.Add($"{path}:Window '{limit.Window}' is not minute, hour, day, month or a time span of at least 1 second.");
            ok = false;
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
                errors.Add($"{path}: a {window.Name} window has no default refusal; set Refusal or Error.");
                ok = false;
            }
            else if ((error = _catalog.Find(refusal.Value)) is null)
            {
                errors.Add($"{path}: the error catalog answers no refusal {refusal}; add 'refusal: {refusal}' to an entry of errors.yaml or set Error.");
                ok = false;
            }
        }

        if (limit.Description is { } description && DescriptionDisagrees(description, limit.PermitLimit))
        {
            errors.Add($"{path}:Description '{description}' does not state PermitLimit {limit.PermitLimit}; write {{limit}} for the number (and {{window}} for the unit: '{{limit}} req/{{window}}' reads '10 req/min') so the text follows the limit.");
            ok = false;
        }

        // A key's own sub-limit beside a subscription-scoped limit answers with the key-scoped refusal.
        var keyError = limit.Error is null && limit.Refusal is null && limit.Scope == LimitScope.Subscription
            && DefaultRefusal(new LimitOptions { Kind = limit.Kind, Scope = LimitScope.Key }, window) is { } keyRefusal
                ? _catalog.Find(keyRefusal)
                : null;
        return ok ? new LimitDefinition(name, limit.Scope, limit.Kind, limit.PermitLimit, window, limit.Sliding, error!, limit.Description, keyError) : null;
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

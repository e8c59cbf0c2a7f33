using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Options compiled for requests: plans, subscriptions and the IP limit, each limit bound to the catalog error that
/// answers it. Building it validates the configuration: every problem is reported with the setting's path.
/// </summary>
internal sealed class PlanBook
{
    private readonly Dictionary<string, Plan> _plans = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Plan Plan, SubscriptionOptions Options)> _subscriptions = new(StringComparer.Ordinal);

    private PlanBook(ApiErrorCatalogOptions options) => Options = options;

    public LimitDefinition? IpLimit { get; private set; }

    public ApiErrorCatalogOptions Options { get; }

    public IReadOnlyDictionary<string, Plan> Plans => _plans;

    /// <summary>Compiles the options against <paramref name="catalog"/>; <paramref name="errors"/> collects each bad setting with its path.</summary>
    public static PlanBook Build(ApiErrorCatalogOptions options, ApiErrorCatalog catalog, string path, List<string> errors)
    {
        var book = new PlanBook(options);
        SettingChecks.CheckRequestSettings(options, path, errors);
        var compiler = new LimitCompiler(catalog);
        foreach (var (name, plan) in options.Plans)
        {
            if (book.CompilePlan(compiler, name, plan, $"{path}:Plans:{name}", path, errors) is { } compiled)
            {
                book._plans[name] = compiled;
            }
        }

        foreach (var (id, subscription) in options.Subscriptions)
        {
            book.AddSubscription(id, subscription, $"{path}:Subscriptions:{id}", errors);
        }

        if (options.IpLimit is { } ip)
        {
            ip.Scope = LimitScope.Ip;
            book.IpLimit = compiler.Compile("ip", ip, $"{path}:IpLimit", errors);
        }

        SettingChecks.CheckErrorAndCostSettings(options, catalog, path, errors);
        return book;
    }

    /// <summary>A configured subscription's plan and settings.</summary>
    public bool TryGetSubscription(string subscriptionId, [MaybeNullWhen(false)] out Plan plan, [MaybeNullWhen(false)] out SubscriptionOptions subscription)
    {
        var found = _subscriptions.TryGetValue(subscriptionId, out var configured);
        (plan, subscription) = configured;
        return found;
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

        return KeyBinder.Bind(record, plan, subscription, state, errors, path);
    }

    private Plan? CompilePlan(LimitCompiler compiler, string name, PlanOptions? plan, string planPath, string path, List<string> errors)
    {
        if (plan is null)
        {
            errors.Add($"{planPath} is empty; give the plan its Limits, or declare \"Unlimited\": true for a plan without limits.");
            return null;
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
            if (compiler.Compile(limitName, limit, $"{planPath}:Limits:{limitName}", errors) is not { } definition)
            {
                continue;
            }

            if (definition.Scope == LimitScope.Ip)
            {
                errors.Add($"{planPath}:Limits:{limitName}:Scope must be Key or Subscription; the IP limit is {path}:IpLimit.");
                continue;
            }

            limits.Add(definition);
        }

        return new Plan(name, [.. limits], plan.Features.Append(name).ToFrozenSet(StringComparer.Ordinal));
    }

    private void AddSubscription(string id, SubscriptionOptions subscription, string subscriptionPath, List<string> errors)
    {
        if (!_plans.TryGetValue(subscription.Plan ?? string.Empty, out var plan))
        {
            errors.Add($"{subscriptionPath}:Plan '{subscription.Plan}' is not a configured plan ({string.Join(", ", _plans.Keys)}).");
            return;
        }

        if (!Enum.IsDefined(subscription.State))
        {
            errors.Add($"{subscriptionPath}:State {(int)subscription.State} is not a key state ({string.Join(", ", Enum.GetNames<ApiKeyState>())}).");
        }

        foreach (var (limitName, permit) in subscription.Limits)
        {
            if (!plan.Limits.Any(l => l.Name == limitName && l.Scope == LimitScope.Subscription))
            {
                errors.Add($"{subscriptionPath}:Limits:{limitName} names no subscription-scoped limit of plan '{plan.Name}'.");
            }
            else
            {
                SettingChecks.CheckRange(permit, 0, SettingBounds.MaxPermit, $"{subscriptionPath}:Limits:{limitName}", errors);
            }
        }

        _subscriptions[id] = (plan, subscription);
    }
}

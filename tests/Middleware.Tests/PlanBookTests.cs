namespace ErrorCatalog.Middleware.Tests;

/// <summary>Plan compilation without a host: options in, limits bound to their catalog errors (or the messages naming each bad setting) out.</summary>
public sealed class PlanBookTests
{
    private const string Path = "ApiErrorCatalog";

    [Theory]
    [InlineData("minute", "minute", 60L, "API_KEY_PLAN_MINUTE_RATE_LIMIT_REACHED")]
    [InlineData("day", "day", 86_400L, "API_KEY_PLAN_DAILY_RATE_LIMIT_REACHED")]
    [InlineData("month", "month", 2_592_000L, "API_KEY_PLAN_MONTHLY_RATE_LIMIT_REACHED")]
    public void WindowLimit_IsAnsweredByItsWindowsRefusal(string window, string name, long seconds, string code)
    {
        var book = Build(Options(Plan(("requests", new LimitOptions { PermitLimit = 10, Window = window }))), out var errors);

        Assert.Empty(errors);
        var limit = Assert.Single(book.Plans["free"].Limits);
        Assert.Equal(("requests", LimitKind.Requests, LimitScope.Key, 10L), (limit.Name, limit.Kind, limit.Scope, limit.PermitLimit));
        Assert.Equal((name, seconds, window == "month"), (limit.Window.Name, limit.Window.Seconds, limit.Window.CalendarMonth));
        Assert.Equal("key:requests", limit.CounterName);
        Assert.Equal(code, limit.Error.Code);
        Assert.Equal($"10 req/{name}", limit.Description);
    }

    [Fact]
    public void TimeSpanWindow_TakesTheRefusalItIsGiven_AndSlides()
    {
        var limit = new LimitOptions { PermitLimit = 5, Window = "00:00:10", Sliding = true, Refusal = Refusal.MinuteLimit };

        var book = Build(Options(Plan(("burst", limit))), out var errors);

        Assert.Empty(errors);
        var compiled = Assert.Single(book.Plans["free"].Limits);
        Assert.Equal(TimeSpan.FromSeconds(10).Ticks, compiled.Window.PeriodTicks);
        Assert.True(compiled.Sliding);
        Assert.Equal(Refusal.MinuteLimit, compiled.Error.Refusal);
    }

    [Fact]
    public void CreditsAndConcurrency_CompileToTheirOwnRefusals()
    {
        var book = Build(
            Options(Plan(
                ("credits", new LimitOptions { Kind = LimitKind.Credits, PermitLimit = 1000, Window = "month" }),
                ("parallel", new LimitOptions { Kind = LimitKind.Concurrency, PermitLimit = 2 }))),
            out var errors);

        Assert.Empty(errors);
        var limits = book.Plans["free"].Limits;
        Assert.Equal(["credits", "parallel"], limits.Select(l => l.Name));
        Assert.Equal((LimitKind.Credits, Refusal.CreditsLimit, "1000 credits/month"), (limits[0].Kind, limits[0].Error.Refusal, limits[0].Description));
        Assert.Equal((LimitKind.Concurrency, Refusal.ConcurrencyLimit, "2 concurrent requests"), (limits[1].Kind, limits[1].Error.Refusal, limits[1].Description));
        Assert.False(limits[1].Sliding);
        Assert.Equal("\"parallel\";q=2", limits[1].PolicyItem);
    }

    [Fact]
    public void Features_IncludeThePlansOwnName()
    {
        var plan = Plan(("minute", Minute(10)));
        plan.Features = ["export"];

        var book = Build(Options(plan), out var errors);

        Assert.Empty(errors);
        Assert.Equal(["export", "free"], book.Plans["free"].Features.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void IpLimit_IsScopedToTheClientAddress()
    {
        var options = Options(Plan(("minute", Minute(10))));
        options.IpLimit = new LimitOptions { PermitLimit = 600, Window = "minute" };

        var book = Build(options, out var errors);

        Assert.Empty(errors);
        Assert.NotNull(book.IpLimit);
        Assert.Equal((LimitScope.Ip, "ip:ip", Refusal.IpLimit), (book.IpLimit.Scope, book.IpLimit.CounterName, book.IpLimit.Error.Refusal));
    }

    [Fact]
    public void SubscriptionKey_CountsTheSubscriptionsPermit_AndItsOwnSubLimit()
    {
        var options = Options(Plan(
            ("minute", Minute(10)),
            ("credits", new LimitOptions { Kind = LimitKind.Credits, PermitLimit = 1000, Window = "month", Scope = LimitScope.Subscription })));
        options.Subscriptions["acme"] = new SubscriptionOptions { Plan = "free", State = ApiKeyState.PaymentExpired, Limits = { ["credits"] = 5000 } };
        var book = Build(options, out var errors);
        var record = new ApiKeyRecord
        {
            Id = "k1",
            SubscriptionId = "acme",
            Scopes = ["read"],
            Limits = new Dictionary<string, long> { ["credits"] = 200, ["minute"] = 30 },
            Overage = true,
        };

        var key = book.Resolve(record, errors, $"{Path}:ApiKeys:0");

        Assert.Empty(errors);
        Assert.NotNull(key);
        Assert.Equal(("free", "acme", ApiKeyState.PaymentExpired), (key.Plan.Name, key.SubscriptionId, key.State));
        Assert.Equal(
            [("key:minute", "k1", 30L), ("subscription:credits", "acme", 5000L), ("key:credits-key", "k1", 200L)],
            key.Limits.Select(e => (e.Limit.CounterName, e.PartitionName, e.Limit.PermitLimit)));
        Assert.Equal(Refusal.SubscriptionLimit, key.Limits[1].Limit.Error.Refusal);
        Assert.Equal(Refusal.CreditsLimit, key.Limits[2].Limit.Error.Refusal);
        Assert.Equal("enabled", key.OverageText);
        Assert.Contains(key.Principal.Claims, c => c.Type == ApiKeyDefaults.ScopeClaimType && c.Value == "read");
    }

    [Fact]
    public void PlanKey_TakesThePlansPermits_AndItsAllowedNetworks()
    {
        var book = Build(Options(Plan(("minute", Minute(10)))), out var errors);

        var key = book.Resolve(new ApiKeyRecord { Id = "k2", Plan = "free", AllowedIps = ["10.0.0.0/8", "::1"] }, errors, $"{Path}:ApiKeys:0");

        Assert.Empty(errors);
        Assert.NotNull(key);
        Assert.Equal([("key:minute", "k2", 10L)], key.Limits.Select(e => (e.Limit.CounterName, e.PartitionName, e.Limit.PermitLimit)));
        Assert.Equal(["10.0.0.0/8", "::1/128"], key.AllowedNetworks.Select(n => n.ToString()));
        Assert.Equal("disabled", key.OverageText);
    }

    public static TheoryData<string, Action<ApiErrorCatalogOptions>, string> BadPlans => new()
    {
        {
            "unknown window",
            o => o.Plans["free"].Limits["minute"].Window = "fortnight",
            "ApiErrorCatalog:Plans:free:Limits:minute:Window 'fortnight' is not minute, hour, day, month or a time span (such as 00:00:10 or 7.00:00:00) of at least 1 second."
        },
        {
            "negative permit",
            o => o.Plans["free"].Limits["minute"].PermitLimit = -1,
            "ApiErrorCatalog:Plans:free:Limits:minute:PermitLimit must be zero or more (was -1)."
        },
        {
            "window with no default refusal",
            o => o.Plans["free"].Limits["minute"].Window = "hour",
            "ApiErrorCatalog:Plans:free:Limits:minute: a hour window has no default refusal; set Refusal or Error."
        },
        {
            "error code the catalog lacks",
            o => o.Plans["free"].Limits["minute"].Error = "NO_SUCH_CODE",
            "ApiErrorCatalog:Plans:free:Limits:minute:Error 'NO_SUCH_CODE' is not a code of the error catalog."
        },
        {
            "concurrency limit with a window",
            o => o.Plans["free"].Limits["minute"].Kind = LimitKind.Concurrency,
            "ApiErrorCatalog:Plans:free:Limits:minute:Window 'minute' does not apply: a Concurrency limit counts requests in flight; remove Window, or use Kind Requests for a rate."
        },
        {
            "description stating another number",
            o => o.Plans["free"].Limits["minute"].Description = "15 req/min",
            "ApiErrorCatalog:Plans:free:Limits:minute:Description '15 req/min' does not state PermitLimit 10;"
        },
        {
            "IP scope inside a plan",
            o => o.Plans["free"].Limits["minute"].Scope = LimitScope.Ip,
            "ApiErrorCatalog:Plans:free:Limits:minute:Scope must be Key or Subscription; the IP limit is ApiErrorCatalog:IpLimit."
        },
        {
            "plan without limits",
            o => o.Plans["free"].Limits.Clear(),
            "ApiErrorCatalog:Plans:free declares no limits; give it Limits, or declare \"Unlimited\": true for a plan without limits."
        },
        {
            "unlimited plan with limits",
            o => o.Plans["free"].Unlimited = true,
            "ApiErrorCatalog:Plans:free:Unlimited is true but the plan declares Limits; keep one of the two."
        },
        {
            "subscription of an unknown plan",
            o => o.Subscriptions["acme"] = new SubscriptionOptions { Plan = "gold" },
            "ApiErrorCatalog:Subscriptions:acme:Plan 'gold' is not a configured plan (free)."
        },
        {
            "subscription permit for a key-scoped limit",
            o => o.Subscriptions["acme"] = new SubscriptionOptions { Plan = "free", Limits = { ["minute"] = 100 } },
            "ApiErrorCatalog:Subscriptions:acme:Limits:minute names no subscription-scoped limit of plan 'free'."
        },
        {
            "IP limit with an unknown window",
            o => o.IpLimit = new LimitOptions { PermitLimit = 10, Window = "fortnight" },
            "ApiErrorCatalog:IpLimit:Window 'fortnight' is not minute"
        },
        {
            "negative JSON-RPC cost",
            o => o.JsonRpc.Methods["eth_call"] = -5,
            "ApiErrorCatalog:JsonRpc:Methods:eth_call must be zero or more (was -5)."
        },
    };

    [Theory]
    [MemberData(nameof(BadPlans))]
    public void BadSetting_IsReportedWithItsPath(string reason, Action<ApiErrorCatalogOptions> spoil, string expected)
    {
        var options = Options(Plan(("minute", Minute(10))));
        spoil(options);

        Build(options, out var errors);

        Assert.True(errors.Any(e => e.StartsWith(expected, StringComparison.Ordinal)), $"{reason}: expected '{expected}' in:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }

    public static TheoryData<string, ApiKeyRecord, string> BadKeys => new()
    {
        {
            "no plan",
            new ApiKeyRecord { Id = "k", Plan = "gold" },
            "ApiErrorCatalog:ApiKeys:0: key 'k' has no configured subscription or plan (Subscription '', Plan 'gold')."
        },
        {
            "own permit for a limit the plan lacks",
            new ApiKeyRecord { Id = "k", Plan = "free", Limits = new Dictionary<string, long> { ["daily"] = 5 } },
            "ApiErrorCatalog:ApiKeys:0:Limits:daily names no limit of plan 'free'."
        },
        {
            "range with host bits",
            new ApiKeyRecord { Id = "k", Plan = "free", AllowedIps = ["10.0.0.1/8", "10.0.0.2"] },
            "ApiErrorCatalog:ApiKeys:0:AllowedIps:0 '10.0.0.1/8' has bits set past its /8 prefix; write the range as 10.0.0.0/8 or the address alone."
        },
        {
            "inet_aton address",
            new ApiKeyRecord { Id = "k", Plan = "free", AllowedIps = ["10.1", "10.0.0.2"] },
            "ApiErrorCatalog:ApiKeys:0:AllowedIps:0 '10.1' is neither an IP address nor a CIDR range"
        },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public void BadKey_IsReportedWithItsPath(string reason, ApiKeyRecord record, string expected)
    {
        var book = Build(Options(Plan(("minute", Minute(10)))), out var errors);

        book.Resolve(record, errors, $"{Path}:ApiKeys:0");

        Assert.True(errors.Any(e => e.StartsWith(expected, StringComparison.Ordinal)), $"{reason}: expected '{expected}' in:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }

    [Fact]
    public void KeyWithNoUsableNetwork_IsRefusedRatherThanAllowedEverywhere()
    {
        var book = Build(Options(Plan(("minute", Minute(10)))), out var errors);

        var key = book.Resolve(new ApiKeyRecord { Id = "k", Plan = "free", AllowedIps = ["not-an-ip"] }, errors, $"{Path}:ApiKeys:0");

        Assert.Null(key);
        Assert.Contains($"{Path}:ApiKeys:0: key 'k' has AllowedIps but none is an IP address or network, so it is refused rather than allowed from any IP.", errors);
    }

    private static PlanBook Build(ApiErrorCatalogOptions options, out List<string> errors)
    {
        errors = [];
        return PlanBook.Build(options, ErrorCatalog.Defaults.ApiErrors.Catalog, Path, errors);
    }

    private static ApiErrorCatalogOptions Options(PlanOptions free) => new() { Plans = { ["free"] = free } };

    private static PlanOptions Plan(params (string Name, LimitOptions Limit)[] limits)
    {
        var plan = new PlanOptions();
        foreach (var (name, limit) in limits)
        {
            plan.Limits[name] = limit;
        }

        return plan;
    }

    private static LimitOptions Minute(long permit) => new() { PermitLimit = permit, Window = "minute" };
}

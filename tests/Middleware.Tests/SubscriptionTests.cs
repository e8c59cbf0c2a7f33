using System.Net;
using static ErrorCatalog.Middleware.Tests.TestApi;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>
/// Several keys sharing a subscription's credit quota, each with a smaller quota of its own (the node-API page:
/// a key over its own limit is refused while its sibling goes on; both are refused once the total is used).
/// </summary>
public sealed class SubscriptionTests
{
    private const string KeyCode = "CREDITS_LIMIT_REACHED";
    private const string SubscriptionCode = "SUBSCRIPTION_LIMIT_REACHED";

    private static string Config(string a, string b, string c, string d) => $$"""
        {
          "ApiErrorCatalog": {
            "Headers": "UnitsLimit",
            "Plans": { "node": { "Limits": {
              "credits": { "Kind": "Credits", "PermitLimit": 1000, "Window": "day", "Scope": "Subscription" }
            } } },
            "Subscriptions": {
              "team": { "Plan": "node" },
              "small": { "Plan": "node", "Limits": { "credits": 800 } }
            },
            "ApiKeys": [
              { "Id": "a", "Hash": "{{Hash(a)}}", "Subscription": "team", "Limits": { "credits": 500 } },
              { "Id": "b", "Hash": "{{Hash(b)}}", "Subscription": "team", "Limits": { "credits": 500 } },
              { "Id": "c", "Hash": "{{Hash(c)}}", "Subscription": "small", "Limits": { "credits": 500 } },
              { "Id": "d", "Hash": "{{Hash(d)}}", "Subscription": "small", "Limits": { "credits": 500 } }
            ]
          }
        }
        """;

    private static async Task SpendAsync(TestApi api, string key, int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            using var response = await api.GetAsync("/credits100", key);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"call {i + 1}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>A 429 answered by one of the two credit codes, for the limit whose permit is <paramref name="limit"/>.</summary>
    private static async Task<System.Text.Json.JsonElement> AssertRefusedByAsync(HttpResponseMessage response, long limit)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var code = (await ReadJsonAsync(response)).GetProperty("code").GetString()!;
        Assert.Contains(code, new[] { KeyCode, SubscriptionCode });
        var body = await AssertProblemAsync(response, HttpStatusCode.TooManyRequests, code);
        Assert.Equal(limit, body.GetProperty("limit").GetInt64());
        return body;
    }

    [Fact]
    public async Task KeyOverItsOwnQuota_IsRefused_WhileItsSiblingGoesOn_UntilTheSubscriptionTotalIsUsed()
    {
        string a = NewKey(), b = NewKey();
        await using var api = await StartAsync(Config(a, b, NewKey(), NewKey()));

        // A spends its own 500 (half the subscription's 1000) and is refused by its own limit.
        await SpendAsync(api, a, 5);
        using var aOverOwn = await api.GetAsync("/credits100", a);

        // Read from the code: a key's own limit is the subscription limit copied with the key's permit and scope
        // (PlanBook.Resolve, LimitDefinition.WithPermit), so it keeps the subscription limit's catalog entry:
        // the answer is SUBSCRIPTION_LIMIT_REACHED, telling the key's own permit (500) as its limit.
        var own = await AssertRefusedByAsync(aOverOwn, limit: 500);
        Assert.Equal(30, own.GetProperty("retryAfter").GetInt64());

        // B goes on: the subscription has 500 left, and B's own 500 are untouched.
        await SpendAsync(api, b, 5);

        // Now the subscription's 1000 are used: both keys are refused, answered by the subscription limit
        // (when several limits refuse with the same Retry-After, the first in the batch, the subscription's, answers).
        using var bOver = await api.GetAsync("/credits100", b);
        using var aOverTotal = await api.GetAsync("/credits100", a);
        var total = await AssertRefusedByAsync(bOver, limit: 1000);
        Assert.Equal(SubscriptionCode, total.GetProperty("code").GetString());
        Assert.Equal("The subscription has used 1000 of its 1000 credits.", total.GetProperty("detail").GetString());
        await AssertRefusedByAsync(aOverTotal, limit: 1000);
    }

    [Fact]
    public async Task SubscriptionTotalUsedBeforeTheKeysOwn_RefusesWithSubscriptionLimitReached()
    {
        string c = NewKey(), d = NewKey();
        await using var api = await StartAsync(Config(NewKey(), NewKey(), c, d));

        // "small" overrides the plan's 1000 with 800: C spends 500, D 300, then D (300 of its own 500) is refused.
        await SpendAsync(api, c, 5);
        await SpendAsync(api, d, 3);
        using var refused = await api.GetAsync("/credits100", d);

        var body = await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, SubscriptionCode);
        Assert.Equal(800, body.GetProperty("limit").GetInt64());
        Assert.Equal(800, body.GetProperty("used").GetInt64());
        Assert.Equal("The subscription has used 800 of its 800 credits.", body.GetProperty("detail").GetString());
        Assert.Equal("30", Header(refused, "Retry-After"));
    }

    [Fact]
    public async Task RefusedByItsOwnQuota_ChargesNothingToTheSubscription()
    {
        string a = NewKey(), b = NewKey();
        await using var api = await StartAsync(Config(a, b, NewKey(), NewKey()));

        await SpendAsync(api, a, 5);
        for (var i = 0; i < 5; i++)
        {
            using var refused = await api.GetAsync("/credits100", a);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        // Had A's refusals been charged to the subscription, B would find it used up.
        await SpendAsync(api, b, 5);
    }

    [Fact]
    public async Task UnitsLimitHeaders_DescribeTheCreditLimitWithLeastRemaining()
    {
        string a = NewKey(), b = NewKey();
        await using var api = await StartAsync(Config(a, b, NewKey(), NewKey()));

        await SpendAsync(api, b, 4);
        using var first = await api.GetAsync("/credits100", a);

        // Subscription: 500 used, 500 left; A's own: 100 used, 400 left.
        Assert.Equal("500", Header(first, "X-UnitsLimit-Quota-Allocated"));
        Assert.Equal("100", Header(first, "X-UnitsLimit-Used"));
        Assert.Equal("400", Header(first, "X-UnitsLimit-Quota-Remaining"));

        await SpendAsync(api, b, 1);
        using var second = await api.GetAsync("/credits100", a);

        // Subscription: 700 used, 300 left; A's own: 200 used, 300 left: a tie, either describes it truly.
        Assert.Equal("300", Header(second, "X-UnitsLimit-Quota-Remaining"));
    }
}

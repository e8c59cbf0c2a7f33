using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ErrorCatalog.Middleware;

/// <summary>
/// What the docs state, gathered once from the running configuration: the resolved catalog's entries, the plans and
/// their limits, what endpoints cost and require, and the configured rate-limit headers.
/// </summary>
/// <remarks>Subscription ids and keys are an operator's customers, never published: limits say whom they count.</remarks>
internal sealed class DocsModel
{
    public DocsModel(string pattern, CompiledOptions compiled, ApiErrorCatalogOptions options, EndpointDataSource endpoints)
    {
        Pattern = pattern;
        Book = compiled.Book;
        Options = options;
        var firstPlan = Book.Plans.Values.FirstOrDefault();
        var slugs = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<DocsEntry>();
        var answering = Answering(compiled, options);
        foreach (var error in compiled.Catalog.Errors)
        {
            // An app's catalog over the defaults: its own entries, and of the defaults only those that answer for it
            // (a refusal, a status, an exception, a limit); the rest are errors this API never returns.
            if (compiled.Catalog.IsFallback(error) && !answering.Contains(error))
            {
                continue;
            }

            // Two entries with one slug (an app's entry and a default's): the first, the app's, owns the route.
            var slug = DocsSlug.For(error);
            entries.Add(DocsEntry.Create(error, slugs.Add(slug) ? slug : slug + "-" + entries.Count, name => Example(name, options, firstPlan)));
        }

        Entries = [.. entries];
        Endpoints = [.. DocsEndpoint.From(endpoints)];
        Headers = [.. DocsHeader.For(options.Headers)];
    }

    /// <summary>The entries the middleware and the framework's problem details answer with.</summary>
    private static HashSet<ErrorDescriptor> Answering(CompiledOptions compiled, ApiErrorCatalogOptions options)
    {
        var answering = new HashSet<ErrorDescriptor>(ReferenceEqualityComparer.Instance);
        foreach (var refusal in Enum.GetValues<Refusal>())
        {
            if (compiled.Refusals.Answers(refusal))
            {
                answering.Add(compiled.Refusals[refusal]);
            }
        }

        foreach (var code in options.StatusErrors.Values.Append(options.UnhandledExceptionError))
        {
            if (compiled.Catalog.Find(code) is { } error)
            {
                answering.Add(error);
            }
        }

        foreach (var limit in compiled.Book.Plans.Values.SelectMany(static p => p.Limits).Append(compiled.Book.IpLimit))
        {
            if (limit is not null)
            {
                answering.Add(limit.Error);
                answering.Add(limit.KeyError);
            }
        }

        return answering;
    }

    /// <summary>The route the docs are mapped at (<c>/errors</c>).</summary>
    public string Pattern { get; }

    public DocsEntry[] Entries { get; }

    public PlanBook Book { get; }

    public ApiErrorCatalogOptions Options { get; }

    /// <summary>The endpoints that declare a cost, plan or scope.</summary>
    public DocsEndpoint[] Endpoints { get; }

    public DocsHeader[] Headers { get; }

    /// <summary>Whether some configured key of <paramref name="plan"/> may go past its credit quota and be billed.</summary>
    public bool OverageOffered(Plan plan) => Options.ApiKeys.Any(key => key.Overage && PlanOf(key) == plan.Name);

    public string? PlanOf(ApiKeyRecord key) =>
        key.SubscriptionId is { } id && Options.Subscriptions.TryGetValue(id, out var subscription) ? subscription.Plan : key.Plan;

    /// <summary>Whose counter a limit is, in words.</summary>
    public static string Whom(LimitScope scope) => scope switch
    {
        LimitScope.Subscription => "shared by the subscription's keys",
        LimitScope.Ip => "each client IP address",
        _ => "each key",
    };

    /// <summary>What a limit counts and over which window, in words.</summary>
    public static string Window(LimitDefinition limit) => limit.Kind == LimitKind.Concurrency
        ? "requests in flight at once"
        : (limit.Sliding ? "sliding " : "") + limit.Window.Name + (limit.Window.CalendarMonth ? " (resets 00:00 UTC on the 1st)" : "");

    public static string Counts(LimitKind kind) => kind switch
    {
        LimitKind.Credits => "credits",
        LimitKind.Concurrency => "concurrent requests",
        _ => "requests",
    };

    private static string? Example(string name, ApiErrorCatalogOptions options, Plan? plan) => name switch
    {
        "$plan" => plan?.Name ?? "free",
        "header" => options.KeyReading.EffectiveHeaders[0],
        "upgradeUrl" => options.UpgradeUrl ?? "https://example.com/pricing",
        "tierLimit" => plan is { Limits: [var first, ..] } ? first.Description : "10 req/minute",
        "plan" => plan?.Name ?? "free",
        "scope" => "read",
        "keyId" => "key_123",
        "method" => "getBlock",
        "host" or "ip" => "203.0.113.7",
        _ => null,
    };
}

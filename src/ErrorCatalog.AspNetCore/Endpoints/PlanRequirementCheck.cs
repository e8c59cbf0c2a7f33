using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Fails start-up when an endpoint's <c>RequirePlan(...)</c> names neither a configured plan nor a feature of one:
/// no key could ever have it, so the endpoint would silently answer 403 to everyone (a typo such as "sprad").
/// Plans are always configured, a custom <see cref="IApiKeyStore"/> only names them, so the set is closed.
/// </summary>
/// <remarks>
/// A startup filter runs once the application's pipeline is built, so the endpoints it maps (minimal APIs,
/// controllers) are in <see cref="EndpointDataSource"/>, and before the server takes a request. Scopes are not
/// checked: they come from each key (configured or a store's record), an open set. A configuration reloaded later
/// is checked too, by <see cref="OptionsReload"/>, which this starts following reloads once the endpoints are mapped:
/// a reload removing a required plan is refused.
/// </remarks>
internal sealed class PlanRequirementCheck(IOptionsMonitor<ApiErrorCatalogOptions> options) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        if (app.ApplicationServices.GetService<EndpointDataSource>() is { } endpoints)
        {
            Check(endpoints.Endpoints, options.CurrentValue);
        }

        // Reloads are followed from here on, before the server takes a request (resolving it subscribes).
        app.ApplicationServices.GetRequiredService<OptionsReload>();
    };

    /// <summary>Throws naming each endpoint and each plan name no configured plan has, one per line.</summary>
    internal static void Check(IReadOnlyList<Endpoint> endpoints, ApiErrorCatalogOptions options)
    {
        var problems = Problems(endpoints, options);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }
    }

    /// <summary>Each endpoint's RequirePlan name no plan of <paramref name="options"/> has, one line each.</summary>
    internal static List<string> Problems(IReadOnlyList<Endpoint> endpoints, ApiErrorCatalogOptions options)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, plan) in options.Plans)
        {
            known.Add(name);
            known.UnionWith(plan?.Features ?? []);
        }

        var listed = string.Join(", ", known.Order(StringComparer.Ordinal));
        var problems = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var metadata = ApiKeyAttribute.Expand(endpoint.Metadata);
            foreach (var requirement in metadata.GetOrderedMetadata<IRequirePlanMetadata>())
            {
                foreach (var name in requirement.Plans)
                {
                    if (!known.Contains(name))
                    {
                        var closest = ClosestName.Find(name, known) is { } match ? $" (did you mean '{match}'?)" : string.Empty;
                        problems.Add($"Endpoint {Describe(endpoint)} requires plan or feature '{name}' (RequirePlan), which no configured plan has{closest}; no key could call it. Plans and features: {listed}.");
                    }
                }
            }
        }

        return [.. problems.Distinct()];
    }

    /// <summary>The endpoint's display name, and its route where that name does not show it (a controller action's).</summary>
    private static string Describe(Endpoint endpoint) =>
        endpoint is RouteEndpoint { RoutePattern.RawText: { Length: > 0 } route } && endpoint.DisplayName?.Contains(route, StringComparison.Ordinal) != true
            ? $"'{endpoint.DisplayName}' (route '{route}')"
            : $"'{endpoint.DisplayName}'";
}

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
/// checked: they come from each key (configured or a store's record), an open set.
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
    };

    /// <summary>Throws naming each endpoint and each plan name no configured plan has, one per line.</summary>
    internal static void Check(IReadOnlyList<Endpoint> endpoints, ApiErrorCatalogOptions options)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, plan) in options.Plans)
        {
            known.Add(name);
            known.UnionWith(plan?.Features ?? []);
        }

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
                        problems.Add($"Endpoint '{endpoint.DisplayName}' requires plan or feature '{name}' (RequirePlan), which no configured plan has (plans and features: {string.Join(", ", known.Order(StringComparer.Ordinal))}); no key could call it.");
                    }
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems.Distinct()));
        }
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace ErrorCatalog.Middleware.Tests;

/// <summary>Endpoint policies are read once per endpoint and kept by the application's own cache.</summary>
public sealed class EndpointPolicyCacheTests
{
    [Fact]
    public void AnEndpointsPolicy_IsReadOnce_AndKeptPerApplication()
    {
        var endpoint = new RouteEndpointBuilder(static _ => Task.CompletedTask, RoutePatternFactory.Parse("/pro"), 0)
        {
            Metadata = { new RequirePlanAttribute("pro"), new CreditsAttribute(5) },
        }.Build();
        var first = new EndpointPolicyCache(ApiErrors.Catalog);
        var second = new EndpointPolicyCache(ApiErrors.Catalog);

        var policy = first.For(endpoint);

        Assert.Equal(["pro"], policy.Plans);
        Assert.Equal(5, policy.Credits);
        Assert.Same(policy, first.For(endpoint));
        Assert.NotSame(policy, second.For(endpoint)); // another application (host) reads its own
        Assert.Same(EndpointPolicy.Default, first.For(null));
    }
}

using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Authentication;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The <c>ApiKey</c> authentication scheme, for the framework's authorization on key claims.</summary>
public static class ApiKeyAuthenticationBuilderExtensions
{
    /// <summary>
    /// Adds the <c>ApiKey</c> scheme (<c>builder.Services.AddAuthentication().AddApiKey()</c>). Opt-in: a lone
    /// registered scheme becomes the default, and authentication then runs on every request before
    /// <c>UseApiErrorCatalog</c>, which does the same work without allocating.
    /// </summary>
    public static AuthenticationBuilder AddApiKey(this AuthenticationBuilder builder, Action<ApiKeyAuthenticationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.AuthenticationScheme, configure);
    }
}

using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Authentication;

namespace Microsoft.Extensions.DependencyInjection;

// The ApiKey authentication scheme, for the framework's authorization on key claims.
public static partial class ApiErrorCatalogServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>ApiKey</c> scheme (<c>builder.Services.AddAuthentication().AddApiKey()</c>). Opt-in: a lone
    /// registered scheme becomes the default, and authentication then runs on every request before
    /// <c>UseApiErrorCatalog</c>, which does the same work without allocating.
    /// </summary>
    public static AuthenticationBuilder AddApiKey(this AuthenticationBuilder builder, Action<AuthenticationSchemeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.AuthenticationScheme, configure);
    }
}

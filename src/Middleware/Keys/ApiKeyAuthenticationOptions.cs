using Microsoft.AspNetCore.Authentication;

namespace ErrorCatalog.Middleware;

/// <summary>Options of the API-key authentication scheme; keys are read as <c>ApiErrorCatalog:Keys</c> says.</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions;

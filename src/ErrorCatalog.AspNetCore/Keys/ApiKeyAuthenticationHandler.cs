using System.Security.Claims;
using System.Text.Encodings.Web;
using ErrorCatalog;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The <c>ApiKey</c> authentication scheme, so the framework's authorization (<c>[Authorize]</c>, policies on
/// <see cref="ApiKeyDefaults"/>) works with keys. It reuses the middleware's resolution when that already ran,
/// and answers challenges and forbids from the catalog.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    KeyStep keys,
    RefusalResponder refusals,
    EndpointPolicyCache policies,
    ApiKeyChallenge challenge,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private Refusal _failure = Refusal.KeyInvalid;
    private ResolvedKey? _key;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = (Context.Features.Get<IApiKeyFeature>() as RequestState)?.Key;
        var now = time.GetUtcNow();
        if (key is null)
        {
            // WebApplication runs authentication before UseApiErrorCatalog: a failing store is a 503 here too, not a 500.
            var found = await keys.FindAsync(Context, now, Context.RequestAborted).ConfigureAwait(false);
            switch (found.Presented)
            {
                case PresentedKey.Missing:
                    return AuthenticateResult.NoResult();
                case PresentedKey.Malformed:
                    return AuthenticateResult.Fail("The API key is malformed.");
            }

            if (found.Refusal == Refusal.StoreUnavailable)
            {
                _failure = Refusal.StoreUnavailable;
                return AuthenticateResult.Fail("The key store failed.");
            }

            if (found.Key is null)
            {
                return AuthenticateResult.Fail("The API key is invalid.");
            }

            key = found.Key;
            now = found.Now;
        }

        _key = key;

        // The key's own checks (state, expiry, IP allow-list); an endpoint's plans and scopes are authorization's.
        if (KeyStep.CheckAccess(Context, key, EndpointPolicy.Default, now, out _) is { } refusal)
        {
            // A challenge answers with the key's own refusal (revoked, payment required…), as the middleware would.
            _failure = refusal;
            return AuthenticateResult.Fail(refusal == Refusal.IpNotAllowed
                ? "The API key may not be used from this address."
                : $"The API key is {(key.State == ApiKeyState.Active ? "expired" : key.State.ToString())}.");
        }

        // A copy per request, as the framework's own handlers build one: claims transformations add identities to
        // the principal they are given, or claims to its identity, and the key's principal is shared by all its
        // requests. Identities are copied too (ClaimsPrincipal.Clone shares them).
        var principal = new ClaimsPrincipal(key.Principal.Identities.Select(static identity => identity.Clone()));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteAsync(keys.IsMissing(Request) ? Refusal.KeyMissing : _failure);

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await WriteAsync(Refusal.InsufficientScope, await MissingScopeAsync().ConfigureAwait(false)).ConfigureAwait(false);

    private Task WriteAsync(Refusal refusal, string? scope = null)
    {
        // The middleware's own filling (header, plan, tier, expiredAt, scope, upgradeUrl, retryAfter), so a body
        // reads the same whichever of the two answered.
        var retryAfter = refusal == Refusal.StoreUnavailable ? KeyStep.StoreRetryAfter : (TimeSpan?)null;
        var error = refusals.Error(refusal, _key, scope, retryAfter);
        challenge.AddTo(Response.Headers, error.Status);
        if (retryAfter is { } wait)
        {
            Response.Headers.RetryAfter = HeaderValues.Integer(ApiError.ToWholeSeconds(wait));
        }

        return ApiErrorWriter.WriteAsync(Response, error, Context.GetErrorContext()).AsTask();
    }

    /// <summary>
    /// The first scope the key lacks: the endpoint's <c>RequireScope</c>, then a scope claim its authorization
    /// policies require, found as AuthorizationMiddleware combines them; null when the refusal was about something else.
    /// </summary>
    private async Task<string?> MissingScopeAsync()
    {
        if (_key is not { } key || Context.GetEndpoint() is not { } endpoint)
        {
            return null;
        }

        foreach (var scope in policies.For(endpoint).Scopes)
        {
            if (!key.Scopes.Contains(scope))
            {
                return scope;
            }
        }

        if (Context.RequestServices.GetService<IAuthorizationPolicyProvider>() is not { } provider)
        {
            return null;
        }

        var policy = await AuthorizationPolicy.CombineAsync(
            provider,
            endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(),
            endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>()).ConfigureAwait(false);
        foreach (var requirement in policy?.Requirements ?? [])
        {
            if (requirement is ClaimsAuthorizationRequirement { ClaimType: ApiKeyDefaults.ScopeClaimType, AllowedValues: { } allowed }
                && !allowed.Any(key.Scopes.Contains)
                && allowed.FirstOrDefault() is { } needed)
            {
                return needed;
            }
        }

        return null;
    }
}

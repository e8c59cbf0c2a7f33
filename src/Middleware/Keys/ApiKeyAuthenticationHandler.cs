using System.Security.Claims;
using System.Text.Encodings.Web;
using ErrorCatalog;
using Microsoft.AspNetCore.Authentication;
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
    RefusalMap refusals,
    ApiKeyChallenge challenge,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private Refusal _failure = Refusal.KeyInvalid;
    private DateTimeOffset? _expiredAt;

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

        // The key's own checks (state, expiry, IP allow-list); an endpoint's plans and scopes are authorization's.
        if (KeyStep.CheckAccess(Context, key, EndpointPolicy.Default, now, out _) is { } refusal)
        {
            // A challenge answers with the key's own refusal (revoked, payment required…), as the middleware would.
            _failure = refusal;
            _expiredAt = key.Record.ExpiresAt;
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

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => WriteAsync(Refusal.InsufficientScope);

    private Task WriteAsync(Refusal refusal)
    {
        var error = new ApiError(refusals[refusal]);
        challenge.AddTo(Response.Headers, error.Status);
        if (_expiredAt is { } expiredAt)
        {
            error.TrySet("expiredAt", expiredAt);
        }

        if (refusal == Refusal.StoreUnavailable)
        {
            error.TrySet("retryAfter", KeyStep.StoreRetryAfter);
            Response.Headers.RetryAfter = HeaderValues.Integer(ApiError.ToWholeSeconds(KeyStep.StoreRetryAfter));
        }

        return ApiErrorWriter.WriteAsync(Response, error, Context.GetErrorContext()).AsTask();
    }
}

using System.Text.Encodings.Web;
using ErrorCatalog;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The <c>ApiKey</c> authentication scheme, so the framework's authorization (<c>[Authorize]</c>, policies on
/// <see cref="ApiKeyClaimTypes"/>) works with keys. It reuses the middleware's resolution when that already ran,
/// and answers challenges and forbids from the catalog.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiErrorCatalogRuntime runtime)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = (Context.Features.Get<IApiKeyFeature>() as RequestState)?.Key;
        if (key is null)
        {
            switch (runtime.Reader.Read(Request, out var hash))
            {
                case PresentedKey.Missing:
                    return AuthenticateResult.NoResult();
                case PresentedKey.Malformed:
                    return AuthenticateResult.Fail("The API key is malformed.");
            }

            key = await runtime.Resolver.FindAsync(hash, Context.RequestAborted).ConfigureAwait(false);
            if (key is null)
            {
                return AuthenticateResult.Fail("The API key is invalid.");
            }
        }

        if (key.State != ApiKeyState.Active || key.Record.ExpiresAt <= runtime.Time.GetUtcNow())
        {
            return AuthenticateResult.Fail($"The API key is {(key.State == ApiKeyState.Active ? "expired" : key.State.ToString())}.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(key.Principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteAsync(runtime.Reader.Read(Request, out _) == PresentedKey.Missing ? Refusal.KeyMissing : Refusal.KeyInvalid);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => WriteAsync(Refusal.InsufficientScope);

    private Task WriteAsync(Refusal refusal)
    {
        var error = new ApiError(runtime.Refusals[refusal]);
        return ApiErrorWriter.WriteAsync(Response, error, Context.GetErrorContext()).AsTask();
    }
}

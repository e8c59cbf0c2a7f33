using System.Security.Claims;

namespace ErrorCatalog.Middleware;

/// <summary>The identity of a <see cref="SharedKeyPrincipal"/>: read-only for the same reason. Its
/// <see cref="ClaimsIdentity.Clone"/> is an ordinary, mutable identity.</summary>
internal sealed class SharedKeyIdentity(IEnumerable<Claim> claims)
    : ClaimsIdentity(claims, ApiKeyDefaults.AuthenticationScheme, ApiKeyDefaults.KeyIdClaimType, ClaimTypes.Role)
{
    public override void AddClaim(Claim claim) => throw ReadOnly(Name);

    public override void AddClaims(IEnumerable<Claim?> claims) => throw ReadOnly(Name);

    public override void RemoveClaim(Claim? claim) => throw ReadOnly(Name);

    public override bool TryRemoveClaim(Claim? claim) => throw ReadOnly(Name);

    internal static InvalidOperationException ReadOnly(string? keyId) => new(
        $"The principal of API key '{keyId}' is shared by all of its requests: its claims and identities cannot be added "
        + "or removed. For claims per request, authenticate with the ApiKey scheme (as the default scheme, "
        + "AddAuthentication(ApiKeyDefaults.AuthenticationScheme).AddApiKey(), or named by an authorization policy) and add "
        + "them in an IClaimsTransformation, which gets a copy; or set HttpContext.User to a copy "
        + "(new ClaimsPrincipal(user.Identities.Select(i => i.Clone()))).");
}

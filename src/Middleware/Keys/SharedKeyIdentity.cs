using System.Security.Claims;

namespace ErrorCatalog.Middleware;

/// <summary>The identity of a <see cref="SharedKeyPrincipal"/>: read-only for the same reason. Its
/// <see cref="ClaimsIdentity.Clone"/> is an ordinary, mutable identity.</summary>
internal sealed class SharedKeyIdentity(IEnumerable<Claim> claims)
    : ClaimsIdentity(claims, ApiKeyDefaults.AuthenticationScheme, ApiKeyClaimTypes.KeyId, ClaimTypes.Role)
{
    public override void AddClaim(Claim claim) => throw ReadOnly(Name);

    public override void AddClaims(IEnumerable<Claim?> claims) => throw ReadOnly(Name);

    public override void RemoveClaim(Claim? claim) => throw ReadOnly(Name);

    public override bool TryRemoveClaim(Claim? claim) => throw ReadOnly(Name);

    internal static InvalidOperationException ReadOnly(string? keyId) => new(
        $"The principal of API key '{keyId}' is shared by all of its requests and is read-only. For claims per request, "
        + "add the ApiKey authentication scheme (AddAuthentication().AddApiKey()) with an IClaimsTransformation, which "
        + "gets a copy, or set HttpContext.User to a copy (new ClaimsPrincipal(user.Identities.Select(i => i.Clone()))).");
}

using System.Security.Claims;

namespace ErrorCatalog.Middleware;

/// <summary>
/// A key's principal, built once and shared by all of the key's requests (<see cref="Microsoft.AspNetCore.Http.HttpContext.User"/> costs no
/// allocation per request). Read-only: adding an identity would pile up on every later request of the key, so it
/// throws and says what to do instead. The ApiKey authentication scheme hands each request a mutable copy.
/// </summary>
internal sealed class SharedKeyPrincipal(SharedKeyIdentity identity) : ClaimsPrincipal(identity)
{
    public override void AddIdentity(ClaimsIdentity identity) => throw SharedKeyIdentity.ReadOnly(Identity?.Name);

    public override void AddIdentities(IEnumerable<ClaimsIdentity> identities) => throw SharedKeyIdentity.ReadOnly(Identity?.Name);
}

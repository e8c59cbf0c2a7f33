using System.ComponentModel.DataAnnotations;

namespace Proceeds.Keys;

/// <summary>The body of <c>POST /v1/keys</c>: the new key's scopes, each one the creating key holds.</summary>
public sealed record CreateKeyRequest
{
    /// <summary>Scopes of the new key.</summary>
    [Required]
    [MinLength(1)]
    public List<string>? Scopes { get; init; }
}

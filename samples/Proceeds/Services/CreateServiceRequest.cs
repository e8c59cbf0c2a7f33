using System.ComponentModel.DataAnnotations;

namespace Proceeds.Services;

/// <summary>The body of <c>POST /v1/services</c>.</summary>
public sealed record CreateServiceRequest
{
    /// <summary>Shown to payers.</summary>
    [Required]
    [StringLength(120, MinimumLength = 1)]
    public string? Name { get; init; }
}

using System.ComponentModel.DataAnnotations;

namespace Proceeds.Paywalls;

/// <summary>
/// The body of <c>POST /v1/paywalls</c>, validated by the framework (<c>AddValidation()</c>): a violation answers
/// 400 VALIDATION_ERROR with the field errors as <c>details</c>.
/// </summary>
public sealed record CreatePaywallRequest
{
    /// <summary>Unique within the account: lowercase letters, digits and dashes.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{1,62}$", ErrorMessage = "The slug must be 2 to 63 lowercase letters, digits or dashes.")]
    public string? Slug { get; init; }

    /// <summary>Shown to payers.</summary>
    [Required]
    [StringLength(120, MinimumLength = 1)]
    public string? Name { get; init; }

    /// <summary>The price of one access, in USD.</summary>
    [Range(typeof(decimal), "0.01", "1000000")]
    public decimal PriceUsd { get; init; }

    /// <summary>The EVM address that receives payments.</summary>
    [Required]
    public string? Wallet { get; init; }

    /// <summary>The upstream URL the paywall protects (optional).</summary>
    [Url]
    public string? TargetUrl { get; init; }

    /// <summary>The account's service the paywall belongs to (optional); another id answers 400 INVALID_SERVICE.</summary>
    public string? ServiceId { get; init; }
}

using System.Text.Json.Serialization;

namespace Proceeds.Paywalls;

/// <summary>A paywall as the API returns it.</summary>
public sealed record Paywall(string Id, string Slug, string Name, decimal PriceUsd, string Wallet, string? TargetUrl, DateTimeOffset CreatedAt, string? ServiceId = null)
{
    /// <summary>The account (subscription) that owns it; not part of the response.</summary>
    [JsonIgnore]
    public string Owner { get; init; } = string.Empty;
}

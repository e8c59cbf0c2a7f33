using System.Text.Json.Serialization;

namespace Proceeds.Services;

/// <summary>A service: the API an account sells access to, grouping its paywalls.</summary>
public sealed record Service(string Id, string Name, DateTimeOffset CreatedAt)
{
    /// <summary>The account (subscription) that owns it; not part of the response.</summary>
    [JsonIgnore]
    public string Owner { get; init; } = string.Empty;
}

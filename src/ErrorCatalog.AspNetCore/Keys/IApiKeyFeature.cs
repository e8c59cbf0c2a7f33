namespace ErrorCatalog.Middleware;

/// <summary>The request's resolved key, for endpoints (<c>HttpContext.Features.Get&lt;IApiKeyFeature&gt;()</c>).</summary>
/// <remarks>
/// Valid while the request runs, like the <c>HttpContext</c> it comes from: the object is pooled and serves a later
/// request once this one ends. Copy the values for work that outlives the request.
/// </remarks>
public interface IApiKeyFeature
{
    /// <summary>The key's id, or null for a request without a key.</summary>
    string? KeyId { get; }

    /// <summary>The key's subscription.</summary>
    string? SubscriptionId { get; }

    /// <summary>The key's plan.</summary>
    string? Plan { get; }

    /// <summary>Credits the request was charged.</summary>
    long CreditCount { get; }

    /// <summary>Whether the request was admitted past a quota, as overage.</summary>
    bool IsOverage { get; }
}

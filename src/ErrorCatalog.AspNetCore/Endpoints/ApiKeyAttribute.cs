using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Middleware;

/// <summary>
/// What a controller, action or minimal-API handler asks of the request's API key and what it costs: the attribute
/// form of <c>ApiKeyOptional()</c>, <c>RequireApiKey()</c>, <c>RequirePlan(...)</c>, <c>RequireScope(...)</c>,
/// <c>WithCredits(n)</c>, <c>WithJsonRpcCredits()</c> and <c>ExemptFromLimits()</c>, with the same meaning
/// (<c>[ApiKey(Plans = ["pro"], Scopes = ["rates:read"], Credits = 5)]</c>). Several combine as the conventions do:
/// plans and scopes add up, the most specific credit cost wins.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiKeyAttribute : Attribute
{
    private long _credits = -1;
    private string[] _plans = [];
    private string[] _scopes = [];

    /// <summary>A key is optional: a request without one is admitted (a wrong key is still refused).</summary>
    public bool Optional { get; set; }

    /// <summary>
    /// A key is required even where keys are optional by default. A bare <c>[ApiKey]</c>, with no setting, means
    /// this too: it reads as "this endpoint takes a key".
    /// </summary>
    public bool Required { get; set; }

    /// <summary>Only keys whose plan is, or includes the feature, one of these (else PlanNotAuthorized).</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public string[] Plans
    {
        get => _plans;
        set => _plans = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Only keys holding every one of these scopes (else InsufficientScope).</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public string[] Scopes
    {
        get => _scopes;
        set => _scopes = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Credits each request costs; unset, the configured <c>DefaultCredits</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public long Credits
    {
        get => Math.Max(_credits, 0);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _credits = value;
        }
    }

    /// <summary>The cost comes from the JSON-RPC method(s) in the body (<c>ApiErrorCatalog:JsonRpc</c>).</summary>
    public bool JsonRpcCredits { get; set; }

    /// <summary>The requests count against no limit.</summary>
    public bool ExemptFromLimits { get; set; }

    private bool IsBare => !Optional && !Required && _plans.Length == 0 && _scopes.Length == 0 && _credits < 0 && !JsonRpcCredits && !ExemptFromLimits;

    /// <summary>
    /// <paramref name="metadata"/> with each <see cref="ApiKeyAttribute"/> replaced, in place, by the metadata its
    /// settings stand for, so the endpoint's policy reads one kind of metadata whichever way it was declared.
    /// </summary>
    internal static EndpointMetadataCollection Expand(EndpointMetadataCollection metadata)
    {
        if (metadata.GetMetadata<ApiKeyAttribute>() is null)
        {
            return metadata;
        }

        var items = new List<object>(metadata.Count + 4);
        foreach (var item in metadata)
        {
            if (item is not ApiKeyAttribute key)
            {
                items.Add(item);
                continue;
            }

            if (key.Optional)
            {
                items.Add(ApiKeyOptionalAttribute.Instance);
            }

            if (key.Required || key.IsBare)
            {
                items.Add(ApiKeyRequiredAttribute.Instance);
            }

            if (key.Plans.Length > 0)
            {
                items.Add(new RequirePlanAttribute(key.Plans));
            }

            if (key.Scopes.Length > 0)
            {
                items.Add(new RequireScopeAttribute(key.Scopes));
            }

            if (key._credits >= 0)
            {
                items.Add(new CreditsAttribute(key._credits));
            }

            if (key.JsonRpcCredits)
            {
                items.Add(JsonRpcCreditsAttribute.Instance);
            }

            if (key.ExemptFromLimits)
            {
                items.Add(ExemptFromLimitsAttribute.Instance);
            }
        }

        return new EndpointMetadataCollection(items);
    }
}

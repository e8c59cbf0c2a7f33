namespace ErrorCatalog;

/// <summary>
/// Request state the middleware records for error bodies (plan, cost, start time), so an error written
/// later by an endpoint carries the same <c>$plan</c>, <c>$creditCount</c> and <c>$elapsed</c>.
/// </summary>
internal interface IErrorContextFeature
{
    /// <summary>The caller's plan, if known.</summary>
    string? Plan { get; }

    /// <summary>Credits charged to the request.</summary>
    long CreditCount { get; }

    /// <summary>When the request started, from <see cref="TimeProvider.GetTimestamp"/>.</summary>
    long StartTimestamp { get; }
}

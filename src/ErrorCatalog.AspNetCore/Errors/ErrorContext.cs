namespace ErrorCatalog;

/// <summary>
/// What the request adds to an error body: request id, path, time, cost. The middleware fills it from the
/// request; <see cref="ApiErrorHttpExtensions"/> builds one from an <c>HttpContext</c>.
/// </summary>
internal readonly record struct ErrorContext
{
    /// <summary>The request id, as in the server's log line (<c>$requestId</c>).</summary>
    public string? RequestId { get; init; }

    /// <summary>The request path (<c>$instance</c>).</summary>
    public string? Instance { get; init; }

    /// <summary>When the answer is written (<c>$timestamp</c>); default means unset.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Milliseconds the request took so far (<c>$elapsed</c>), if known.</summary>
    public long? ElapsedMilliseconds { get; init; }

    /// <summary>Credits charged to the request (<c>$creditCount</c>).</summary>
    public long CreditCount { get; init; }

    /// <summary>The caller's plan (<c>$plan</c>), if known.</summary>
    public string? Plan { get; init; }

    /// <summary>
    /// Structured details (<c>$details</c>, such as validation errors) or a success body's data (<c>$data</c>),
    /// serialized with System.Text.Json.
    /// </summary>
    public object? Details { get; init; }

    /// <summary>Serializer options for <see cref="Details"/> (default: web defaults).</summary>
    public System.Text.Json.JsonSerializerOptions? JsonOptions { get; init; }

    /// <summary>The HTTP status of a success body (<c>$status</c> in a success shape).</summary>
    public int SuccessStatus { get; init; }
}

namespace ErrorCatalog;

/// <summary>
/// What the request adds to an error body: request id, path, time, cost. The middleware fills it from the
/// request; <see cref="ApiErrorHttpExtensions"/> builds one from an <c>HttpContext</c>.
/// </summary>
public readonly record struct ErrorContext
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
}

using System.ComponentModel;

namespace ErrorCatalog.CodeGeneration;

/// <summary>
/// A value that is not a placeholder of the error: the entry's own fields and the request's
/// (<c>{$code}</c>, <c>{$requestId}</c> in errors.yaml). An absent value (no numeric code, no request id)
/// leaves its field out of the body.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum SystemValue : byte
{
    /// <summary>Not a system value.</summary>
    None = 0,
    /// <summary><c>$type</c>: the problem type URI.</summary>
    Type,
    /// <summary><c>$title</c>: the entry's title.</summary>
    Title,
    /// <summary><c>$status</c>: the HTTP status, a number.</summary>
    Status,
    /// <summary><c>$detail</c>: the detail template with its placeholders filled.</summary>
    Detail,
    /// <summary><c>$instance</c>: the request path.</summary>
    Instance,
    /// <summary><c>$code</c>: the machine code.</summary>
    Code,
    /// <summary><c>$numericCode</c>: the numeric code, a number.</summary>
    NumericCode,
    /// <summary><c>$resolution</c>: the resolution hint.</summary>
    Resolution,
    /// <summary><c>$requestId</c>: the request id (the one in the server's log line).</summary>
    RequestId,
    /// <summary><c>$timestamp</c>: when the answer was written, ISO 8601 UTC.</summary>
    Timestamp,
    /// <summary><c>$elapsed</c>: milliseconds since the request started, a number.</summary>
    Elapsed,
    /// <summary><c>$creditCount</c>: credits the request was charged, a number.</summary>
    CreditCount,
    /// <summary><c>$plan</c>: the plan (tier) of the caller's key.</summary>
    Plan,
    /// <summary><c>$args</c>: every placeholder of the error, as JSON properties.</summary>
    Arguments,
    /// <summary><c>$data</c>: in a success shape, the endpoint's result, serialized with System.Text.Json.</summary>
    Data,
    /// <summary><c>$details</c>: structured details of an error (validation errors), serialized; <c>null</c> when none.</summary>
    Details,
}

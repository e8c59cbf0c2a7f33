using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ErrorCatalog;

// The three ways out: ProblemDetails for MVC, IResult for minimal APIs, IActionResult for controllers.
// A handler can `return ApiErrors.NotFound(pair);` whatever it returns, except ActionResult<T>: that calls ToActionResult().
public partial struct ApiError : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IActionResult
{
    readonly int? IStatusCodeHttpResult.StatusCode => Descriptor?.Status;

    // The entry's own shape; an endpoint's WithErrorShape can change what is written (see ExecuteAsync).
    readonly string? IContentTypeHttpResult.ContentType => Descriptor?.Shape.ContentType;

    /// <summary>Writes the error to the response in the endpoint's shape (see <see cref="IErrorShapeMetadata"/>).</summary>
    public readonly Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (Descriptor is null)
        {
            throw new InvalidOperationException("The error is default: create it with a generated factory or from a descriptor.");
        }

        // A descriptor built by hand outside any catalog has only its own shape.
        var shape = Descriptor.Catalog is { } catalog ? httpContext.GetErrorShape(catalog) : null;
        var pending = ApiErrorWriter.WriteAsync(httpContext.Response, this, httpContext.GetErrorContext(), shape);
        return pending.IsCompletedSuccessfully ? Task.CompletedTask : pending.AsTask();
    }

    /// <inheritdoc />
    readonly Task IActionResult.ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ExecuteAsync(context.HttpContext);
    }

    /// <summary>
    /// This error as an <see cref="ActionResult"/>, for controller actions returning <c>ActionResult&lt;T&gt;</c>
    /// (<c>return ApiErrors.NotFound(id).ToActionResult();</c>): C# applies one user-defined conversion, and
    /// <c>ActionResult&lt;T&gt;</c> converts only from <see cref="ActionResult"/> or <c>T</c>. Allocates one small object;
    /// an action returning <see cref="IActionResult"/>, or a minimal-API handler, returns the error itself.
    /// </summary>
    public readonly ActionResult ToActionResult()
    {
        ApiErrorHttpExtensions.AssertNotDefault(this);
        return new ApiErrorActionResult(this);
    }

    /// <summary>This error as an <see cref="IResult"/> for minimal APIs.</summary>
    public readonly IResult ToResult() => this;

    /// <summary>
    /// This error as an <see cref="IResult"/> written in <paramref name="shape"/> (null: the endpoint's or the entry's
    /// own), with <paramref name="details"/> serialized where the shape writes <c>$details</c>.
    /// </summary>
    public readonly IResult ToResult(BodyShape? shape, object? details = null) =>
        shape is null && details is null ? this : new ShapedErrorResult(this, shape, details);

    /// <summary>
    /// This error as <see cref="ProblemDetails"/> (for MVC's <c>Problem(...)</c> or <c>IProblemDetailsService</c>):
    /// type, title, status, detail, instance, and the extensions code, numericCode, requestId and every placeholder.
    /// </summary>
    internal readonly ProblemDetails ToProblemDetails(in ErrorContext context = default)
    {
        ApiErrorHttpExtensions.AssertNotDefault(this);
        var descriptor = Descriptor;
        var problem = new ProblemDetails
        {
            Type = descriptor.Type,
            Title = descriptor.Title,
            Status = descriptor.Status,
            Detail = ApiErrorWriter.FormatDetail(this, context),
            Instance = context.Instance,
        };
        problem.Extensions["code"] = descriptor.Code;
        if (descriptor.NumericCode is { } number)
        {
            problem.Extensions["numericCode"] = number;
        }

        if (context.RequestId is not null)
        {
            problem.Extensions["requestId"] = context.RequestId;
        }

        var placeholders = descriptor.Placeholders;
        for (var i = 0; i < placeholders.Length; i++)
        {
            if (IsSet(i))
            {
                problem.Extensions[placeholders[i].Name] = GetValue(placeholders[i].Kind, this[i]);
            }
        }

        return problem;
    }

    /// <summary>This error as <see cref="ProblemDetails"/>, with the request's id and path.</summary>
    public readonly ProblemDetails ToProblemDetails(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return ToProblemDetails(httpContext.GetErrorContext());
    }

    /// <summary>The value of a placeholder with its .NET type (boxed; for ProblemDetails and logs).</summary>
    internal static object? GetValue(PlaceholderKind kind, in ErrorArgument argument) => kind switch
    {
        PlaceholderKind.String => argument.Text,
        PlaceholderKind.Int32 => (int)argument.Number,
        PlaceholderKind.Int64 or PlaceholderKind.Seconds => argument.Number,
        PlaceholderKind.Timestamp => new DateTimeOffset(argument.Number, TimeSpan.Zero),
        PlaceholderKind.UnixTime => (argument.Number - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond,
        PlaceholderKind.Boolean => argument.Number != 0,
        _ => argument.Number,
    };
}

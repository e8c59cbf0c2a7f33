using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ErrorCatalog;

/// <summary>
/// An <see cref="IProblemDetailsWriter"/> that answers the framework's problems (validation, status-code pages,
/// the exception handler) with catalog entries, so they share the API's codes and body shape. The problem's
/// detail fills a <c>reason</c> placeholder; validation errors become <c>$details</c>.
/// </summary>
internal sealed class CatalogProblemDetailsWriter(IOptions<ApiErrorProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => Find(context) is not null;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var error = new ApiError(Find(context)!);
        var problem = context.ProblemDetails;
        error.TrySet("reason", problem.Detail ?? problem.Title ?? string.Empty);
        error.TrySet("resource", http.Request.Path.Value);
        var details = problem is HttpValidationProblemDetails validation ? validation.Errors : null;
        var errorContext = http.GetErrorContext() with { Details = details };
        return ApiErrorWriter.WriteAsync(http.Response, error, errorContext, http.GetErrorShape(error.Descriptor.Catalog));
    }

    private ErrorDescriptor? Find(ProblemDetailsContext context)
    {
        var value = options.Value;
        var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
        return value.Catalog is { } catalog && value.StatusErrors.TryGetValue(status, out var code) ? catalog.Find(code) : null;
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ErrorCatalog;

/// <summary>
/// An <see cref="IProblemDetailsWriter"/> that answers the framework's problems (validation, status-code pages,
/// the exception handler) with catalog entries, so they share the API's codes and body shape. The problem's
/// detail fills a <c>reason</c> placeholder; validation errors become <c>$details</c>, keyed by JSON names.
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
        // Validation errors keyed by the body's JSON names (priceUsd, not PriceUsd), by the app's naming policy.
        var details = problem is HttpValidationProblemDetails validation
            ? ValidationErrorKeys.ToJsonNames(validation.Errors, http.RequestServices?.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions.PropertyNamingPolicy)
            : null;
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

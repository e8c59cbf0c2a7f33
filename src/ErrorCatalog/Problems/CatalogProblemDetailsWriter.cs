using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ErrorCatalog;

/// <summary>
/// An <see cref="IProblemDetailsWriter"/> that answers the framework's problems (validation, status-code pages,
/// the exception handler) with catalog entries, so they share the API's codes and body shape: the status's entry,
/// or the generic one with the real status (<see cref="StatusErrorMap"/>). The problem's detail (or its title, or the
/// status's reason phrase: "Method Not Allowed") fills a <c>reason</c> placeholder; validation errors become
/// <c>$details</c>, keyed by JSON names.
/// </summary>
internal sealed class CatalogProblemDetailsWriter(StatusErrorMap statuses) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => statuses.Find(Status(context)) is not null;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var status = Status(context);
        var error = new ApiError(statuses.Find(status)!);
        var problem = context.ProblemDetails;
        // A 5xx problem's detail may be an exception's message (the developer exception page): never sent.
        error.TrySet("reason", status >= 500 ? ReasonPhrases.GetReasonPhrase(status) : problem.Detail ?? problem.Title ?? ReasonPhrases.GetReasonPhrase(status));
        error.TrySet("resource", http.Request.Path.Value);
        // Validation errors keyed by the body's JSON names (priceUsd, not PriceUsd), by the app's naming policy.
        var details = problem is HttpValidationProblemDetails validation
            ? ValidationErrorKeys.ToJsonNames(validation.Errors, http.RequestServices?.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions.PropertyNamingPolicy)
            : null;
        var errorContext = http.GetErrorContext() with { Details = details };
        return ApiErrorWriter.WriteAsync(http.Response, error, errorContext, http.GetErrorShape(error.Descriptor.Catalog));
    }

    private static int Status(ProblemDetailsContext context) => context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
}

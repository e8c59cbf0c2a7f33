using System.Text.Json;
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
/// <remarks>
/// A 400, 413 or 415 that reaches this writer is taken as the framework's refusal before the endpoint's handler ran
/// (minimal-API binding leaves a bare status for <c>UseStatusCodePages</c>; validation writes its problem here), so it
/// costs no credits (<see cref="IBeforeEndpointFeature"/>). An endpoint's own 400 answered from the catalog
/// (<c>ApiErrors.X(...)</c>) never comes here and is charged.
/// </remarks>
internal sealed class CatalogProblemDetailsWriter(StatusErrorMap statuses) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => statuses.Find(Status(context)) is not null;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var status = Status(context);
        var problem = context.ProblemDetails;
        var errors = (problem as HttpValidationProblemDetails)?.Errors;
        var policy = errors is null ? null : http.RequestServices?.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions.PropertyNamingPolicy;
        return WriteAsync(http, statuses.Find(status)!, status, problem.Detail ?? problem.Title, errors, policy);
    }

    /// <summary>
    /// Writes <paramref name="descriptor"/> for the framework's problem of <paramref name="status"/>, with
    /// <paramref name="reason"/> in its <c>reason</c> placeholder and <paramref name="errors"/> (validation errors by
    /// member, renamed by <paramref name="policy"/>) as its details. MVC's model validation answers through this too.
    /// </summary>
    internal static ValueTask WriteAsync(HttpContext http, ErrorDescriptor descriptor, int status, string? reason, IDictionary<string, string[]>? errors, JsonNamingPolicy? policy)
    {
        var error = new ApiError(descriptor);
        if (status is StatusCodes.Status400BadRequest or StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType)
        {
            // Before the body is written: its credit_count then says 0.
            (http.Features[typeof(IErrorContextFeature)] as IBeforeEndpointFeature)?.AnsweredBeforeEndpoint();
        }

        // A 5xx problem's detail may be an exception's message (the developer exception page): never sent.
        error.TrySet("reason", status >= 500 ? ReasonPhrases.GetReasonPhrase(status) : reason ?? ReasonPhrases.GetReasonPhrase(status));
        error.TrySet("resource", http.Request.Path.Value);
        // Validation errors keyed by the body's JSON names (priceUsd, not PriceUsd), by the app's naming policy.
        var details = errors is null ? null : ValidationErrorKeys.ToJsonNames(errors, policy);
        var errorContext = http.GetErrorContext() with { Details = details };
        return ApiErrorWriter.WriteAsync(http.Response, error, errorContext, http.GetErrorShape(error.Descriptor.Catalog));
    }

    private static int Status(ProblemDetailsContext context) => context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
}

using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ErrorCatalog;

/// <summary>
/// Answers exceptions from the catalog (with <c>app.UseExceptionHandler()</c>): a bad request the framework
/// rejected (<see cref="BadHttpRequestException"/>: unreadable body, bad parameter) with the entry for its status,
/// anything else with <see cref="ApiErrorProblemDetailsOptions.UnhandledExceptionError"/>. The exception's message
/// is never sent for a 5xx.
/// </summary>
internal sealed class CatalogExceptionHandler(IOptions<ApiErrorProblemDetailsOptions> options) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var value = options.Value;
        if (value.Catalog is not { } catalog || httpContext.Response.HasStarted)
        {
            return false;
        }

        var code = exception is BadHttpRequestException bad && value.StatusErrors.TryGetValue(bad.StatusCode, out var mapped)
            ? mapped
            : value.UnhandledExceptionError;
        if (catalog.Find(code) is not { } descriptor)
        {
            return false;
        }

        var error = new ApiError(descriptor);
        if (exception is BadHttpRequestException request)
        {
            error.TrySet("reason", request.Message);
        }

        await ApiErrorWriter.WriteAsync(httpContext.Response, error, httpContext.GetErrorContext(), httpContext.GetErrorShape(catalog)).ConfigureAwait(false);
        return true;
    }
}

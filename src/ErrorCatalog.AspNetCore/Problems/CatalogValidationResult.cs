using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ErrorCatalog;

/// <summary>
/// A failed model validation of an <c>[ApiController]</c> action, answered with the catalog's 400 entry; the field
/// errors keyed by the JSON names of MVC's serializer options (<c>priceUsd</c>, not <c>PriceUsd</c>).
/// </summary>
internal sealed class CatalogValidationResult(ErrorDescriptor descriptor, ModelStateDictionary modelState) : ActionResult, IStatusCodeActionResult
{
    public int? StatusCode => descriptor.Status;

    public override Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var problem = new ValidationProblemDetails(modelState);
        var policy = http.RequestServices?.GetService<IOptions<JsonOptions>>()?.Value.JsonSerializerOptions.PropertyNamingPolicy;
        return CatalogProblemDetailsWriter.WriteAsync(http, descriptor, descriptor.Status, problem.Title, problem.Errors, policy).AsTask();
    }
}

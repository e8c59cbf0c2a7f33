using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace ErrorCatalog;

/// <summary>
/// An error as an <see cref="ActionResult"/> (<see cref="ApiError.ToActionResult"/>): the class C# needs to reach
/// <c>ActionResult&lt;T&gt;</c>, whose implicit conversion from <see cref="ActionResult"/> is the only one it may apply.
/// </summary>
internal sealed class ApiErrorActionResult(ApiError error) : ActionResult, IStatusCodeActionResult
{
    public int? StatusCode => error.Descriptor?.Status;

    public override Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return error.ExecuteAsync(context.HttpContext);
    }
}

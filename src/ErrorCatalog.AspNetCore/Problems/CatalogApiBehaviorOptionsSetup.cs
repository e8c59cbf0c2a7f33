using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ErrorCatalog;

/// <summary>
/// Answers <c>[ApiController]</c> model validation from the catalog: the entry <see cref="StatusErrorMap"/> finds for
/// 400, with the field errors as details (<c>errors</c> in the problem shape), as minimal-API validation is answered.
/// It replaces only the framework's own response factory, never one the app set
/// (<c>ConfigureApiBehaviorOptions</c>), and falls back to it while the catalog answers no 400.
/// </summary>
/// <remarks>
/// A post-configuration: MVC's own setup, registered by <c>AddControllers()</c> (usually after the catalog's services),
/// sets its factory unconditionally and would overwrite one configured before it.
/// </remarks>
internal sealed class CatalogApiBehaviorOptionsSetup(StatusErrorMap statuses) : IPostConfigureOptions<ApiBehaviorOptions>
{
    public void PostConfigure(string? name, ApiBehaviorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var framework = options.InvalidModelStateResponseFactory;
        if (framework is null || framework.Method.DeclaringType?.Assembly != typeof(ApiBehaviorOptions).Assembly)
        {
            return;
        }

        options.InvalidModelStateResponseFactory = context => statuses.Find(400) is { } descriptor
            ? new CatalogValidationResult(descriptor, context.ModelState)
            : framework(context);
    }
}

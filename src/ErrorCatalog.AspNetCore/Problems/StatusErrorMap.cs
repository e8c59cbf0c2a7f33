using System.Collections.Concurrent;
using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ErrorCatalog;

/// <summary>
/// The catalog entry answering an HTTP status the framework produced (405 from routing, 413 and 415 from body
/// binding, a bad request Kestrel let through): the entry <see cref="ApiErrorProblemDetailsOptions.StatusErrors"/>
/// names for it, else, for a status the framework answers on its own, the generic entry of its class (<c>StatusErrors[400]</c> for a 4xx, <c>StatusErrors[500]</c> or
/// <see cref="ApiErrorProblemDetailsOptions.UnhandledExceptionError"/> for a 5xx) answered with the real status, so
/// a 405 is never written as a framework problem nor claims another status.
/// </summary>
internal sealed class StatusErrorMap(IOptions<ApiErrorProblemDetailsOptions> options)
{
    // A generic entry answering another status, made once per status; keyed by the generic entry too, since options
    // may name another catalog after a reload.
    private readonly ConcurrentDictionary<(ErrorDescriptor Generic, int Status), ErrorDescriptor> _derived = new();

    /// <summary>The statuses the framework answers on its own (routing, body reading, binding, the exception handler).</summary>
    private static readonly FrozenSet<int> FrameworkStatuses = FrozenSet.ToFrozenSet(
    [
        StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status405MethodNotAllowed,
        StatusCodes.Status406NotAcceptable, StatusCodes.Status408RequestTimeout, StatusCodes.Status411LengthRequired,
        StatusCodes.Status413PayloadTooLarge, StatusCodes.Status414UriTooLong, StatusCodes.Status415UnsupportedMediaType,
        StatusCodes.Status417ExpectationFailed, StatusCodes.Status431RequestHeaderFieldsTooLarge,
        StatusCodes.Status500InternalServerError,
    ]);

    /// <summary>The entry answering <paramref name="status"/>, or null when the catalog answers none (the framework's writer then does).</summary>
    public ErrorDescriptor? Find(int status)
    {
        var value = options.Value;
        if (value.Catalog is not { } catalog || status is < 400 or > 599)
        {
            return null;
        }

        if (value.StatusErrors.TryGetValue(status, out var code))
        {
            return catalog.Find(code);
        }

        if (!FrameworkStatuses.Contains(status))
        {
            // An app's own problem (Results.Problem(statusCode: 409)) keeps the framework's writer: relabelling it with
            // the generic entry's code would break clients that branch on the code.
            return null;
        }

        var generic = status < 500
            ? value.StatusErrors.TryGetValue(400, out var client) ? catalog.Find(client) : null
            : value.StatusErrors.TryGetValue(500, out var server) ? catalog.Find(server) : catalog.Find(value.UnhandledExceptionError);
        return generic is null || generic.Status == status ? generic : _derived.GetOrAdd((generic, status), static key => WithStatus(key.Generic, key.Status));
    }

    /// <summary>
    /// The entry with another status. A numeric code that is the entry's HTTP status ("otherwise the HTTP status code
    /// for the general error type is returned", as CoinMarketCap documents) becomes the new status too.
    /// </summary>
    internal static ErrorDescriptor WithStatus(ErrorDescriptor generic, int status)
    {
        var numericCode = generic.NumericCode == generic.Status ? status : generic.NumericCode;
        return new ErrorDescriptor(
            generic.Code,
            numericCode,
            status,
            generic.Title,
            generic.Detail,
            generic.Resolution,
            generic.Type,
            Refusal.None,
            generic.Placeholders,
            generic.Headers,
            generic.ShapeName)
        {
            Catalog = generic.Catalog,
            Shape = generic.Shape,
        };
    }
}

namespace ErrorCatalog;

/// <summary>
/// Which catalog entry answers the framework's own problems: statuses it produces (validation 400, status-code
/// pages 404, 405…) and unhandled exceptions.
/// </summary>
public sealed class ApiErrorProblemDetailsOptions
{
    /// <summary>
    /// The catalog the entries come from, over the library's default catalog: a code it does not declare
    /// (<c>INTERNAL_SERVER_ERROR</c>, <c>NOT_FOUND</c>) is the default catalog's entry. Null: the framework's own
    /// problem details answer.
    /// </summary>
    public ApiErrorCatalog? Catalog { get; set; }

    /// <summary>
    /// Catalog code by HTTP status (<c>400: VALIDATION_ERROR</c>, <c>404: NOT_FOUND</c>). A status not listed is
    /// answered by the entry of <c>400</c> (a 4xx) or <c>500</c>/<see cref="UnhandledExceptionError"/> (a 5xx) with its
    /// own status, so the framework's 405, 413 and 415 share the API's body too.
    /// </summary>
    public Dictionary<int, string> StatusErrors { get; set; } = [];

    /// <summary>The code answering an unhandled exception (a 5xx entry). Default <c>INTERNAL_SERVER_ERROR</c>.</summary>
    public string UnhandledExceptionError { get; set; } = "INTERNAL_SERVER_ERROR";
}

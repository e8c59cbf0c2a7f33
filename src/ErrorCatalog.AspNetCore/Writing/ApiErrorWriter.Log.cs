using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ErrorCatalog;

internal static partial class ApiErrorWriter
{
    /// <summary>
    /// One line per error answered, carrying the request id its body carries, so a client's report finds the server's
    /// line. The logger comes from the request's services (absent: nothing is logged); with the level off nothing else
    /// is done, and the request id is read only for a line that is written.
    /// </summary>
    private static void LogAnswered(HttpResponse response, in ApiError error, in ErrorContext context)
    {
        var http = response.HttpContext;
        if (http.RequestServices?.GetService(typeof(ILogger<ApiError>)) is ILogger logger && logger.IsEnabled(LogLevel.Information))
        {
            Log.Answered(logger, context.RequestId ?? http.TraceIdentifier, error.Descriptor.Status, error.Descriptor.Code);
        }
    }

    private static partial class Log
    {
        // Information, as the middleware's refusal line: an error answered is a normal outcome, not a server fault.
        [LoggerMessage(1, LogLevel.Information, "Request {RequestId} answered {StatusCode} {Code}", EventName = "ErrorAnswered")]
        public static partial void Answered(ILogger logger, string requestId, int statusCode, string code);
    }
}

using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog;

/// <summary>
/// Writes catalog errors: as JSON into any <see cref="Utf8JsonWriter"/>, or as a whole response (status,
/// headers, Content-Type, Content-Length and body) with reused per-thread storage, allocating nothing once warm.
/// </summary>
internal static partial class ApiErrorWriter
{
    /// <summary>The catalog's encoder, so texts encoded when entries were built and texts written now agree.</summary>
    public static JavaScriptEncoder Encoder => CatalogJson.Encoder;

    /// <summary>Writes the error's body in <paramref name="shape"/> (default: the entry's shape).</summary>
    public static void WriteBody(Utf8JsonWriter writer, in ApiError error, in ErrorContext context, BodyShape? shape = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        EnsureDescriptor(error);
        var cache = WriterCache.Rent();
        try
        {
            WriteObject(writer, (shape ?? error.Descriptor.Shape).Root, error, context, cache);
        }
        finally
        {
            WriterCache.Return(cache);
        }
    }

    /// <summary>The error's body as UTF-8 bytes (a new array; for tests and logging, not the hot path).</summary>
    public static byte[] GetBodyBytes(in ApiError error, in ErrorContext context, BodyShape? shape = null)
    {
        EnsureDescriptor(error);
        var cache = WriterCache.Rent();
        try
        {
            WriteObject(cache.Json, (shape ?? error.Descriptor.Shape).Root, error, context, cache);
            cache.Json.Flush();
            return cache.Body.WrittenSpan.ToArray();
        }
        finally
        {
            WriterCache.Return(cache);
        }
    }

    /// <summary>The detail with its placeholders filled.</summary>
    public static string FormatDetail(in ApiError error, in ErrorContext context = default)
    {
        EnsureDescriptor(error);
        if (error.Descriptor.HasConstantDetail)
        {
            return Encoding.UTF8.GetString(error.Descriptor.Detail[0].Utf8!);
        }

        var cache = WriterCache.Rent();
        try
        {
            TemplateRenderer.Render(cache.Scratch, error.Descriptor.Detail, error, context);
            return Encoding.UTF8.GetString(cache.Scratch.WrittenSpan);
        }
        finally
        {
            WriterCache.Return(cache);
        }
    }

    /// <summary>
    /// Writes status, the entry's headers, Content-Type, Content-Length and the body to <paramref name="response"/>.
    /// The body is built in reused storage and copied into the response pipe, so it is sent with a length,
    /// not chunked, and nothing is allocated in steady state. Logs one Information line with the request id
    /// (category <c>ErrorCatalog.ApiError</c>) through the request's services.
    /// </summary>
    /// <exception cref="InvalidOperationException">The response has already started.</exception>
    public static ValueTask WriteAsync(HttpResponse response, in ApiError error, in ErrorContext context, BodyShape? shape = null)
    {
        EnsureWritable(response, error);
        LogAnswered(response, error, context);
        return WriteCoreAsync(response, error, context, shape ?? error.Descriptor.Shape, error.Descriptor.Status);
    }

    /// <summary>
    /// As <see cref="WriteAsync"/>, but leaves the response in the pipe, unflushed: it is sent when the request
    /// ends. For code that ends the request right after (a middleware refusing it), this saves a flush, which on
    /// Kestrel is a send of its own; code that goes on working after writing should use <see cref="WriteAsync"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The response has already started.</exception>
    public static void Write(HttpResponse response, in ApiError error, in ErrorContext context, BodyShape? shape = null)
    {
        EnsureWritable(response, error);
        LogAnswered(response, error, context);
        WriteCore(response, error, context, shape ?? error.Descriptor.Shape, error.Descriptor.Status);
    }

    /// <summary>
    /// As <see cref="Write"/>, without the log line: for a caller that logs the error its own way (the middleware's
    /// refusal line, with its reason and key id), so each error is logged once.
    /// </summary>
    internal static void WriteUnlogged(HttpResponse response, in ApiError error, in ErrorContext context, BodyShape? shape = null)
    {
        EnsureWritable(response, error);
        WriteCore(response, error, context, shape ?? error.Descriptor.Shape, error.Descriptor.Status);
    }

    /// <summary>As <see cref="WriteAsync"/>, without the log line (the exception handler logs a 5xx at Error with the exception).</summary>
    internal static ValueTask WriteUnloggedAsync(HttpResponse response, in ApiError error, in ErrorContext context, BodyShape? shape = null)
    {
        EnsureWritable(response, error);
        return WriteCoreAsync(response, error, context, shape ?? error.Descriptor.Shape, error.Descriptor.Status);
    }

    private static void EnsureWritable(HttpResponse response, in ApiError error)
    {
        ArgumentNullException.ThrowIfNull(response);
        EnsureDescriptor(error);
        if (response.HasStarted)
        {
            throw new InvalidOperationException($"Cannot write error '{error.Code}': the response has already started.");
        }
    }

    /// <summary>Status, the entry's headers (an error only), Content-Type, Content-Length, then the body, flushed.</summary>
    internal static ValueTask WriteCoreAsync(HttpResponse response, in ApiError error, in ErrorContext context, BodyShape shape, int status)
    {
        var pipe = WriteCore(response, error, context, shape, status);
        var flush = pipe.FlushAsync(response.HttpContext.RequestAborted);
        return flush.IsCompletedSuccessfully ? default : AwaitFlush(flush);

        static async ValueTask AwaitFlush(ValueTask<FlushResult> flush) => await flush.ConfigureAwait(false);
    }

    /// <summary>Status, the entry's headers (an error only), Content-Type, Content-Length, then the body, into the pipe.</summary>
    private static PipeWriter WriteCore(HttpResponse response, in ApiError error, in ErrorContext context, BodyShape shape, int status)
    {
        var cache = WriterCache.Rent();
        int length;
        PipeWriter pipe;
        try
        {
            response.StatusCode = status;
            if (error.Descriptor is not null)
            {
                WriteHeaders(response.Headers, error, context, cache);
            }

            response.ContentType = shape.ContentType;

            WriteObject(cache.Json, shape.Root, error, context, cache);
            cache.Json.Flush();
            var body = cache.Body.WrittenSpan;
            length = body.Length;
            response.ContentLength = length;

            pipe = response.BodyWriter;
            body.CopyTo(pipe.GetSpan(length));
            pipe.Advance(length);
        }
        finally
        {
            WriterCache.Return(cache);
        }

        return pipe;
    }

    /// <summary>Sets the headers the entry declares (<c>Retry-After</c> and the like); values never set are skipped.</summary>
    public static void WriteHeaders(IHeaderDictionary headers, in ApiError error, in ErrorContext context)
    {
        ArgumentNullException.ThrowIfNull(headers);
        EnsureDescriptor(error);
        var cache = WriterCache.Rent();
        try
        {
            WriteHeaders(headers, error, context, cache);
        }
        finally
        {
            WriterCache.Return(cache);
        }
    }

    private static void WriteHeaders(IHeaderDictionary headers, in ApiError error, in ErrorContext context, WriterCache cache)
    {
        var templates = error.Descriptor.Headers;
        for (var i = 0; i < templates.Length; i++)
        {
            var template = templates[i];
            if (FormatHeader(template.Value, error, context, cache) is { } value)
            {
                headers[template.Name] = value;
            }
        }
    }

    private static string? FormatHeader(TemplateSegment[] template, in ApiError error, in ErrorContext context, WriterCache cache)
    {
        // The common case, a header that is one number (Retry-After: {retryAfter}), uses the integer table.
        if (template.Length == 1 && template[0].Placeholder is { } name)
        {
            var index = error.Descriptor.IndexOf(name);
            if (!error.IsSet(index))
            {
                return null;
            }

            var kind = error.Descriptor.Placeholders[index].Kind;
            if (kind is PlaceholderKind.Int32 or PlaceholderKind.Int64 or PlaceholderKind.Seconds)
            {
                return HeaderValues.Integer(error[index].Number);
            }

            if (kind is PlaceholderKind.UnixTime)
            {
                return HeaderValues.Integer(TemplateRenderer.UnixSeconds(error[index].Number));
            }
        }

        var scratch = cache.Scratch;
        scratch.ResetWrittenCount();
        TemplateRenderer.Render(scratch, template, error, context);
        return HeaderValues.FromUtf8(scratch.WrittenSpan);
    }

    private static void EnsureDescriptor(in ApiError error)
    {
        if (error.Descriptor is null)
        {
            throw new ArgumentException("The error is default: create it with a generated factory or from a descriptor.", nameof(error));
        }
    }
}

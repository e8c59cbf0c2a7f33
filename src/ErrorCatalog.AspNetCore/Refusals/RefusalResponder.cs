using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Answers a refusal from the catalog: finds the entry answering it (<see cref="RefusalMap"/>, or the refusing
/// limit's), fills the placeholders the middleware knows by name (retryAfter, limit, used, remaining, cost, resetAt,
/// tierLimit, upgradeUrl, plan, tier, scope, header, expiredAt, window, reason), logs one line with the request id
/// the body carries, counts it, and writes it; a 401 with its <c>WWW-Authenticate</c> challenge.
/// </summary>
internal sealed partial class RefusalResponder(
    RefusalMap refusals,
    RateLimitHeaderWriter headers,
    ApiErrorCatalogMetrics metrics,
    ILogger<RefusalResponder> logger,
    TimeProvider time,
    string? upgradeUrl,
    string keyHeaderName,
    ApiKeyChallenge challenge)
{
    /// <summary>Whether the catalog answers <paramref name="refusal"/> (the optional ones may be missing).</summary>
    public bool Answers(Refusal refusal) => refusals.Answers(refusal);

    /// <summary>
    /// Answers a key, access, store or request refusal with its catalog entry, or <paramref name="answer"/> when the
    /// request chose one (a JSON-RPC body's own error); <paramref name="retryAfter"/> fills the placeholder and the
    /// header alike, <paramref name="why"/> the <c>{reason}</c> placeholder.
    /// </summary>
    public ValueTask RefuseAsync(HttpContext context, RequestState state, Refusal reason, string? scope = null, TimeSpan? retryAfter = null, string? why = null, ErrorDescriptor? answer = null)
    {
        var error = Error(answer ?? refusals[reason], state.Key, scope, retryAfter);
        if (why is not null)
        {
            SetText(ref error, "reason", why);
        }
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = HeaderValues.Integer(ApiError.ToWholeSeconds(wait));
        }

        return WriteAsync(context, state, ref error, reason);
    }

    /// <summary>
    /// The catalog error of a key, access or store refusal, every placeholder the middleware knows filled. Shared
    /// with the built-in rate limiter's refused lease, so both answer alike.
    /// </summary>
    public ApiError Error(Refusal refusal, ResolvedKey? key, string? scope = null, TimeSpan? retryAfter = null) =>
        Error(refusals[refusal], key, scope, retryAfter);

    private ApiError Error(ErrorDescriptor descriptor, ResolvedKey? key, string? scope = null, TimeSpan? retryAfter = null)
    {
        var error = new ApiError(descriptor);
        if (key is not null)
        {
            SetText(ref error, "plan", key.Plan.Name);
            SetText(ref error, "tier", key.Plan.Name);
            if (key.Record.ExpiresAt is { } expiredAt)
            {
                SetTime(ref error, "expiredAt", expiredAt);
            }
        }

        SetText(ref error, "scope", scope);
        SetText(ref error, "header", keyHeaderName);
        SetText(ref error, "upgradeUrl", upgradeUrl);
        if (retryAfter is { } wait)
        {
            SetSeconds(ref error, "retryAfter", wait);
        }

        return error;
    }

    public ValueTask RefuseLimitAsync(HttpContext context, RequestState state)
    {
        var error = LimitError(state.Batch, state.Key, out var retryAfter);
        var limit = state.Batch[state.Batch.RefusedIndex].Entry.Limit;

        // Retry-After on every limit refusal, whether or not the entry declares it.
        context.Response.Headers.RetryAfter = HeaderValues.Integer(ApiError.ToWholeSeconds(retryAfter));
        return WriteAsync(context, state, ref error, limit.Error.Refusal == Refusal.None ? LimitRefusal(limit) : limit.Error.Refusal);
    }

    /// <summary>
    /// The refusing limit's catalog error, every placeholder the middleware knows filled, and its Retry-After
    /// (whole seconds, at least 1). Shared with the built-in rate limiter's refused lease, so both answer alike.
    /// </summary>
    public ApiError LimitError(CounterBatch batch, ResolvedKey? key, out TimeSpan retryAfter)
    {
        ref var item = ref batch[batch.RefusedIndex];
        var limit = item.Entry.Limit;
        var error = new ApiError(limit.Error);
        retryAfter = TimeSpan.FromSeconds(Math.Max(1, ApiError.ToWholeSeconds(item.RetryAfter)));
        SetSeconds(ref error, "retryAfter", retryAfter);
        SetNumber(ref error, "limit", limit.PermitLimit);
        SetNumber(ref error, "used", item.Used);
        SetNumber(ref error, "remaining", item.Remaining);
        SetNumber(ref error, "cost", item.Cost);
        SetTime(ref error, "resetAt", batch.Now + retryAfter);
        SetText(ref error, "tierLimit", limit.Description);
        SetText(ref error, "window", limit.Name);
        SetText(ref error, "upgradeUrl", upgradeUrl);
        if (key is not null)
        {
            SetText(ref error, "plan", key.Plan.Name);
            SetText(ref error, "tier", key.Plan.Name);
        }

        return error;
    }

    private ValueTask WriteAsync(HttpContext context, RequestState state, ref ApiError error, Refusal reason)
    {
        // The request id is read only when something writes it: on Kestrel, TraceIdentifier makes its string on first
        // read, and a body shape without $requestId, with the log line off, needs none.
        var shape = state.Policy.Shape ?? error.Descriptor.Shape;
        var logged = logger.IsEnabled(LogLevel.Information);
        var requestId = logged || shape.UsesRequestId || error.Descriptor.UsesRequestId ? context.TraceIdentifier : null;
        headers.Write(context.Response.Headers, state.Batch, state.Key);
        challenge.AddTo(context.Response.Headers, error.Descriptor.Status);
        if (logged)
        {
            // The reason as its cached name: an enum argument would be boxed when the line is formatted.
            Log.Refused(logger, requestId!, error.Code, RefusalNames.Of(reason), state.Key?.Id);
        }

        metrics.Refused(state.Key?.Plan.Name, reason);

        var errorContext = new ErrorContext
        {
            RequestId = requestId,
            Instance = context.Request.Path.Value,
            Timestamp = time.GetUtcNow(),
            ElapsedMilliseconds = (long)time.GetElapsedTime(state.StartTimestamp).TotalMilliseconds,
            CreditCount = 0,
            Plan = state.Key?.Plan.Name,
        };
        // Unflushed: the request ends here, and Kestrel sends the response with its end (one send, not two).
        ApiErrorWriter.WriteUnlogged(context.Response, error, errorContext, shape);
        return default;
    }

    private static Refusal LimitRefusal(LimitDefinition limit) => limit.Kind switch
    {
        LimitKind.Concurrency => Refusal.ConcurrencyLimit,
        LimitKind.Credits => limit.Scope == LimitScope.Subscription ? Refusal.SubscriptionLimit : Refusal.CreditsLimit,
        _ => limit.Scope == LimitScope.Ip ? Refusal.IpLimit : Refusal.MinuteLimit,
    };

    // Setters that respect the type the catalog declared; a mismatch costs a conversion, never an exception. What each
    // fills, and as which types, is the generator's RefusalPlaceholders table (EC0029); RefusalPlaceholdersTests holds them to it.
    private static void SetNumber(ref ApiError error, string name, long value)
    {
        var index = error.Descriptor.IndexOf(name);
        if (index < 0)
        {
            return;
        }

        switch (error.Descriptor.Placeholders[index].Kind)
        {
            case PlaceholderKind.String:
                error.Set(index, HeaderValues.Integer(value));
                break;
            case PlaceholderKind.Seconds:
                error.Set(index, TimeSpan.FromSeconds(value));
                break;
            case PlaceholderKind.Int32 or PlaceholderKind.Int64:
                error.Set(index, value);
                break;
        }
    }

    private static void SetSeconds(ref ApiError error, string name, TimeSpan value)
    {
        var index = error.Descriptor.IndexOf(name);
        if (index >= 0 && error.Descriptor.Placeholders[index].Kind is PlaceholderKind.Seconds)
        {
            error.Set(index, value);
        }
        else if (index >= 0)
        {
            SetNumber(ref error, name, ApiError.ToWholeSeconds(value));
        }
    }

    private static void SetTime(ref ApiError error, string name, DateTimeOffset value)
    {
        var index = error.Descriptor.IndexOf(name);
        if (index >= 0 && error.Descriptor.Placeholders[index].Kind is PlaceholderKind.Timestamp or PlaceholderKind.UnixTime)
        {
            error.Set(index, value);
        }
    }

    private static void SetText(ref ApiError error, string name, string? value)
    {
        var index = error.Descriptor.IndexOf(name);
        if (index >= 0 && value is not null && error.Descriptor.Placeholders[index].Kind is PlaceholderKind.String)
        {
            error.Set(index, value);
        }
    }

    private static partial class Log
    {
        // The request id is the one the error body carries ($requestId), so a client's report finds this line.
        [LoggerMessage(1, LogLevel.Information, "Request {RequestId} refused with {Code} ({Reason}) for key {KeyId}", EventName = "RequestRefused")]
        public static partial void Refused(ILogger logger, string requestId, string code, string reason, string? keyId);
    }
}

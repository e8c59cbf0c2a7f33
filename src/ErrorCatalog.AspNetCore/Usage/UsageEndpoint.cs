using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The handlers of <c>MapApiUsage</c>: the calling key's own usage, and (behind the application's authorization
/// policy) any key's or subscription's. Every error is the catalog's: the key refusal's 401, a 404 for an id that
/// names nothing (the catalog's 404 entry, or the framework's problem where it has none), 503 while the counters cannot answer.
/// </summary>
internal sealed class UsageEndpoint(IServiceProvider services)
{
    private Parts? _parts;

    private Parts Services => _parts ??= new Parts(services);

    /// <summary>GET {pattern}: the caller's own usage, as this response's headers show it.</summary>
    public async Task Own(HttpContext context)
    {
        var parts = Services;
        ApiUsageReport? report;
        try
        {
            report = await parts.Usage.GetRequestUsageAsync(context, context.RequestAborted).ConfigureAwait(false);
        }
        catch (CounterStoreUnavailableException)
        {
            await UnavailableAsync(context, parts).ConfigureAwait(false);
            return;
        }

        if (report is null)
        {
            // Reached without a key only where UseApiErrorCatalog did not refuse it first (it runs elsewhere, or not at all).
            var error = new ApiError(parts.Compiled.Refusals[Refusal.KeyMissing]);
            error.TrySet("header", parts.KeyHeader);
            parts.Challenge.AddTo(context.Response.Headers, error.Status);
            await ApiErrorWriter.WriteAsync(context.Response, error, context.GetErrorContext(), context.GetErrorShape(parts.Compiled.Catalog)).ConfigureAwait(false);
            return;
        }

        await UsageJson.WriteAsync(context.Response, report).ConfigureAwait(false);
    }

    /// <summary>GET {pattern}/keys/{id}: a key by its id, or by its hash (64 hex digits) as a key store finds it.</summary>
    public async Task Key(HttpContext context)
    {
        var parts = Services;
        var id = context.GetRouteValue("id") as string ?? string.Empty;
        ApiUsageReport? report;
        try
        {
            report = await parts.Usage.GetKeyUsageAsync(id, context.RequestAborted).ConfigureAwait(false);
            if (report is null && ApiKeyHash.TryParse(id, out var hash))
            {
                report = await parts.Usage.GetKeyUsageByHashAsync(hash, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (CounterStoreUnavailableException)
        {
            await UnavailableAsync(context, parts).ConfigureAwait(false);
            return;
        }

        await AnswerAsync(context, parts, report).ConfigureAwait(false);
    }

    /// <summary>GET {pattern}/subscriptions/{id}: a subscription's shared limits.</summary>
    public async Task Subscription(HttpContext context)
    {
        var parts = Services;
        var id = context.GetRouteValue("id") as string ?? string.Empty;
        ApiUsageReport? report;
        try
        {
            report = await parts.Usage.GetSubscriptionUsageAsync(id, context.RequestAborted).ConfigureAwait(false);
        }
        catch (CounterStoreUnavailableException)
        {
            await UnavailableAsync(context, parts).ConfigureAwait(false);
            return;
        }

        await AnswerAsync(context, parts, report).ConfigureAwait(false);
    }

    /// <summary>The report, or a 404 for an id that names nothing.</summary>
    private static async Task AnswerAsync(HttpContext context, Parts parts, ApiUsageReport? report)
    {
        if (report is not null)
        {
            await UsageJson.WriteAsync(context.Response, report).ConfigureAwait(false);
            return;
        }

        if (parts.NotFound is { } notFound)
        {
            await CatalogProblemDetailsWriter.WriteAsync(context, notFound, StatusCodes.Status404NotFound, "No such key or subscription.", null, null).ConfigureAwait(false);
            return;
        }

        await Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: "No such key or subscription.").ExecuteAsync(context).ConfigureAwait(false);
    }

    /// <summary>The counters cannot answer: the catalog's StoreUnavailable, with the outage policy's Retry-After.</summary>
    private static async Task UnavailableAsync(HttpContext context, Parts parts)
    {
        var wait = parts.Limits.OutageRetryAfter ?? TimeSpan.FromSeconds(1);
        var error = new ApiError(parts.Compiled.Refusals[Refusal.StoreUnavailable]);
        error.TrySet("retryAfter", wait);
        context.Response.Headers.RetryAfter = HeaderValues.Integer(ApiError.ToWholeSeconds(wait));
        await ApiErrorWriter.WriteAsync(context.Response, error, context.GetErrorContext(), context.GetErrorShape(parts.Compiled.Catalog)).ConfigureAwait(false);
    }

    /// <summary>What the handlers use, from the application's services (resolved on the first call, after start-up validated them).</summary>
    private sealed class Parts(IServiceProvider services)
    {
        public IApiUsage Usage { get; } = services.GetRequiredService<IApiUsage>();

        public CompiledOptions Compiled { get; } = services.GetRequiredService<CompiledOptions>();

        public RequestLimits Limits { get; } = services.GetRequiredService<RequestLimits>();

        /// <summary>The entry answering a 404: the one the options name for the status, else the catalog's own 404 entry.</summary>
        public ErrorDescriptor? NotFound { get; } = services.GetRequiredService<StatusErrorMap>().Find(StatusCodes.Status404NotFound)
            ?? services.GetRequiredService<CompiledOptions>().Catalog.Errors.FirstOrDefault(static e => e.Status == StatusCodes.Status404NotFound && e.Refusal == Refusal.None);

        public ApiKeyChallenge Challenge { get; } = services.GetRequiredService<ApiKeyChallenge>();

        public string KeyHeader { get; } = services.GetRequiredService<RunningOptions>().Startup.Book.Options.KeyReading.EffectiveHeaders[0];
    }
}

using System.Net;
using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The request flow, top to bottom, one decision per request:
/// key -> state, expiry, IP allow-list, plan, scopes -> all limits at once -> rate-limit headers -> endpoint.
/// Every refusal is a catalog error. The synchronous path (configured keys, in-memory counters, an endpoint
/// that completes synchronously) allocates nothing: state is pooled and nothing awaits that need not.
/// </summary>
internal sealed partial class ApiErrorCatalogMiddleware(RequestDelegate next, ApiErrorCatalogRuntime runtime)
{
    public Task InvokeAsync(HttpContext context)
    {
        var state = runtime.States.Get();
        state.Policy = EndpointPolicy.For(context.GetEndpoint(), runtime.Catalog);
        state.StartTimestamp = runtime.Time.GetTimestamp();
        context.Features.Set<IApiKeyFeature>(state);
        context.Features.Set<IErrorContextFeature>(state);

        ValueTask<bool> decision;
        try
        {
            decision = DecideAsync(context, state);
        }
        catch
        {
            End(context, state);
            throw;
        }

        if (!decision.IsCompletedSuccessfully)
        {
            return ContinueAsync(decision, context, state);
        }

        if (!decision.Result)
        {
            return End(context, state);
        }

        return RunEndpoint(context, state);
    }

    /// <summary>The one decision: true admits (headers set), false refused (catalog error written).</summary>
    private async ValueTask<bool> DecideAsync(HttpContext context, RequestState state)
    {
        var policy = state.Policy;
        var options = runtime.Options;
        var aborted = context.RequestAborted;

        // 1. The key: read, hash, find.
        ResolvedKey? key = null;
        switch (runtime.Reader.Read(context.Request, out var hash))
        {
            case PresentedKey.Malformed:
                await RefuseAsync(context, state, Refusal.KeyInvalid).ConfigureAwait(false);
                return false;
            case PresentedKey.Present:
                try
                {
                    key = await runtime.Resolver.FindAsync(hash, aborted).ConfigureAwait(false);
                }
                catch (Exception ex) when (runtime.Resolver.IsCustomStore && !aborted.IsCancellationRequested)
                {
                    Log.StoreFailed(runtime.Logger, context.TraceIdentifier, ex);
                    context.Response.Headers.RetryAfter = HeaderValues.Integer(1);
                    await RefuseAsync(context, state, Refusal.StoreUnavailable).ConfigureAwait(false);
                    return false;
                }

                if (key is null)
                {
                    await RefuseAsync(context, state, Refusal.KeyInvalid).ConfigureAwait(false);
                    return false;
                }

                state.Key = key;
                PrincipalFeature.Set(context, key.Principal); // context.User, without a feature object per request
                break;
            default:
                var needed = policy.KeyExplicitlyRequired || (options.Keys.Required && !policy.KeyOptional)
                    || policy.Plans.Length > 0 || policy.Scopes.Length > 0;
                if (needed)
                {
                    // A key is missing (401) where keys are required; required here (403) where they are optional.
                    await RefuseAsync(context, state, options.Keys.Required && !policy.KeyOptional ? Refusal.KeyMissing : Refusal.KeyRequired).ConfigureAwait(false);
                    return false;
                }

                break;
        }

        // 2. Access: the key's state, expiry and networks; the endpoint's plan and scopes.
        if (key is not null && CheckAccess(context, key, policy, out var scope) is { } refusal)
        {
            await RefuseAsync(context, state, refusal, scope).ConfigureAwait(false);
            return false;
        }

        // 3. Limits: IP, key and subscription windows, credits, concurrency, decided and charged together.
        if (!policy.Exempt)
        {
            var batch = state.Batch;
            var credits = key is null ? 0 : await GetCreditsAsync(context, key, policy).ConfigureAwait(false);
            runtime.FillBatch(batch, context, key, credits);
            var decided = batch.Count == 0 ? true : await AcquireAsync(batch, aborted).ConfigureAwait(false);
            if (decided is null && runtime.Options.Redis?.FailurePolicy == RedisFailurePolicy.FailClosed)
            {
                // The counters cannot answer and the outage policy is to refuse (see RedisOptions.FailurePolicy).
                context.Response.Headers.RetryAfter = HeaderValues.Integer(Math.Max(1, ApiError.ToWholeSeconds(runtime.Options.Redis.RetryAfter)));
                await RefuseAsync(context, state, Refusal.StoreUnavailable).ConfigureAwait(false);
                return false;
            }

            if (decided == false)
            {
                await runtime.Responder.RefuseLimitAsync(context, state).ConfigureAwait(false);
                return false;
            }

            state.CreditCount = credits;
            for (var i = 0; i < batch.Count; i++)
            {
                state.IsOverage |= batch[i].Overage;
            }

            // 4. Headers for the decision, on the endpoint's response whatever its status.
            runtime.Headers.Write(context.Response.Headers, batch, key);
        }

        runtime.Metrics.Admitted(key?.Plan.Name, state.IsOverage);
        return true;
    }

    private Refusal? CheckAccess(HttpContext context, ResolvedKey key, EndpointPolicy policy, out string? missingScope)
    {
        missingScope = null;
        if (ApiKeyStates.Check(key, runtime.Time.GetUtcNow()) is { } refusal)
        {
            return refusal;
        }

        if (key.AllowedNetworks.Length > 0 && !IsAllowed(context.Connection.RemoteIpAddress, key.AllowedNetworks))
        {
            return Refusal.IpNotAllowed;
        }

        if (policy.Plans.Length > 0 && !HasAny(key.Plan.Features, policy.Plans))
        {
            return Refusal.PlanNotAuthorized;
        }

        foreach (var scope in policy.Scopes)
        {
            if (!key.Scopes.Contains(scope))
            {
                missingScope = scope;
                return Refusal.InsufficientScope;
            }
        }

        return null;
    }

    private ValueTask<long> GetCreditsAsync(HttpContext context, ResolvedKey key, EndpointPolicy policy)
    {
        if (policy.JsonRpc && HasCreditLimit(key))
        {
            return runtime.JsonRpc.ReadCostAsync(context.Request, context.RequestAborted);
        }

        return new(policy.Credits ?? runtime.Options.DefaultCredits);
    }

    private ValueTask RefuseAsync(HttpContext context, RequestState state, Refusal refusal, string? scope = null)
    {
        // A key or access refusal (401, 402, 403) still counts against the client's IP limit and carries its
        // rate-limit headers: every response has them, and a flood of bad keys is throttled like any other traffic.
        if (refusal != Refusal.StoreUnavailable && runtime.Book.IpLimit is not null && !state.Policy.Exempt)
        {
            return RefuseWithinIpLimitAsync(context, state, refusal, scope);
        }

        return runtime.Responder.RefuseAsync(context, state, runtime.Refusals[refusal], refusal, scope);
    }

    /// <summary>Charges the IP limit alone, then refuses: over that limit, the IP limit's refusal answers instead.</summary>
    private async ValueTask RefuseWithinIpLimitAsync(HttpContext context, RequestState state, Refusal refusal, string? scope)
    {
        var batch = state.Batch;
        runtime.FillBatch(batch, context, key: null, credits: 0);

        // Counters that cannot answer (null): the refusal goes out without the IP limit's headers.
        if (await AcquireAsync(batch, context.RequestAborted).ConfigureAwait(false) == false)
        {
            await runtime.Responder.RefuseLimitAsync(context, state).ConfigureAwait(false);
            return;
        }

        await runtime.Responder.RefuseAsync(context, state, runtime.Refusals[refusal], refusal, scope).ConfigureAwait(false);
    }

    /// <summary>
    /// Decides the batch: true admitted, false refused, null when the counters cannot answer (the outage is counted
    /// and the batch emptied, so no headers claim counts nobody made).
    /// </summary>
    private async ValueTask<bool?> AcquireAsync(CounterBatch batch, CancellationToken aborted)
    {
        try
        {
            return await runtime.Counters.AcquireAsync(batch, aborted).ConfigureAwait(false);
        }
        catch (CounterStoreUnavailableException)
        {
            runtime.Metrics.StoreFailed();
            batch.Reset();
            return null;
        }
    }

    private Task RunEndpoint(HttpContext context, RequestState state)
    {
        Task task;
        try
        {
            task = next(context);
        }
        catch
        {
            End(context, state);
            throw;
        }

        return task.IsCompletedSuccessfully ? End(context, state) : AwaitEndpointAsync(task, context, state);
    }

    private async Task ContinueAsync(ValueTask<bool> decision, HttpContext context, RequestState state)
    {
        bool admitted;
        try
        {
            admitted = await decision.ConfigureAwait(false);
        }
        catch
        {
            await End(context, state).ConfigureAwait(false);
            throw;
        }

        if (admitted)
        {
            await RunEndpoint(context, state).ConfigureAwait(false);
        }
        else
        {
            await End(context, state).ConfigureAwait(false);
        }
    }

    private async Task AwaitEndpointAsync(Task endpoint, HttpContext context, RequestState state)
    {
        try
        {
            await endpoint.ConfigureAwait(false);
        }
        finally
        {
            // Success, exception or client abort: the concurrency lease is released here.
            await End(context, state).ConfigureAwait(false);
        }
    }

    /// <summary>Releases leases, detaches the state from the request and returns it to the pool.</summary>
    private Task End(HttpContext context, RequestState state)
    {
        var release = state.Batch.HasLeases ? runtime.Counters.ReleaseAsync(state.Batch) : default;
        if (!release.IsCompletedSuccessfully)
        {
            return EndSlowAsync(release, context, state);
        }

        Detach(context, state);
        return Task.CompletedTask;
    }

    private async Task EndSlowAsync(ValueTask release, HttpContext context, RequestState state)
    {
        try
        {
            await release.ConfigureAwait(false);
        }
        finally
        {
            Detach(context, state);
        }
    }

    private void Detach(HttpContext context, RequestState state)
    {
        context.Features.Set<IApiKeyFeature>(null);
        context.Features.Set<IErrorContextFeature>(null);
        runtime.States.Return(state);
    }

    private static bool HasCreditLimit(ResolvedKey key)
    {
        foreach (var entry in key.Limits)
        {
            if (entry.Limit.Kind == LimitKind.Credits)
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasAny(IReadOnlySet<string> features, string[] required)
    {
        foreach (var name in required)
        {
            if (features.Contains(name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAllowed(IPAddress? address, IPNetwork[] networks)
    {
        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Error, "Request {RequestId}: the key store failed; answering StoreUnavailable", EventName = "KeyStoreFailed")]
        public static partial void StoreFailed(ILogger logger, string requestId, Exception exception);
    }
}

using ErrorCatalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.ObjectPool;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The request flow, top to bottom, one decision per request:
/// key -> state, expiry, IP allow-list, plan, scopes -> all limits at once -> rate-limit headers -> endpoint.
/// Every refusal is a catalog error. The synchronous path (configured keys, in-memory counters, an endpoint
/// that completes synchronously) allocates nothing: state is pooled and nothing awaits that need not.
/// </summary>
internal sealed class ApiErrorCatalogMiddleware(
    RequestDelegate next,
    KeyStep keys,
    EndpointPolicyCache policies,
    RequestLimits limits,
    ICounterStore counters,
    RateLimitHeaderWriter headers,
    RefusalResponder responder,
    JsonRpcCostReader jsonRpc,
    ObjectPool<RequestState> states,
    ApiErrorCatalogMetrics metrics,
    CorsRequests cors,
    TimeProvider time,
    UsageMeterQueue? meter = null)
{
    public Task InvokeAsync(HttpContext context)
    {
        // Features through the collection's indexer, here and below: Get<T>/Set<T> are generic virtual methods, slower
        // to dispatch and cast on a path every request takes.
        var policy = policies.For((context.Features[typeof(IEndpointFeature)] as IEndpointFeature)?.Endpoint);
        if (policy.CorsPreflightPasses)
        {
            if (CorsRequests.PassPreflight(context, policy))
            {
                // The browser asks what it may send before sending it, with no key: the CORS middleware answers, for free.
                return next(context);
            }

            if (!ReferenceEquals(policy, EndpointPolicy.DefaultWithCors))
            {
                cors.CheckOrder(context);
            }
        }

        var state = states.Get();
        state.Policy = policy;
        state.StartTimestamp = time.GetTimestamp();
        // The request's instant, read once: key expiry, every window, a lease's expiry. Read again after a step that
        // waited (a key store, a JSON-RPC body), so a request counts in the window it is decided in.
        state.Batch.Now = time.GetUtcNow();
        return RunAsync(context, state);
    }

    /// <summary>
    /// The request, top to bottom, in one async method on purpose: when nothing waits it completes synchronously and
    /// allocates nothing; when something does (Redis, a key store, the endpoint) it is the request's only state
    /// machine. The counters' decision is awaited here, not in a helper, for the same reason.
    /// </summary>
    private async Task RunAsync(HttpContext context, RequestState state)
    {
        try
        {
            // 1-2. The key, its state and access; false: refused (the catalog error is written).
            if (!await AuthorizeAsync(context, state).ConfigureAwait(false))
            {
                return;
            }

            // 3. Limits: IP, key and subscription windows, credits, concurrency, decided and charged together.
            if (!state.Policy.Exempt)
            {
                var prepared = await PrepareLimitsAsync(context, state).ConfigureAwait(false);
                if (prepared is null)
                {
                    return;
                }

                if (prepared.Value)
                {
                    try
                    {
                        await counters.AcquireAsync(state.Batch).ConfigureAwait(false);
                    }
                    catch (CounterStoreUnavailableException)
                    {
                        Outage(state.Batch);
                    }
                }

                // 4. The refusal, or the headers for the decision on the endpoint's response whatever its status.
                if (!await ConcludeLimitsAsync(context, state, state.Batch.Unavailable ? null : state.Batch.Admitted).ConfigureAwait(false))
                {
                    return;
                }
            }

            metrics.Admitted(state.Key?.Plan.Name, state.IsOverage);

            // 5. The endpoint.
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception) when (KeepHeaders(context, state))
            {
                throw; // never entered: the filter keeps the headers and lets the exception go on
            }
        }
        finally
        {
            // Success, exception or client abort: the concurrency lease is released here.
            End(context, state);
        }
    }

    /// <summary>The key (read, hash, find) and its access: true to go on, false refused (catalog error written).</summary>
    private async ValueTask<bool> AuthorizeAsync(HttpContext context, RequestState state)
    {
        var resolving = keys.ResolveAsync(context, state.Policy, state.Batch.Now);
        var result = resolving.IsCompletedSuccessfully ? resolving.Result : await resolving.ConfigureAwait(false);

        // The request's features, set after the key header is read: setting one makes every feature the request
        // has cached stale, and the read would fetch the request feature again.
        var features = context.Features;
        features[typeof(IApiKeyFeature)] = state;
        features[typeof(IErrorContextFeature)] = state;
        state.Batch.Now = result.Now;
        state.Key = result.Key;
        if (result.Key is { } key && !state.Policy.KeyNotUser && !AuthenticatedAs(context, key))
        {
            PrincipalFeature.Set(context, key.Principal); // context.User, without a feature object per request
        }

        if (result.Refusal == Refusal.StoreUnavailable)
        {
            // Not charged to the IP limit: the client did nothing wrong.
            await responder.RefuseAsync(context, state, Refusal.StoreUnavailable, retryAfter: result.RetryAfter).ConfigureAwait(false);
            return false;
        }

        if (result.Refused)
        {
            await RefuseAsync(context, state, result.Refusal, result.Scope).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>
    /// The request's batch: its limits and what it costs (a JSON-RPC body is read for its methods). True when
    /// there is anything to ask the counters; null when the body cannot be costed (refused, answer written).
    /// Kept out of <see cref="RunAsync"/> so that state machine stays small: it is the one object a request waiting
    /// for Redis allocates.
    /// </summary>
    private async ValueTask<bool?> PrepareLimitsAsync(HttpContext context, RequestState state)
    {
        var credits = 0L;
        var key = state.Policy.IpLimitOnly ? null : state.Key;
        if (key is not null)
        {
            var cost = GetCreditsAsync(context, key, state.Policy);
            JsonRpcCost read;
            if (cost.IsCompletedSuccessfully)
            {
                read = cost.Result;
            }
            else
            {
                // A JSON-RPC body the client sends at its own pace: the request counts in the window it ends in.
                read = await cost.ConfigureAwait(false);
                state.Batch.Now = time.GetUtcNow();
            }

            if (read.Invalid is { } reason)
            {
                // What would run is not what can be charged: refused before the counters, so it costs nothing.
                await RefuseAsync(context, state, Refusal.InvalidRequest, why: reason, answer: read.Answer).ConfigureAwait(false);
                return null;
            }

            credits = read.Credits;
        }

        limits.Fill(state.Batch, context, key, credits);
        state.CreditCount = credits;
        return state.Batch.Count > 0;
    }

    /// <summary>
    /// After the counters: the outage policy, the limit's refusal, or the admitted request's state and headers.
    /// <paramref name="decided"/> is null when the counters could not answer.
    /// </summary>
    private async ValueTask<bool> ConcludeLimitsAsync(HttpContext context, RequestState state, bool? decided)
    {
        if (decided is null && limits.OutageRetryAfter is { } wait)
        {
            state.CreditCount = 0; // a refused request costs nothing
            // The counters cannot answer and the outage policy is to refuse.
            await responder.RefuseAsync(context, state, Refusal.StoreUnavailable, retryAfter: wait).ConfigureAwait(false);
            return false;
        }

        if (decided == false)
        {
            state.CreditCount = 0;
            await responder.RefuseLimitAsync(context, state).ConfigureAwait(false);
            return false;
        }

        var batch = state.Batch;
        for (var i = 0; i < batch.Count; i++)
        {
            state.IsOverage |= batch[i].Overage;
        }

        headers.Write(context.Response.Headers, batch, state.Key);
        state.Admitted = true;
        return true;
    }

    /// <summary>
    /// Whether authentication already made this request's principal for this key (the ApiKey scheme as the default,
    /// or a policy naming it, ran before this middleware): it is then the request's own copy, claims transformations
    /// applied, and it stays. An ApiKey identity carrying this key's id claim is the mark (not its name: a
    /// transformation that rebuilds the identity may not keep the name claim type). Read from the feature, as the
    /// <see cref="HttpContext.User"/> getter makes an empty principal when there is none.
    /// </summary>
    private static bool AuthenticatedAs(HttpContext context, ResolvedKey key)
    {
        if ((context.Features[typeof(IHttpAuthenticationFeature)] as IHttpAuthenticationFeature)?.User is not { } user
            || ReferenceEquals(user, key.Principal))
        {
            return false;
        }

        foreach (var identity in user.Identities)
        {
            if (identity.AuthenticationType == ApiKeyDefaults.AuthenticationScheme && identity.HasClaim(ApiKeyDefaults.KeyIdClaimType, key.Id))
            {
                return true;
            }
        }

        return false;
    }

    private ValueTask<JsonRpcCost> GetCreditsAsync(HttpContext context, ResolvedKey key, EndpointPolicy policy)
    {
        if (policy.JsonRpc && HasCreditLimit(key))
        {
            if (!responder.Answers(Refusal.InvalidRequest))
            {
                // The default catalog answers it under any application catalog; should a map ever lack it, the call
                // fails, as EndpointMiddleware does for missing authorization, rather than charge a guess.
                throw new InvalidOperationException(
                    $"Endpoint {context.GetEndpoint()?.DisplayName} is marked WithJsonRpcCredits, but the error catalog answers no refusal InvalidRequest; add 'refusal: InvalidRequest' to an entry of errors.yaml.");
            }

            return jsonRpc.ReadCostAsync(context.Request, context.RequestAborted);
        }

        return new(new JsonRpcCost(policy.Credits ?? limits.DefaultCredits));
    }

    private ValueTask RefuseAsync(HttpContext context, RequestState state, Refusal refusal, string? scope = null, string? why = null, ErrorDescriptor? answer = null)
    {
        // A key or access refusal (401, 402, 403) still counts against the client's IP limit and carries its
        // rate-limit headers: every response has them, and a flood of bad keys is throttled like any other traffic.
        if (limits.HasIpLimit && state.Policy.RefusalsCount)
        {
            return RefuseWithinIpLimitAsync(context, state, refusal, scope, why, answer);
        }

        return responder.RefuseAsync(context, state, refusal, scope, why: why, answer: answer);
    }

    /// <summary>Charges the IP limit alone, then refuses: over that limit, the IP limit's refusal answers instead.</summary>
    private async ValueTask RefuseWithinIpLimitAsync(HttpContext context, RequestState state, Refusal refusal, string? scope, string? why, ErrorDescriptor? answer)
    {
        var batch = state.Batch;
        limits.Fill(batch, context, key: null, credits: 0);

        // Counters that cannot answer (null): the refusal goes out without the IP limit's headers.
        if (await AcquireAsync(batch).ConfigureAwait(false) == false)
        {
            await responder.RefuseLimitAsync(context, state).ConfigureAwait(false);
            return;
        }

        await responder.RefuseAsync(context, state, refusal, scope, why: why, answer: answer).ConfigureAwait(false);
    }

    /// <summary>Decides the batch: true admitted, false refused, null when the counters cannot answer.</summary>
    private async ValueTask<bool?> AcquireAsync(CounterBatch batch)
    {
        try
        {
            return await counters.AcquireAsync(batch).ConfigureAwait(false);
        }
        catch (CounterStoreUnavailableException)
        {
            return Outage(batch);
        }
    }

    /// <summary>The counters cannot answer: the outage is counted and the batch emptied, so no headers claim counts nobody made.</summary>
    private bool? Outage(CounterBatch batch)
    {
        metrics.StoreFailed();
        batch.Reset();
        batch.Unavailable = true;
        return null;
    }

    /// <summary>
    /// An exception leaves the endpoint: an exception handler outside this middleware clears the response, headers
    /// included, after the state went back to the pool, so a copy of the decision's headers stays for it to write
    /// again (<see cref="IRateLimitHeadersFeature"/>). Allocates on this path only. Always false.
    /// </summary>
    private bool KeepHeaders(HttpContext context, RequestState state)
    {
        if (state.Batch.Count > 0 && !context.Response.HasStarted)
        {
            var kept = new HeaderDictionary();
            headers.Write(kept, state.Batch, state.Key);
            context.Features[typeof(IRateLimitHeadersFeature)] = new KeptRateLimitHeaders(kept);
        }

        return false;
    }

    /// <summary>Releases leases, gives back waived credits, detaches the state from the request and returns it to the pool.</summary>
    private void End(HttpContext context, RequestState state)
    {
        if (state.Batch.HasLeases)
        {
            counters.Release(state.Batch);
        }

        var refundedAt = default(DateTimeOffset);
        if (state.RefundCredits && state.Batch is { Count: > 0, Unavailable: false, Admitted: true })
        {
            // The framework refused the request before the endpoint ran (a parameter that does not bind): its
            // credits go back, in the window they were charged in while it lasts.
            refundedAt = time.GetUtcNow();
            counters.Refund(state.Batch, refundedAt);
        }

        if (meter is not null && state.Admitted)
        {
            // After the refund: the meter is told what the request was charged and kept.
            meter.Add(state.Batch, state.Key, context.GetEndpoint(), refundedAt);
        }

        var features = context.Features;
        features[typeof(IApiKeyFeature)] = null;
        features[typeof(IErrorContextFeature)] = null;
        states.Return(state);
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
}

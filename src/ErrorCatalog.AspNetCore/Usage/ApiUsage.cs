using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Middleware;

/// <summary>
/// <see cref="IApiUsage"/> over the request path's own parts: keys found as requests find them, limits bound as
/// requests are charged (<see cref="ResolvedKey.Limits"/>, <see cref="RequestLimits.Fill"/>), counters read by the
/// store with <see cref="LimitMath.Read"/>, so a report and the headers cannot disagree on how a figure is made.
/// </summary>
internal sealed class ApiUsage(RunningOptions options, KeyResolver resolver, KeyStep keys, RequestLimits limits, ICounterStore counters, TimeProvider time) : IApiUsage
{
    // Configured keys by id, for the configuration they were built from (a reload builds them again).
    private ById? _byId;

    public ValueTask<ApiUsageReport?> GetKeyUsageAsync(string keyId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(keyId) || resolver.IsCustomStore)
        {
            return new((ApiUsageReport?)null);
        }

        var compiled = options.Current;
        if (_byId is not { } byId || !ReferenceEquals(byId.Source, compiled))
        {
            _byId = byId = new ById(compiled, compiled.Keys.Values.DistinctBy(static k => k.Id, StringComparer.Ordinal).ToFrozenDictionary(static k => k.Id, StringComparer.Ordinal));
        }

        return byId.Keys.TryGetValue(keyId, out var key) ? ReadAsync(key, cancellationToken) : new((ApiUsageReport?)null);
    }

    public async ValueTask<ApiUsageReport?> GetKeyUsageByHashAsync(ApiKeyHash keyHash, CancellationToken cancellationToken = default)
    {
        var key = await resolver.FindAsync(keyHash, cancellationToken).ConfigureAwait(false);
        return key is null ? null : await ReadAsync(key, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<ApiUsageReport?> GetKeyUsageByRecordAsync(ApiKeyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var errors = new List<string>();
        if (!Enum.IsDefined(record.State))
        {
            errors.Add("state");
        }

        // As a store's record is checked before requests use it: one the configuration would refuse reports nothing.
        var key = string.IsNullOrEmpty(record.Id) ? null : options.Current.Book.Resolve(record, errors, "record");
        return key is null || errors.Count > 0 ? new((ApiUsageReport?)null) : ReadAsync(key, cancellationToken);
    }

    public ValueTask<ApiUsageReport?> GetSubscriptionUsageAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(subscriptionId) || !options.Current.Book.TryGetSubscription(subscriptionId, out var plan, out var subscription))
        {
            return new((ApiUsageReport?)null);
        }

        var batch = counters.CreateBatch();
        foreach (var limit in plan.Limits)
        {
            if (limit.Scope == LimitScope.Subscription)
            {
                // The counter a key of the subscription charges, as KeyBinder binds it.
                batch.Add(KeyBinder.SubscriptionEntry(limit, subscriptionId, subscription), 0, overageAllowed: false);
            }
        }

        return ReadAsync(batch, new Owner(null, subscriptionId, plan.Name, false), cancellationToken);
    }

    public ValueTask<ApiUsageReport?> GetRequestUsageAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = context.Features[typeof(IApiKeyFeature)] as RequestState;
        if (state is { Batch: { Count: > 0, Unavailable: false, Admitted: true } decided })
        {
            // Decided by the middleware: its figures are the response's headers, whatever came since.
            return new(Report(decided, Owner.Of(state.Key)));
        }

        if (state?.Key is { } known)
        {
            return ReadRequestAsync(context, known, cancellationToken);
        }

        return FindAndReadAsync(context, cancellationToken);
    }

    /// <summary>What a request of <paramref name="key"/> from <paramref name="context"/>'s client is charged against, read now.</summary>
    internal CounterBatch RequestBatch(HttpContext context, ResolvedKey? key)
    {
        var batch = counters.CreateBatch();
        batch.Now = time.GetUtcNow();
        limits.Fill(batch, context, key, credits: 0);
        return batch;
    }

    /// <summary>A report of a batch whose items the store decided or read.</summary>
    internal static ApiUsageReport Report(CounterBatch batch, Owner owner)
    {
        var usage = new LimitUsage[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var limit = item.Entry.Limit;
            var window = limit.Kind != LimitKind.Concurrency;
            usage[i] = new LimitUsage
            {
                Name = limit.Name,
                Scope = limit.Scope,
                Kind = limit.Kind,
                Limit = limit.PermitLimit,
                Used = item.Used,
                Remaining = item.Remaining,
                Reset = window ? item.ResetAt : null,
                Window = window ? limit.Window.Name : null,
                Sliding = limit.Sliding,
                Overage = item.Used > limit.PermitLimit,
            };
        }

        return new ApiUsageReport
        {
            KeyId = owner.KeyId,
            SubscriptionId = owner.SubscriptionId,
            Plan = owner.Plan,
            OverageEnabled = owner.OverageEnabled,
            At = batch.Now,
            Limits = usage,
        };
    }

    private ValueTask<ApiUsageReport?> ReadAsync(ResolvedKey key, CancellationToken cancellationToken)
    {
        var batch = counters.CreateBatch();
        foreach (var entry in key.Limits)
        {
            batch.Add(entry, 0, overageAllowed: false);
        }

        return ReadAsync(batch, Owner.Of(key), cancellationToken);
    }

    private async ValueTask<ApiUsageReport?> ReadAsync(CounterBatch batch, Owner owner, CancellationToken cancellationToken)
    {
        batch.Now = time.GetUtcNow();
        await counters.ReadAsync(batch, cancellationToken).ConfigureAwait(false);
        return Report(batch, owner);
    }

    private async ValueTask<ApiUsageReport?> FindAndReadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var found = await keys.FindAsync(context, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return await ReadRequestAsync(context, found.Key, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<ApiUsageReport?> ReadRequestAsync(HttpContext context, ResolvedKey? key, CancellationToken cancellationToken)
    {
        var batch = RequestBatch(context, key);
        if (batch.Count == 0 && key is null)
        {
            return null;
        }

        await counters.ReadAsync(batch, cancellationToken).ConfigureAwait(false);
        return Report(batch, Owner.Of(key));
    }

    /// <summary>Whose usage a report is.</summary>
    internal readonly record struct Owner(string? KeyId, string? SubscriptionId, string? Plan, bool OverageEnabled)
    {
        public static Owner Of(ResolvedKey? key) => new(key?.Id, key?.SubscriptionId, key?.Plan.Name, key?.Record.Overage == true);
    }

    private sealed record ById(CompiledOptions Source, FrozenDictionary<string, ResolvedKey> Keys);
}

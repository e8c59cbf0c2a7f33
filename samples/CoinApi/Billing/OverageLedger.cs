using System.Collections.Concurrent;
using ErrorCatalog.Middleware;

namespace CoinApi.Billing;

/// <summary>
/// The sample's usage meter: what each subscription used of its shared credit quota and how much of it was overage
/// (the credits past the quota a key with <c>Overage: true</c> is billed for), logged per batch. A real one writes
/// to the billing system; see docs/metering.md.
/// </summary>
public sealed partial class OverageLedger(ILogger<OverageLedger> logger) : IUsageMeter
{
    // Ids already counted: a batch delivered again (at least once) adds nothing. A real ledger uses a unique index.
    private readonly ConcurrentDictionary<string, byte> _counted = new();
    private readonly ConcurrentDictionary<string, Usage> _bySubscription = new();

    /// <summary>Credits and overage credits charged to <paramref name="subscription"/> so far.</summary>
    public Usage For(string subscription) => _bySubscription.GetValueOrDefault(subscription);

    public Task RecordAsync(IReadOnlyList<MeteredRequest> requests, CancellationToken cancellationToken)
    {
        foreach (var request in requests)
        {
            if (request.SubscriptionId is not { } subscription || !_counted.TryAdd(request.Id, 0))
            {
                continue;
            }

            foreach (var limit in request.Limits)
            {
                // The subscription's quota; the keys' own shares ("credits-key") charge the same credits again.
                if (limit is { Name: "credits", Scope: LimitScope.Subscription })
                {
                    var total = _bySubscription.AddOrUpdate(
                        subscription, static (_, l) => new(l.Units, l.OverageUnits), static (_, t, l) => new(t.Credits + l.Units, t.Overage + l.OverageUnits), limit);
                    if (limit.OverageUnits > 0)
                    {
                        Log.Overage(logger, subscription, request.KeyId, limit.OverageUnits, total.Overage);
                    }
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A subscription's credits charged, and how many of them were overage.</summary>
    public readonly record struct Usage(long Credits, long Overage);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Subscription {Subscription} (key {KeyId}): {Overage} credits of overage billed, {Total} so far", EventName = "OverageBilled")]
        public static partial void Overage(ILogger logger, string subscription, string? keyId, long overage, long total);
    }
}

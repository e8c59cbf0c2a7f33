using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// <c>errorcatalog.decisions</c>: one count per decided request, tagged with outcome (admitted, overage,
/// refused), reason (the refusal) and plan.
/// </summary>
internal sealed class ApiErrorCatalogMetrics
{
    public const string MeterName = "ErrorCatalog.Middleware";

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _storeFailures;

    public ApiErrorCatalogMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _decisions = meter.CreateCounter<long>(
            "errorcatalog.decisions",
            unit: "{request}",
            description: "Requests decided by the API limits, by outcome, reason and plan.");
        _storeFailures = meter.CreateCounter<long>(
            "errorcatalog.store.failures",
            unit: "{request}",
            description: "Requests the counter store (Redis) could not decide; the outage policy answered them.");
    }

    public void StoreFailed() => _storeFailures.Add(1);

    public void Admitted(string? plan, bool overage)
    {
        if (_decisions.Enabled)
        {
            AdmittedCore(plan, overage);
        }
    }

    public void Refused(string? plan, Refusal reason)
    {
        if (_decisions.Enabled)
        {
            RefusedCore(plan, reason);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AdmittedCore(string? plan, bool overage)
    {
        var tags = new TagList
        {
            { "outcome", overage ? "overage" : "admitted" },
            { "plan", plan ?? "anonymous" },
        };
        _decisions.Add(1, tags);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RefusedCore(string? plan, Refusal reason)
    {
        var tags = new TagList
        {
            { "outcome", "refused" },
            { "reason", RefusalNames.Of(reason) }, // cached: no Enum.ToString() per refusal
            { "plan", plan ?? "anonymous" },
        };
        _decisions.Add(1, tags);
    }
}

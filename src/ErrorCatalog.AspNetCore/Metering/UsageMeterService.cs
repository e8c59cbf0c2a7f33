using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>
/// Delivers queued usage records to the <see cref="IUsageMeter"/> in batches, off the request path: a batch goes
/// when it is full or has waited <see cref="UsageMeteringOptions.FlushInterval"/>; a call that throws is retried
/// with the same records after a doubling back-off (at least once). At shutdown the rest is delivered after the
/// server stopped (<see cref="IHostedLifecycleService.StoppedAsync"/>: no request can add to it then), within the
/// host's shutdown timeout.
/// </summary>
internal sealed partial class UsageMeterService(
    UsageMeterQueue queue,
    IUsageMeter meter,
    IOptions<UsageMeteringOptions> options,
    ApiErrorCatalogMetrics metrics,
    TimeProvider time,
    ILogger<UsageMeterService> logger) : BackgroundService, IHostedLifecycleService
{
    private readonly UsageMeteringOptions _options = options.Value;

    /// <summary>
    /// Canceled when the host's shutdown timeout passes: the meter's call in progress and any retry stop. Never
    /// disposed (it has no timer): a host may call StoppedAsync after disposing its services.
    /// </summary>
    private readonly CancellationTokenSource _abort = new();

    /// <summary>The batch being delivered, kept until the meter accepts it, so a retry sends the same records.</summary>
    private readonly List<MeteredRequest> _batch = [];

    private readonly Lock _gate = new();
    private long _sequence;
    private int _failures;
    private Task? _flush;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        using var _ = cancellationToken.Register(static abort => ((CancellationTokenSource)abort!).Cancel(), _abort);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The last flush: every hosted service, the server included, has stopped, so the queue is complete.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        // A host can be stopped twice at once (a minimal app's Run and a test host both stop it): one flush, for both.
        lock (_gate)
        {
            return _flush ??= FlushAsync(cancellationToken);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        using var _ = cancellationToken.Register(static abort => ((CancellationTokenSource)abort!).Cancel(), _abort);
        queue.Complete();
        try
        {
            if (ExecuteTask is { } loop)
            {
                await loop.WaitAsync(_abort.Token).ConfigureAwait(false);
            }

            while (_batch.Count > 0 || Take() > 0)
            {
                await DeliverAsync(_abort.Token).ConfigureAwait(false);
            }
        }
        catch (Exception) when (_abort.IsCancellationRequested)
        {
            // The shutdown timeout passed: what is left is lost, and said so below.
        }

        ReportDropped();
        var lost = _batch.Count + queue.Reader.Count;
        if (lost > 0)
        {
            metrics.MeteringDropped(lost);
            Log.UndeliveredAtShutdown(logger, lost);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                if (_batch.Count == 0)
                {
                    if (!await WaitForBatchAsync(stoppingToken).ConfigureAwait(false))
                    {
                        return;
                    }

                    if (Take() == 0)
                    {
                        continue;
                    }
                }

                await DeliverAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StoppedAsync delivers what is left, after the server stopped.
        }
    }

    /// <summary>Waits for a first record, then for the batch to fill or the flush interval to pass; false when the queue is complete and empty.</summary>
    private async Task<bool> WaitForBatchAsync(CancellationToken cancellationToken)
    {
        var reader = queue.Reader;
        if (reader.Count >= _options.BatchSize)
        {
            return true;
        }

        if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        // Requests add records meanwhile without waking this loop: one wake-up per batch, not per request.
        if (reader.Count < _options.BatchSize)
        {
            await Task.Delay(_options.FlushInterval, time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Moves up to a batch of queued records into the batch, each given its id; returns how many.</summary>
    private int Take()
    {
        var taken = 0;
        while (_batch.Count < _options.BatchSize && queue.Reader.TryRead(out var record))
        {
            _batch.Add(ToRequest(in record));
            taken++;
        }

        return taken;
    }

    /// <summary>One call of the meter with the batch; on failure, the back-off before the same batch is tried again.</summary>
    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        ReportDropped();
        try
        {
            await meter.RecordAsync(_batch.ToArray(), _abort.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_abort.IsCancellationRequested)
        {
            _failures++;
            var wait = BackOff(_failures);
            Log.DeliveryFailed(logger, ex, _batch.Count, _failures, wait);
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            return;
        }

        _batch.Clear();
        _failures = 0;
    }

    private TimeSpan BackOff(int failures)
    {
        var wait = _options.RetryBackOff;
        for (var i = 1; i < failures && wait < _options.MaxRetryBackOff; i++)
        {
            wait += wait;
        }

        return wait < _options.MaxRetryBackOff ? wait : _options.MaxRetryBackOff;
    }

    private void ReportDropped()
    {
        if (queue.TakeDropped() is var dropped and > 0)
        {
            Log.RecordsDropped(logger, dropped, queue.Capacity);
        }
    }

    private MeteredRequest ToRequest(in UsageRecord record)
    {
        var limits = new MeteredLimit[record.Count];
        for (var i = 0; i < limits.Length; i++)
        {
            var charge = record[i];
            limits[i] = new MeteredLimit(charge.Limit.Name, charge.Limit.Scope, charge.Limit.Kind, charge.Units, charge.OverageUnits);
        }

        var key = record.Key;
        return new MeteredRequest
        {
            Id = queue.InstanceId + ":" + (++_sequence).ToString(CultureInfo.InvariantCulture),
            Timestamp = record.Timestamp,
            KeyId = key?.Id,
            SubscriptionId = key?.SubscriptionId,
            Plan = key?.Plan.Name,
            Endpoint = (record.Endpoint as RouteEndpoint)?.RoutePattern.RawText ?? record.Endpoint?.DisplayName,
            Limits = limits,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(80, LogLevel.Warning, "The usage meter failed to record {Count} requests (attempt {Attempt}); the same records are delivered again in {RetryIn}", EventName = "UsageMeterFailed")]
        public static partial void DeliveryFailed(ILogger logger, Exception exception, int count, int attempt, TimeSpan retryIn);

        [LoggerMessage(81, LogLevel.Warning, "{Count} admitted requests were not metered: the usage meter's queue of {Capacity} was full (UsageMeteringOptions.QueueCapacity)", EventName = "UsageRecordsDropped")]
        public static partial void RecordsDropped(ILogger logger, long count, int capacity);

        [LoggerMessage(82, LogLevel.Error, "{Count} admitted requests were not metered: the host's shutdown timeout passed before the usage meter accepted them", EventName = "UsageUndeliveredAtShutdown")]
        public static partial void UndeliveredAtShutdown(ILogger logger, int count);
    }
}

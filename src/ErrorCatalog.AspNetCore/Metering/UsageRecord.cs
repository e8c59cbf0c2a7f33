using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.Middleware;

/// <summary>
/// An admitted request as queued for the meter: references and numbers only, copied by value into the queue, so a
/// request adds no object of its own; the <see cref="MeteredRequest"/> is made by the delivery loop.
/// </summary>
internal struct UsageRecord
{
    public DateTimeOffset Timestamp;
    public ResolvedKey? Key;
    public Endpoint? Endpoint;
    public int Count;
    public UsageCharges Charges;

    /// <summary>Charges past the inline four (a plan with more limits than that).</summary>
    public UsageCharge[]? More;

    /// <summary>
    /// What an admitted batch charged and kept: each request and credit limit with its units and overage units;
    /// concurrency limits hold a lease, not a charge, and are left out. <paramref name="refundedAt"/> is the instant
    /// credits were given back (<see cref="ICounterStore.Refund"/>), or default when none were: a credit charge the
    /// refund reached (its window still open then, as the stores decide) is left out. False when nothing is left.
    /// </summary>
    public static bool TryCreate(CounterBatch batch, ResolvedKey? key, Endpoint? endpoint, DateTimeOffset refundedAt, out UsageRecord record)
    {
        record = default;
        record.Timestamp = batch.Now;
        record.Key = key;
        record.Endpoint = endpoint;
        for (var i = 0; i < batch.Count; i++)
        {
            ref var item = ref batch[i];
            var limit = item.Entry.Limit;
            if (limit.Kind == LimitKind.Concurrency || item.Cost <= 0
                || (limit.Kind == LimitKind.Credits && refundedAt != default && refundedAt < item.ResetAt))
            {
                continue;
            }

            // Used counts this request's charge: the units past the permit, at most the charge, are its overage.
            var overage = item.Overage ? Math.Min(item.Cost, Math.Max(0, item.Used - limit.PermitLimit)) : 0;
            record.Add(limit, item.Cost, overage);
        }

        return record.Count > 0;
    }

    public readonly UsageCharge this[int index] => index < UsageCharges.Length ? Charges[index] : More![index - UsageCharges.Length];

    private void Add(LimitDefinition limit, long units, long overage)
    {
        var charge = new UsageCharge(limit, units, overage);
        if (Count < UsageCharges.Length)
        {
            Charges[Count++] = charge;
            return;
        }

        var extra = Count - UsageCharges.Length;
        if (More is null || extra == More.Length)
        {
            Array.Resize(ref More, Math.Max(4, extra * 2));
        }

        More[extra] = charge;
        Count++;
    }
}

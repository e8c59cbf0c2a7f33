using System.Runtime.CompilerServices;

namespace ErrorCatalog.Middleware;

/// <summary>Room for a request's usual charges inside its record (an IP limit, a key's windows and credits).</summary>
[InlineArray(Length)]
internal struct UsageCharges
{
    public const int Length = 4;

    private UsageCharge _first;
}

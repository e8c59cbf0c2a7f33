namespace ErrorCatalog.Middleware;

/// <summary>One limit a <see cref="MeteredRequest"/> was charged.</summary>
/// <param name="Name">The limit's name as configured (<c>minute</c>, <c>credits</c>), <c>-key</c> appended for a key's own share of a subscription limit.</param>
/// <param name="Scope">Whose counter it charged: the key's, the subscription's or the client IP's.</param>
/// <param name="Kind">What it counts: requests (one unit each) or credits (the endpoint's cost).</param>
/// <param name="Units">The units charged and kept (credits given back are not in it).</param>
/// <param name="OverageUnits">How many of <paramref name="Units"/> went past the limit's quota (a key with overage): the units to bill as overage.</param>
public readonly record struct MeteredLimit(string Name, LimitScope Scope, LimitKind Kind, long Units, long OverageUnits);

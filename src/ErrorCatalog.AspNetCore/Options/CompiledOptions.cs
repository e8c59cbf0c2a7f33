using System.Collections.Frozen;

namespace ErrorCatalog.Middleware;

/// <summary>The options as validation compiled them, once: the request path's parts are built from it.</summary>
internal sealed record CompiledOptions(PlanBook Book, RefusalMap Refusals, FrozenDictionary<ApiKeyHash, ResolvedKey> Keys);

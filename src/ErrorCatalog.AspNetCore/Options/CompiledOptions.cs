using System.Collections.Frozen;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The options as validation compiled them, once: the request path's parts are built from it. <see cref="Catalog"/> is
/// the application's catalog over the defaults, the one every answer comes from.
/// </summary>
internal sealed record CompiledOptions(ApiErrorCatalog Catalog, PlanBook Book, RefusalMap Refusals, FrozenDictionary<ApiKeyHash, ResolvedKey> Keys);

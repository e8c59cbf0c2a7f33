using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// The catalog entry answering each key and access refusal. A catalog that answers fewer refusals falls back
/// to a close one of its own (a revoked key to "invalid key"), then to the default catalog's entry; a refusal with no
/// answer at all fails start-up.
/// </summary>
internal sealed class RefusalMap
{
    private static readonly (Refusal Refusal, Refusal[] Fallbacks)[] Chains =
    [
        (Refusal.KeyMissing, [Refusal.KeyInvalid]), // APIs that answer a missing key as an invalid one ("valid API key required")
        (Refusal.KeyInvalid, []),
        (Refusal.KeyRevoked, [Refusal.KeyInvalid]),
        (Refusal.KeyExpired, [Refusal.KeyInvalid]),
        (Refusal.KeyInactive, [Refusal.KeyInvalid]),
        (Refusal.KeyDisabled, [Refusal.KeyInvalid]),
        (Refusal.PaymentRequired, [Refusal.KeyDisabled, Refusal.KeyInvalid]),
        (Refusal.PaymentExpired, [Refusal.PaymentRequired, Refusal.KeyDisabled, Refusal.KeyInvalid]),
        (Refusal.KeyRequired, [Refusal.KeyMissing, Refusal.KeyInvalid]),
        (Refusal.PlanNotAuthorized, [Refusal.InsufficientScope]),
        (Refusal.InsufficientScope, [Refusal.PlanNotAuthorized]),
        (Refusal.IpNotAllowed, [Refusal.PlanNotAuthorized, Refusal.InsufficientScope]),
    ];

    private readonly ErrorDescriptor[] _answers = new ErrorDescriptor[Enum.GetValues<Refusal>().Length];

    /// <summary>The answers of <paramref name="catalog"/>, the application's catalog over the defaults (<see cref="ApiErrorCatalog.Over"/>).</summary>
    public RefusalMap(ApiErrorCatalog catalog, string path, List<string> errors, bool storeCanFail)
    {
        // The application's own answers, close ones included, come before the defaults' exact one: an API that
        // answers a missing key as an invalid one keeps doing so.
        var declared = catalog.Declared;
        foreach (var (refusal, fallbacks) in Chains)
        {
            // A close entry of the application's answers only where this refusal fills its placeholders: an
            // InsufficientScope entry's {scope} would read empty answering IpNotAllowed, so the default answers that.
            var answer = declared.Find(refusal) ?? fallbacks.Select(declared.Find).FirstOrDefault(d => d is not null && Fills(refusal, d))
                ?? catalog.Find(refusal) ?? fallbacks.Select(catalog.Find).FirstOrDefault(d => d is not null);
            if (answer is null)
            {
                var nor = fallbacks.Length == 0 ? string.Empty : $" (nor {string.Join(", ", fallbacks)})";
                errors.Add($"{path}:Catalog answers no refusal {refusal}{nor}; add 'refusal: {refusal}' to an entry of errors.yaml.");
                continue;
            }

            _answers[(int)refusal] = answer;
        }

        // Answered whenever the catalog has it; needed when the counters fail closed, or a key store can fail.
        _answers[(int)Refusal.StoreUnavailable] = catalog.Find(Refusal.StoreUnavailable)!;
        if (storeCanFail)
        {
            RequireStoreUnavailable(path, errors);
        }

        // Needed only by endpoints marked WithJsonRpcCredits.
        _answers[(int)Refusal.InvalidRequest] = catalog.Find(Refusal.InvalidRequest)!;
    }

    private static bool Fills(Refusal refusal, ErrorDescriptor entry) =>
        RefusalPlaceholders.ByRefusal.TryGetValue(refusal.ToString(), out var filled)
        && entry.Placeholders.All(p => filled.ContainsKey(p.Name));

    /// <summary>Adds the start-up error for a catalog that cannot answer a failing store.</summary>
    public void RequireStoreUnavailable(string path, List<string> errors)
    {
        if (!Answers(Refusal.StoreUnavailable))
        {
            errors.Add($"{path}:Catalog answers no refusal StoreUnavailable, needed when the key store cannot answer.");
        }
    }

    public ErrorDescriptor this[Refusal refusal] => _answers[(int)refusal];

    /// <summary>Whether the catalog answers <paramref name="refusal"/> (the optional ones may be missing).</summary>
    public bool Answers(Refusal refusal) => _answers[(int)refusal] is not null;
}

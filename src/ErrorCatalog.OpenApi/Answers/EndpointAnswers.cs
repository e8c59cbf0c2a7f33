using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Http;

namespace ErrorCatalog.OpenApi;

/// <summary>
/// What one endpoint can answer from the catalog, as its metadata and the configuration decide: the refusals of the
/// key step (in the order the middleware checks them), the limits that count its requests, and whether its handler
/// returns <see cref="ApiError"/>.
/// </summary>
internal sealed class EndpointAnswers
{
    // Key states refused wherever a key is presented, in the order ApiKeyStates checks them.
    private static readonly Refusal[] KeyStates =
        [Refusal.KeyInvalid, Refusal.KeyRevoked, Refusal.KeyExpired, Refusal.KeyInactive, Refusal.KeyDisabled, Refusal.PaymentRequired, Refusal.PaymentExpired];

    private EndpointAnswers(EndpointPolicy policy) => Policy = policy;

    public EndpointPolicy Policy { get; }

    /// <summary>Whether a request without a key is refused (KeyMissing or KeyRequired).</summary>
    public bool KeyRequired { get; private set; }

    /// <summary>Catalog entries answering this endpoint's refusals, each once, in the order they are checked.</summary>
    public List<(ErrorDescriptor Error, Refusal Refusal)> Refusals { get; } = [];

    /// <summary>The limits that count this endpoint's requests (the IP limit and the admitted plans' limits).</summary>
    public List<LimitDefinition> Limits { get; } = [];

    /// <summary>The handler returns <see cref="ApiError"/>, whose entry is known only when it runs.</summary>
    public bool ReturnsApiError { get; private set; }

    public static EndpointAnswers For(EndpointPolicy policy, EndpointMetadataCollection metadata, CatalogSetup setup)
    {
        var answers = new EndpointAnswers(policy) { ReturnsApiError = metadata.GetMetadata<ApiErrorResultMetadata>() is not null };
        var refusals = setup.Compiled.Refusals;
        var keysRequired = setup.Options.KeyReading.Required;

        // As KeyStep decides: a key is missing (401) where keys are required, required (KeyRequired) where optional.
        var needed = policy.KeyExplicitlyRequired || (keysRequired && !policy.KeyOptional) || policy.Plans.Length > 0 || policy.Scopes.Length > 0;
        answers.KeyRequired = needed;
        if (needed)
        {
            answers.Add(refusals, keysRequired && !policy.KeyOptional ? Refusal.KeyMissing : Refusal.KeyRequired);
        }

        // A presented key is checked on every endpoint, even where keys are optional (the OpenAPI document and health
        // checks are not operations of the document).
        foreach (var state in KeyStates)
        {
            answers.Add(refusals, state);
        }

        if (policy.Plans.Length > 0)
        {
            answers.Add(refusals, Refusal.PlanNotAuthorized);
        }

        if (policy.Scopes.Length > 0)
        {
            answers.Add(refusals, Refusal.InsufficientScope);
        }

        if (policy.JsonRpc)
        {
            answers.Add(refusals, Refusal.InvalidRequest);
        }

        if (!policy.Exempt)
        {
            answers.AddLimits(setup.Compiled.Book, policy);
        }

        if (setup.StoreCanRefuse && (answers.Limits.Count > 0 || setup.CustomStore))
        {
            answers.Add(refusals, Refusal.StoreUnavailable);
        }

        return answers;
    }

    private void Add(RefusalMap refusals, Refusal refusal)
    {
        if (!refusals.Answers(refusal))
        {
            return;
        }

        var error = refusals[refusal];
        foreach (var (known, _) in Refusals)
        {
            if (ReferenceEquals(known, error))
            {
                return;
            }
        }

        Refusals.Add((error, refusal));
    }

    private void AddLimits(PlanBook book, EndpointPolicy policy)
    {
        if (book.IpLimit is { } ip)
        {
            Limits.Add(ip);
        }

        if (policy.IpLimitOnly)
        {
            return;
        }

        // Only the plans admitted here count (RequirePlan names plans or features); every plan where none is named.
        foreach (var plan in book.Plans.Values)
        {
            if (policy.Plans.Length > 0 && !policy.Plans.Any(plan.Features.Contains))
            {
                continue;
            }

            foreach (var limit in plan.Limits)
            {
                // An endpoint costing no credits never meets a credit limit.
                if (limit.Kind == LimitKind.Credits && policy.Credits == 0)
                {
                    continue;
                }

                Limits.Add(limit);
            }
        }
    }
}

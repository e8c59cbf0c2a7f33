using System.Globalization;
using ErrorCatalog.Middleware;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace ErrorCatalog.OpenApi;

/// <summary>
/// Adds the catalog's answers to each operation (from the endpoint's policy, as the middleware reads it) and the API
/// key security schemes to the document. Reads the application's services per document, so two applications in one
/// process each describe their own configuration.
/// </summary>
internal sealed class CatalogOpenApiTransformer : IOpenApiOperationTransformer, IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        if (CatalogSetup.From(context.ApplicationServices) is { } setup)
        {
            ApiKeySchemes.Ensure(document, setup.Options.KeyReading); // also where no operation requires a key
        }

        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (CatalogSetup.From(context.ApplicationServices) is not { } setup || context.Document is not { } document)
        {
            return Task.CompletedTask;
        }

        var metadata = new EndpointMetadataCollection(context.Description.ActionDescriptor.EndpointMetadata);
        var endpoint = new Endpoint(null, metadata, context.Description.ActionDescriptor.DisplayName);
        var policy = EndpointPolicy.Create(endpoint, setup.Compiled.Catalog);
        var answers = EndpointAnswers.For(policy, metadata, setup);
        var instance = "/" + context.Description.RelativePath?.TrimStart('/');
        operation.Responses ??= [];

        foreach (var (status, errors) in ByStatus(answers))
        {
            var key = status.ToString(CultureInfo.InvariantCulture);
            if (!operation.Responses.ContainsKey(key))
            {
                operation.Responses[key] = Response(status, errors, document, policy, instance, setup);
            }
        }

        if (answers.ReturnsApiError && !operation.Responses.ContainsKey("default"))
        {
            var shape = policy.Shape ?? setup.Compiled.Catalog.DefaultShape;
            operation.Responses["default"] = new OpenApiResponse
            {
                Description = "An error from the catalog, returned by the handler.",
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    [shape.ContentType] = new() { Schema = ErrorSchemas.Reference(document, shape, setup.Compiled.Catalog) },
                },
            };
        }

        // Admitted responses carry the rate-limit headers of the limits that counted them.
        if (answers.Limits.Count > 0 && setup.Options.Headers != RateLimitHeaderProfiles.None)
        {
            foreach (var (status, response) in operation.Responses)
            {
                if (status.StartsWith('2') && response is OpenApiResponse success)
                {
                    success.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.OrdinalIgnoreCase);
                    ResponseHeaders.AddRateLimit(success.Headers, setup.Options.Headers);
                }
            }
        }

        AddSecurity(operation, document, answers, setup);
        return Task.CompletedTask;
    }

    // Each status once, its entries in the order the middleware checks them; a limit's entry with the limit it answers.
    private static SortedDictionary<int, List<(ErrorDescriptor Error, LimitDefinition? Limit)>> ByStatus(EndpointAnswers answers)
    {
        var byStatus = new SortedDictionary<int, List<(ErrorDescriptor, LimitDefinition?)>>();
        foreach (var (error, _) in answers.Refusals)
        {
            Add(byStatus, error, null);
        }

        foreach (var limit in answers.Limits)
        {
            Add(byStatus, limit.Error, limit);
            Add(byStatus, limit.KeyError, limit);
        }

        return byStatus;

        static void Add(SortedDictionary<int, List<(ErrorDescriptor, LimitDefinition?)>> byStatus, ErrorDescriptor error, LimitDefinition? limit)
        {
            if (!byStatus.TryGetValue(error.Status, out var list))
            {
                byStatus[error.Status] = list = [];
            }

            if (!list.Exists(e => ReferenceEquals(e.Item1, error)))
            {
                list.Add((error, limit));
            }
        }
    }

    private static OpenApiResponse Response(int status, List<(ErrorDescriptor Error, LimitDefinition? Limit)> errors, OpenApiDocument document, EndpointPolicy policy, string instance, CatalogSetup setup)
    {
        var catalog = setup.Compiled.Catalog;
        var content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, List<BodyShape>>(StringComparer.Ordinal);
        var headers = new Dictionary<string, IOpenApiHeader>(StringComparer.OrdinalIgnoreCase);
        var limited = false;
        foreach (var (error, limit) in errors)
        {
            var shape = policy.Shape ?? error.Shape;
            if (!content.TryGetValue(shape.ContentType, out var media))
            {
                content[shape.ContentType] = media = new OpenApiMediaType { Examples = new Dictionary<string, IOpenApiExample>(StringComparer.Ordinal) };
                shapes[shape.ContentType] = [];
            }

            if (!shapes[shape.ContentType].Contains(shape))
            {
                shapes[shape.ContentType].Add(shape);
            }

            media.Examples![error.Code] = new OpenApiExample
            {
                Summary = limit is null ? $"{error.Code}: {error.Title}" : $"{error.Code}: {error.Title} ({limit.Description})",
                Value = ErrorExamples.Body(error, shape, instance, limit, setup),
            };
            ResponseHeaders.AddDeclared(headers, error);
            limited |= limit is not null;
            if (error.Refusal == Refusal.StoreUnavailable)
            {
                ResponseHeaders.AddRetryAfter(headers); // a fail-closed refusal says when to retry
            }

            if (error.Refusal is Refusal.KeyMissing or Refusal.KeyInvalid or Refusal.KeyRequired)
            {
                ResponseHeaders.AddChallenge(headers);
            }
        }

        // Every limit refusal carries Retry-After, whether or not its entry declares it, and the rate-limit headers.
        if (limited)
        {
            ResponseHeaders.AddRetryAfter(headers);
            ResponseHeaders.AddRateLimit(headers, setup.Options.Headers);
        }

        foreach (var (contentType, media) in content)
        {
            var list = shapes[contentType];
            media.Schema = list.Count == 1
                ? ErrorSchemas.Reference(document, list[0], catalog)
                : new OpenApiSchema { OneOf = [.. list.Select(s => ErrorSchemas.Reference(document, s, catalog))] };
        }

        var codes = string.Join(", ", errors.Select(static e => e.Error.Code));
        return new OpenApiResponse
        {
            Description = $"{ReasonPhrases.GetReasonPhrase(status)}: {codes}.",
            Content = content,
            Headers = headers.Count > 0 ? headers : null,
        };
    }

    // Where a key is required, any configured way of sending one satisfies the requirement; elsewhere a key is optional.
    private static void AddSecurity(OpenApiOperation operation, OpenApiDocument document, EndpointAnswers answers, CatalogSetup setup)
    {
        var schemes = ApiKeySchemes.Ensure(document, setup.Options.KeyReading);
        operation.Security ??= [];
        foreach (var id in schemes)
        {
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(id, document)] = [] });
        }

        if (!answers.KeyRequired)
        {
            operation.Security.Add(new OpenApiSecurityRequirement());
        }
    }
}

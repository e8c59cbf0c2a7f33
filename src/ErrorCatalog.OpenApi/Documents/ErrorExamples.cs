using System.Text.Json.Nodes;
using ErrorCatalog.Middleware;

namespace ErrorCatalog.OpenApi;

/// <summary>
/// Example bodies written by the real writer: what a client receives for an entry, in the endpoint's shape, with
/// example values in the placeholders (the refusing limit's own where one is known).
/// </summary>
internal static class ErrorExamples
{
    // A fixed instant, so the document is the same on every request.
    private static readonly DateTimeOffset ExampleTime = new(2030, 1, 1, 0, 1, 0, TimeSpan.Zero);

    public static JsonNode? Body(ErrorDescriptor descriptor, BodyShape? shape, string? instance, LimitDefinition? limit, CatalogSetup? setup)
    {
        var error = new ApiError(descriptor);
        var placeholders = descriptor.Placeholders;
        for (var i = 0; i < placeholders.Length; i++)
        {
            Fill(ref error, i, placeholders[i], limit, setup);
        }

        var context = new ErrorContext
        {
            Instance = instance,
            RequestId = "0HNAB1CD2EF3G:00000001",
            Timestamp = ExampleTime,
            ElapsedMilliseconds = 3,
            CreditCount = 1,
            Plan = limit is null ? null : "free",
        };
        return JsonNode.Parse(ApiErrorWriter.GetBodyBytes(error, context, shape));
    }

    private static void Fill(ref ApiError error, int index, PlaceholderDescriptor placeholder, LimitDefinition? limit, CatalogSetup? setup)
    {
        switch (placeholder.Name)
        {
            case "limit" when limit is not null:
                error.Set(index, limit.PermitLimit);
                return;
            case "used" when limit is not null:
                error.Set(index, limit.PermitLimit);
                return;
            case "remaining":
                error.Set(index, 0L);
                return;
            case "tierLimit" when limit is not null:
                error.Set(index, limit.Description);
                return;
            case "window" when limit is not null:
                error.Set(index, limit.Name);
                return;
            case "upgradeUrl" when setup?.Options.UpgradeUrl is { } url:
                error.Set(index, url);
                return;
            case "header" when setup is not null:
                error.Set(index, setup.Options.KeyReading.EffectiveHeaders[0]);
                return;
        }

        switch (placeholder.Kind)
        {
            case PlaceholderKind.String:
                error.Set(index, placeholder.Name);
                break;
            case PlaceholderKind.Int32:
            case PlaceholderKind.Int64:
                error.Set(index, 1L);
                break;
            case PlaceholderKind.Seconds:
                error.Set(index, TimeSpan.FromSeconds(limit?.Window.Seconds is > 0 and var seconds ? Math.Min(seconds, 60) : 1));
                break;
            case PlaceholderKind.Timestamp:
            case PlaceholderKind.UnixTime:
                error.Set(index, ExampleTime);
                break;
            case PlaceholderKind.Boolean:
                error.Set(index, false);
                break;
        }
    }
}

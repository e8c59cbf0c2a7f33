using System.Text;
using ErrorCatalog;

namespace ErrorCatalog.Middleware;

/// <summary>
/// <see cref="ApiErrorCatalogOptions.RequireCompleteCatalog"/>: each refusal and framework error the application's
/// catalog leaves to the default catalog is a start-up error, one per line, as an errors.yaml entry to paste (the
/// default entry's code, status and title, for the application to make its own).
/// </summary>
internal static class CatalogCompleteness
{
    public static void Check(ApiErrorCatalogOptions options, ApiErrorCatalog catalog, RefusalMap refusals, string path, List<string> errors)
    {
        var missing = new List<string>();
        foreach (var refusal in Enum.GetValues<Refusal>())
        {
            if (refusal == Refusal.None)
            {
                continue;
            }

            // The map holds the key and access answers with their close ones; the others are the catalog's own.
            var answer = refusals.Answers(refusal) ? refusals[refusal] : catalog.Find(refusal);
            if (answer is null || catalog.IsFallback(answer))
            {
                missing.Add(Example(answer ?? ErrorCatalog.Defaults.ApiErrors.Catalog.Find(refusal)!, refusal, null));
            }
        }

        AddCode(options.UnhandledExceptionError, nameof(ApiErrorCatalogOptions.UnhandledExceptionError));
        foreach (var (status, code) in options.StatusErrors)
        {
            AddCode(code, $"{nameof(ApiErrorCatalogOptions.StatusErrors)}:{status}");
        }

        if (missing.Count > 0)
        {
            errors.Add($"{path}:RequireCompleteCatalog is true, but the catalog leaves {missing.Count} answers to the default catalog; add these entries under errors: in errors.yaml (the defaults' codes and titles, to change to your own):");
            errors.AddRange(missing);
        }

        void AddCode(string code, string setting)
        {
            if (catalog.Find(code) is { } entry && catalog.IsFallback(entry) && entry.Refusal == Refusal.None)
            {
                missing.Add(Example(entry, Refusal.None, setting));
            }
        }
    }

    /// <summary>One errors.yaml entry on one line, as a flow mapping: <c>  - { code: X, status: 401, title: "...", refusal: KeyMissing }</c>.</summary>
    internal static string Example(ErrorDescriptor entry, Refusal refusal, string? setting)
    {
        var line = new StringBuilder("  - { code: ").Append(entry.Code)
            .Append(", status: ").Append(entry.Status)
            .Append(", title: \"").Append(entry.Title.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
        if (refusal != Refusal.None)
        {
            line.Append(", refusal: ").Append(RefusalNames.Of(refusal));
        }

        line.Append(" }");
        if (setting is not null)
        {
            line.Append("   # ").Append(setting);
        }

        return line.ToString();
    }
}

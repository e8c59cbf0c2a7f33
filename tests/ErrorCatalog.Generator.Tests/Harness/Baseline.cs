using System.Text.RegularExpressions;

namespace ErrorCatalog.Generator.Tests.Harness;

/// <summary>
/// Expected generated files under Baselines/. Set EC_UPDATE_BASELINES=1 to rewrite them from the current
/// output (then read the diff before committing it).
/// </summary>
internal static partial class Baseline
{
    public static void AssertMatches(string name, string actual)
    {
        actual = Normalize(actual);
        if (Environment.GetEnvironmentVariable("EC_UPDATE_BASELINES") == "1")
        {
            var source = Path.Combine(RepositoryRoot.Path, "tests", "ErrorCatalog.Generator.Tests", "Baselines", name);
            File.WriteAllText(source, actual);
            return;
        }

        var expected = Normalize(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Baselines", name)));
        Assert.Equal(expected, actual);
    }

    /// <summary>\n line endings, and the generator's version (in [GeneratedCode]) as a token, so a release changes no baseline.</summary>
    private static string Normalize(string text) =>
        GeneratedCodeVersion().Replace(text.ReplaceLineEndings("\n"), "$1\"{version}\")");

    [GeneratedRegex("""(GeneratedCode\("ErrorCatalog\.Generator", )"[^"]*"\)""")]
    private static partial Regex GeneratedCodeVersion();
}

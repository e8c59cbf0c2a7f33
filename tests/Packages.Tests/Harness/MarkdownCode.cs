using System.Text.RegularExpressions;

namespace ErrorCatalog.Packages.Tests.Harness;

/// <summary>The fenced code blocks of a Markdown file, so tests run what the documentation says rather than a copy.</summary>
internal static partial class MarkdownCode
{
    /// <summary>Every fenced block: its info string (after the backticks) and its text.</summary>
    public static IReadOnlyList<(string Info, string Code)> Blocks(string markdownPath)
    {
        var text = File.ReadAllText(markdownPath).ReplaceLineEndings("\n");
        return Fence().Matches(text).Select(m => (m.Groups["info"].Value.Trim(), m.Groups["code"].Value)).ToList();
    }

    /// <summary>The block marked <c>file=name</c> (e.g. <c>```yaml file=errors.yaml</c>): a file the reader creates.</summary>
    public static string FileBlock(string markdownPath, string name)
    {
        var blocks = Blocks(markdownPath).Where(b => b.Info.Split(' ').Contains("file=" + name)).ToList();
        Assert.True(blocks.Count == 1, $"{markdownPath} should have exactly one block marked file={name}; it has {blocks.Count}.");
        return blocks[0].Code;
    }

    /// <summary>The first shell block holding <paramref name="text"/>, as its lines.</summary>
    public static string[] ShellLines(string markdownPath, string text)
    {
        var block = Blocks(markdownPath).FirstOrDefault(b => b.Info == "sh" && b.Code.Contains(text, StringComparison.Ordinal));
        Assert.True(block.Code is not null, $"{markdownPath} has no sh block with '{text}'.");
        return block.Code.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [GeneratedRegex(@"^```(?<info>[^\n`]*)\n(?<code>.*?)^```\s*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();
}

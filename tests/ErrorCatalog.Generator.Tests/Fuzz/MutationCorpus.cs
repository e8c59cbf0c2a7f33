using System.Text;

namespace ErrorCatalog.Generator.Tests.Fuzz;

/// <summary>
/// A seeded corpus of mutated errors.yaml files: first the known hazards (injection through values, reserved
/// and invalid names, bad content types, aliases, deep nesting, YAML syntax errors mid-file), then random edits
/// (delete, duplicate, swap, move or re-indent lines, insert special characters or YAML syntax, replace values,
/// truncate). The same seed always gives the same corpus.
/// </summary>
internal static class MutationCorpus
{
    private static readonly string[] Specials =
    [
        ":", ": ", "- ", "[", "]", "{", "}", "{{", "}}", "{x}", "{x:int}", "{$nope}", "{$detail}", "&a ", "*a", "*nope", "!!str ",
        "!tag ", "'", "\"", "#", "\t", "|", ">", "%", "@", "`", "? ", "<<: ", ",", "\\", "\u2028", "\u2029", "\u0085", "\r", "\r\n",
        "\0", "\u0001", "\u001b", "\u00e9", "\u4e2d", "\ud83d\ude00", "<", ">", "&", "\"\"\"", "*/", "/*", "///", "\"; //", "@\"",
    ];

    private static readonly string[] Values =
    [
        "", "null", "~", "[unclosed", "{unclosed", "[a, b]", "{a: b}", "*nope", "&a x", "\"\"", "'it''s'", "-1", "0", "99999999999",
        "1.5", "true", "\"T\\n    public static int Injected { get { return 42; } } //\"", "\"a\\u2028b\\u2029c\\x85d\"",
        "\"a\\rb\\nc\\td\\0e\\x1bf\"", "\"\\\\ \\\" ' ` {{ }}\"", "\"{x:int} {y} {$nope}\"", "\"{\"", "\"}\"", "class", "Shapes",
        "\"</summary> <!-- \"", "\"]]> &amp; &#0;\"", "\"\\uD83D\\uDE00\"", "|\n      line one\n      line two", ">-\n      folded\n      text",
        "\"text/plain\\r\\nX-Evil: 1\"", "@attr", "`tick`", "\"x\" trailing", "'unterminated",
    ];

    private static readonly string[] SyntaxLines =
    [
        "- ", "? complex", ": value", "---", "...", "%YAML 1.2", "%TAG ! tag:x,2000:", "&a", "key: *a", "<<: *a", "!!map", "- - -",
        "[", "]", "{", "}", "a: b: c", "  - code: X", "    status: 400", "\t- code: TAB", "errors:", "shapes: {}", "'",
    ];

    public static IReadOnlyList<CatalogVariant> Build(string baseText, int seed, int count)
    {
        var lines = baseText.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        var variants = new List<CatalogVariant>();
        foreach (var (mutation, edit, mustReject, hazard) in Repros(lines))
        {
            variants.Add(Make(variants.Count, mutation, lines, edit, mustReject, hazard));
        }

        var random = new Random(seed);
        while (variants.Count < count)
        {
            var (mutation, edit) = RandomEdit(lines, random);
            variants.Add(Make(variants.Count, mutation, lines, edit, mustReject: false, hazard: false));
        }

        return variants;
    }

    /// <summary>An edit: the line index it replaces from, how many lines it removes, and the lines it puts there.</summary>
    private readonly record struct Edit(int At, int Remove, string[] Insert, bool Truncate = false);

    private static CatalogVariant Make(int index, string mutation, string[] lines, Edit edit, bool mustReject, bool hazard)
    {
        var result = new List<string>(lines.Take(edit.At));
        result.AddRange(edit.Insert);
        if (!edit.Truncate)
        {
            result.AddRange(lines.Skip(edit.At + edit.Remove));
        }

        // The touched lines of the new text, 1-based; a pure deletion touches the lines on both sides of the gap.
        var insertedLines = edit.Insert.Sum(l => l.Split('\n').Length);
        var first = Math.Max(1, edit.At + (insertedLines == 0 ? 0 : 1));
        var last = Math.Max(first, edit.At + Math.Max(insertedLines, 1));
        var text = string.Join("\n", result) + (edit.Truncate ? string.Empty : "\n");
        var textLines = text.Split('\n');
        last = Math.Min(last, textLines.Length);
        first = Math.Min(first, last);
        return new CatalogVariant(index, mutation, text, first, last, EntryStart(textLines, first), EntryEnd(textLines, last), mustReject, hazard);
    }

    /// <summary>The first line of the entry (top-level key, shape or error) holding <paramref name="line"/>.</summary>
    private static int EntryStart(string[] lines, int line)
    {
        for (var i = Math.Min(line, lines.Length) - 1; i > 0; i--)
        {
            if (IsEntryStart(lines[i]))
            {
                return i + 1;
            }
        }

        return 1;
    }

    /// <summary>The last line of the entry after the one holding <paramref name="line"/>.</summary>
    private static int EntryEnd(string[] lines, int line)
    {
        var starts = 0;
        for (var i = line; i < lines.Length; i++)
        {
            if (IsEntryStart(lines[i]) && ++starts == 2)
            {
                return i;
            }
        }

        return lines.Length;
    }

    private static bool IsEntryStart(string line)
    {
        var indent = line.Length - line.TrimStart(' ').Length;
        var rest = line.TrimStart(' ');
        return indent <= 2 && rest.Length > 0 && rest[0] != '#';
    }

    private static int LineOf(string[] lines, string prefix, int skip = 0) =>
        lines.Select((l, i) => (l, i)).Where(p => p.l.StartsWith(prefix, StringComparison.Ordinal)).Skip(skip).First().i;

    private static Edit Replace(string[] lines, string prefix, string newLine, int skip = 0) => new(LineOf(lines, prefix, skip), 1, [newLine]);

    private static Edit InsertAfter(string[] lines, string prefix, params string[] newLines) => new(LineOf(lines, prefix) + 1, 0, newLines);

    private static IEnumerable<(string Mutation, Edit Edit, bool MustReject, bool Hazard)> Repros(string[] lines)
    {
        // Section 2: values that used to escape their context.
        yield return ("title injects a member", Replace(lines, "    title: Bad Request", "    title: \"T\\n    public static int Injected { get { return 42; } } //\""), false, false);
        yield return ("resolution injects a member", Replace(lines, "    resolution: Check query", "    resolution: \"R\\r\\n    public static int Injected => 42; //\""), false, false);
        yield return ("code injects a member", Replace(lines, "  - code: INVALID_WALLET", "  - code: \"W\\n    public static int Injected => 42; //\""), false, false);
        yield return ("title block scalar", new Edit(LineOf(lines, "    title: Bad Request"), 1, ["    title: |", "      First line", "      public static int Injected => 42; //"]), false, false);
        yield return ("title folded scalar", new Edit(LineOf(lines, "    title: Bad Request"), 1, ["    title: >", "      First", "", "      Second"]), false, false);
        yield return ("title with U+2028/U+2029", Replace(lines, "    title: Bad Request", "    title: \"A\\u2028public static int Injected => 1; //\\u2029B\""), false, false);
        yield return ("title with raw U+2028", Replace(lines, "    title: Bad Request", "    title: A\u2028public static int Injected => 1; //"), false, false);
        yield return ("title with raw U+0085", Replace(lines, "    title: Bad Request", "    title: \"A\u0085public static int Injected => 1; //\""), false, false);
        yield return ("title with control characters", Replace(lines, "    title: Bad Request", "    title: \"a\\0b\\x01c\\x1bd\\x7fe\""), false, false);
        yield return ("title closes the summary", Replace(lines, "    title: Bad Request", "    title: \"</summary></member> <![CDATA[ &amp;\""), false, false);
        yield return ("detail with a quote and backslash", Replace(lines, "    detail: \"{reason:string}\"", "    detail: \"\\\"{reason:string}\\\\\\\" \\u2028\""), false, false);
        yield return ("contentType with CR/LF", Replace(lines, "    contentType: application/json", "    contentType: \"application/json\\r\\nX-Evil: 1\""), true, false);
        yield return ("contentType with U+2028", Replace(lines, "    contentType: application/json", "    contentType: \"application/json\\u2028\""), true, false);
        yield return ("contentType not a media type", Replace(lines, "    contentType: application/json", "    contentType: json please"), true, false);
        yield return ("contentType empty subtype", Replace(lines, "    contentType: application/json", "    contentType: application/"), true, false);
        yield return ("contentType with parameter", Replace(lines, "    contentType: application/json", "    contentType: application/json; charset=utf-8"), false, false);
        yield return ("header value with CR/LF", Replace(lines, "      Retry-After: \"{retryAfter}\"", "      Retry-After: \"{retryAfter}\\r\\nSet-Cookie: a=b\""), true, false);
        yield return ("namespace: class", Replace(lines, "namespace:", "namespace: class"), true, false);
        yield return ("namespace: A.class.B", Replace(lines, "namespace:", "namespace: A.class.B"), true, false);
        yield return ("namespace: A..B", Replace(lines, "namespace:", "namespace: A..B"), true, false);
        yield return ("namespace: global", Replace(lines, "namespace:", "namespace: global"), false, false);
        yield return ("className: class", Replace(lines, "className:", "className: class"), true, false);
        yield return ("className: Shapes", Replace(lines, "className:", "className: Shapes"), true, false);
        yield return ("className: Descriptors", Replace(lines, "className:", "className: Descriptors"), true, false);
        yield return ("className: Catalog", Replace(lines, "className:", "className: Catalog"), true, false);
        yield return ("className of an entry", Replace(lines, "className:", "className: BadRequest"), true, false);
        yield return ("code becomes Shapes", Replace(lines, "  - code: INVALID_WALLET", "  - code: SHAPES"), true, false);
        yield return ("code becomes ToString", Replace(lines, "  - code: INVALID_WALLET", "  - code: TO_STRING"), true, false);
        yield return ("code becomes GetHashCode", Replace(lines, "  - code: INVALID_WALLET", "  - code: get_hash_code"), true, false);
        yield return ("shape named shapes", Replace(lines, "  flat:", "  shapes:"), false, false);
        yield return ("shape names that clash", InsertAfter(lines, "shapes:", "  x1:", "    body: {a: 1}", "  x:", "    body: {a: 1}", "  X:", "    body: {a: 1}"), false, false);
        yield return ("placeholder named error", Replace(lines, "    detail: \"{reason:string}\"", "    detail: \"{error:string}\""), false, false);
        yield return ("placeholder named Descriptors", Replace(lines, "    detail: \"{reason:string}\"", "    detail: \"{Descriptors:string}\""), false, false);
        yield return ("placeholder named class", Replace(lines, "    detail: \"{reason:string}\"", "    detail: \"{class:string}\""), false, false);
        yield return ("placeholder named ApiErrors", Replace(lines, "    detail: \"{reason:string}\"", "    detail: \"{ApiErrors:string}\""), false, false);
        yield return ("title with a lone surrogate escape", Replace(lines, "    title: Bad Request", "    title: \"a\\uD800b\""), false, false);

        // Section 3: resources.
        yield return ("80 KB of nested [", Replace(lines, "    detail: \"{reason:string}\"", "    detail: " + new string('[', 40_000) + new string(']', 40_000)), true, true);
        yield return ("80 KB of nested {", Replace(lines, "    detail: \"{reason:string}\"", "    detail: " + string.Concat(Enumerable.Repeat("{a: ", 20_000)) + "1" + new string('}', 20_000)), true, true);
        yield return ("deeply nested shape body", InsertAfter(lines, "      meta:", Nested(200)), true, true);
        yield return ("alias bomb in a shape", InsertAfter(lines, "shapes:", Bomb()), true, true);
        yield return ("alias of a title", InsertAfter(lines, "    title: The service is invalid", "    resolution: *t"), true, false);
        yield return ("anchor and alias", new Edit(LineOf(lines, "    title: Bad Request"), 1, ["    title: &t Bad Request", "    resolution: *t"]), true, false);
        yield return ("merge key", InsertAfter(lines, "  - code: INVALID_WALLET", "    <<: {status: 400}"), true, false);
        yield return ("9 args", InsertAfter(lines, "      retryAfter: seconds", "      a1: int", "      a2: int", "      a3: int", "      a4: int", "      a5: int", "      a6: int", "      a7: int", "      a8: int"), true, false);

        // Section 4: YAML syntax errors mid-file.
        yield return ("detail: [unclosed", Replace(lines, "    detail: \"{reason:string}\"", "    detail: [unclosed"), true, false);
        yield return ("detail: {unclosed", Replace(lines, "    detail: \"{reason:string}\"", "    detail: {unclosed"), true, false);
        yield return ("title: [a, b", Replace(lines, "    title: Bad Request", "    title: [a, b"), true, false);
        yield return ("undefined alias *nope", Replace(lines, "    title: Bad Request", "    title: *nope"), true, false);
        yield return ("tab indentation", Replace(lines, "    title: Bad Request", "\ttitle: Bad Request"), true, false);
        yield return ("tab after the dash", Replace(lines, "  - code: INVALID_WALLET", "  -\tcode: INVALID_WALLET"), false, false);
        yield return ("unterminated quote mid-file", Replace(lines, "    title: Bad Request", "    title: \"Bad Request"), true, false);
        yield return ("second document", InsertAfter(lines, "    title: The service is invalid", "---", "errors: []"), true, false);
        yield return ("duplicate key", InsertAfter(lines, "    title: Bad Request", "    title: Again"), true, false);
        yield return ("directive mid-file", InsertAfter(lines, "    title: Bad Request", "%YAML 1.2"), true, false);
    }

    private static string[] Nested(int depth)
    {
        var result = new string[depth];
        for (var i = 0; i < depth; i++)
        {
            result[i] = new string(' ', 8 + (2 * i)) + "n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":";
        }

        result[depth - 1] += " 1";
        return result;
    }

    private static string[] Bomb()
    {
        var result = new List<string> { "  bomb:", "    body:", "      a0: &a0 {x: \"{$code}\", y: \"{$code}\"}" };
        for (var i = 1; i < 30; i++)
        {
            var previous = "*a" + (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            result.Add($"      a{i}: &a{i} {{p: {previous}, q: {previous}, r: {previous}}}");
        }

        return [.. result];
    }

    private static (string Mutation, Edit Edit) RandomEdit(string[] lines, Random random)
    {
        var at = random.Next(lines.Length);
        var line = lines[at];
        switch (random.Next(10))
        {
            case 0:
                return ($"delete line {at + 1}", new Edit(at, 1, []));
            case 1:
                return ($"duplicate line {at + 1}", new Edit(at, 1, [line, line]));
            case 2:
                var next = Math.Min(at + 1, lines.Length - 1);
                return ($"swap lines {at + 1} and {next + 1}", new Edit(at, next - at + 1, next == at ? [line] : [lines[next], line]));
            case 3:
                var special = Specials[random.Next(Specials.Length)];
                var column = random.Next(line.Length + 1);
                return ($"insert {Show(special)} into line {at + 1} at {column + 1}", new Edit(at, 1, [line.Insert(column, special)]));
            case 4:
                var cut = random.Next(line.Length + 1);
                return ($"truncate at line {at + 1} column {cut + 1}", new Edit(at, lines.Length - at, [line[..cut]], Truncate: true));
            case 5:
                var indent = new[] { " ", "  ", "\t", "-1", "-2" }[random.Next(5)];
                var shifted = indent[0] == '-'
                    ? line[Math.Min(int.Parse(indent[1..], System.Globalization.CultureInfo.InvariantCulture), line.Length - line.TrimStart(' ').Length)..]
                    : indent + line;
                return ($"indent line {at + 1} by {Show(indent)}", new Edit(at, 1, [shifted]));
            case 6:
                var colon = line.IndexOf(": ", StringComparison.Ordinal);
                if (colon < 0)
                {
                    goto case 3;
                }

                var value = Values[random.Next(Values.Length)];
                var replaced = line[..(colon + 2)] + value;
                return ($"value of line {at + 1} := {Show(value)}", new Edit(at, 1, replaced.Split('\n')));
            case 7:
                var from = random.Next(lines.Length);
                return ($"copy line {from + 1} before line {at + 1}", new Edit(at, 0, [lines[from]]));
            case 8:
                var syntax = SyntaxLines[random.Next(SyntaxLines.Length)];
                var lead = new string(' ', line.Length - line.TrimStart(' ').Length);
                return ($"insert line {Show(syntax)} before line {at + 1}", new Edit(at, 0, [lead + syntax]));
            default:
                var target = random.Next(lines.Length);
                return target == at
                    ? ($"delete line {at + 1}", new Edit(at, 1, []))
                    : ($"move line {at + 1} to {target + 1}", Move(lines, at, target));
        }
    }

    private static Edit Move(string[] lines, int from, int to)
    {
        var low = Math.Min(from, to);
        var high = Math.Max(from, to);
        var span = lines[low..(high + 1)].ToList();
        var moved = span[from - low];
        span.RemoveAt(from - low);
        span.Insert(to - low, moved);
        return new Edit(low, high - low + 1, [.. span]);
    }

    private static string Show(string text)
    {
        var sb = new StringBuilder("'");
        foreach (var c in text)
        {
            sb.Append(c is < ' ' or '\u0085' or '\u2028' or '\u2029' or (>= '\ud800' and <= '\udfff') ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return sb.Append('\'').ToString();
    }
}

using System.Text;

namespace ErrorCatalog.Client.Parsing;

/// <summary>
/// Matches text written from a template (a detail, a header value) back to the template, so a placeholder the body
/// has only inside a sentence (<c>You have used {used}/{limit} requests</c>) is still read.
/// </summary>
internal static class TemplateReader
{
    public static void Match(TemplateSegment[] template, string text, BodyFields fields)
    {
        var position = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var segment = template[i];
            if (segment.Utf8 is { } utf8)
            {
                var literal = Encoding.UTF8.GetString(utf8);
                if (string.CompareOrdinal(text, position, literal, 0, literal.Length) != 0)
                {
                    return; // the text is not this template's: keep what matched so far
                }

                position += literal.Length;
                continue;
            }

            // A value runs to the next literal (or the end); two values in a row cannot be told apart.
            var end = text.Length;
            if (i + 1 < template.Length)
            {
                if (template[i + 1].Utf8 is not { } next)
                {
                    return;
                }

                end = text.IndexOf(Encoding.UTF8.GetString(next), position, StringComparison.Ordinal);
                if (end < 0)
                {
                    return;
                }
            }

            var value = text[position..end];
            if (segment.Placeholder is { } name)
            {
                fields.Arguments.TryAdd(name, value);
            }
            else if (segment.System == SystemValue.Code)
            {
                fields.Code ??= value;
            }

            position = end;
        }
    }
}

using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using ErrorCatalog.Generator.Model;

namespace ErrorCatalog.Generator;

/// <summary>
/// The client's part of <c>ApiErrors</c> (a project that references ErrorCatalog.Client): the codes as constants, the
/// numeric codes as an enum, and per entry with placeholders a typed view over the client's parsed error.
/// </summary>
internal static partial class Emitter
{
    private const string ClientError = "global::ErrorCatalog.Client.CatalogError";

    private static void EmitClient(StringBuilder sb, CatalogModel catalog, CancellationToken cancellationToken)
    {
        sb.AppendLine();
        sb.AppendLine("    /// <summary>The machine codes of errors.yaml, to compare with a parsed error's <c>Code</c>.</summary>");
        sb.AppendLine("    public static class Codes");
        sb.AppendLine("    {");
        foreach (var error in catalog.Errors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            sb.Append("        /// <summary>").Append(Summary(error)).AppendLine("</summary>");
            sb.Append("        public const string ").Append(error.MemberName).Append(" = ").Append(Literal(error.Code)).AppendLine(";");
        }

        sb.AppendLine("    }");

        if (catalog.Errors.Any(static e => e.NumericCode is not null))
        {
            sb.AppendLine();
            sb.AppendLine("    /// <summary>The numeric codes of errors.yaml, to compare with a parsed error's <c>NumericCode</c>.</summary>");
            sb.AppendLine("    public enum NumericCodes");
            sb.AppendLine("    {");
            foreach (var error in catalog.Errors)
            {
                if (error.NumericCode is { } number)
                {
                    sb.Append("        /// <summary>").Append(Summary(error)).AppendLine("</summary>");
                    sb.Append("        ").Append(error.MemberName).Append(" = ").Append(number.ToString(CultureInfo.InvariantCulture)).AppendLine(",");
                }
            }

            sb.AppendLine("    }");
        }

        foreach (var error in catalog.Errors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (error.Placeholders.Count > 0)
            {
                EmitAccessor(sb, error);
            }
        }
    }

    /// <summary>A typed view of an entry's placeholders, and the check that a parsed error is that entry.</summary>
    private static void EmitAccessor(StringBuilder sb, ErrorModel error)
    {
        var type = error.MemberName + "Error";
        sb.AppendLine();
        sb.Append("    /// <summary>The placeholders of ").Append(Summary(error)).AppendLine(", read from a parsed error.</summary>");
        sb.Append("    public readonly struct ").AppendLine(type);
        sb.AppendLine("    {");
        sb.Append("        /// <summary>A view of <paramref name=\"error\"/>; <see cref=\"TryGet").Append(error.MemberName).AppendLine("\"/> checks its code first.</summary>");
        sb.Append("        public ").Append(type).Append('(').Append(ClientError).AppendLine(" error)");
        sb.AppendLine("        {");
        sb.AppendLine("            global::System.ArgumentNullException.ThrowIfNull(error);");
        sb.AppendLine("            Error = error;");
        sb.AppendLine("        }");
        sb.AppendLine();
        sb.AppendLine("        /// <summary>The parsed error.</summary>");
        sb.Append("        public ").Append(ClientError).AppendLine(" Error { get; }");
        foreach (var p in error.Placeholders)
        {
            var property = Parser.MemberName(p.Name);
            if (property is "Error" || property == type)
            {
                property += "Value";
            }

            sb.AppendLine();
            sb.Append("        /// <summary><c>{").Append(Xml(p.Name, "        ")).Append('}').Append("</c> (").Append(Xml(p.Type, "        "))
                .AppendLine("), or null when the response did not carry it.</summary>");
            sb.Append("        public ").Append(AccessorType(p.Type)).Append("? ").Append(property).Append(" => Error.")
                .Append(Getter(p.Type)).Append('(').Append(Literal(p.Name)).AppendLine(");");
        }

        sb.AppendLine("    }");
        sb.AppendLine();
        sb.Append("    /// <summary>Whether <paramref name=\"error\"/> is ").Append(Xml(error.Code, "    ")).AppendLine(", with its placeholders typed.</summary>");
        sb.Append("    public static bool TryGet").Append(error.MemberName).Append('(').Append(ClientError).Append(" error, out ").Append(type).AppendLine(" value)");
        sb.AppendLine("    {");
        sb.AppendLine("        global::System.ArgumentNullException.ThrowIfNull(error);");
        sb.Append("        value = new ").Append(type).AppendLine("(error);");
        sb.Append("        return string.Equals(error.Code, Codes.").Append(error.MemberName).AppendLine(", global::System.StringComparison.Ordinal);");
        sb.AppendLine("    }");
    }

    private static string Summary(ErrorModel error) =>
        Xml(error.Code, "        ") + (error.NumericCode is { } n ? $" ({n.ToString(CultureInfo.InvariantCulture)})" : string.Empty)
        + ", HTTP " + error.Status.ToString(CultureInfo.InvariantCulture) + ": " + Xml(error.Title, "        ");

    private static string AccessorType(string type) => type switch
    {
        "int" => "int",
        "long" => "long",
        "seconds" => "global::System.TimeSpan",
        "timestamp" or "unixtime" => "global::System.DateTimeOffset",
        "bool" => "bool",
        _ => "string",
    };

    private static string Getter(string type) => type switch
    {
        "int" => "GetInt32",
        "long" => "GetInt64",
        "seconds" => "GetSeconds",
        "timestamp" or "unixtime" => "GetDateTimeOffset",
        "bool" => "GetBoolean",
        _ => "GetString",
    };
}

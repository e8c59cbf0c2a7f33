using System.Globalization;
using System.Text.Json;

namespace ErrorCatalog;

internal static partial class ApiErrorWriter
{
    private static void WriteObject(Utf8JsonWriter writer, ShapeNode node, in ApiError error, in ErrorContext context, WriterCache cache)
    {
        if (node.Name is null)
        {
            writer.WriteStartObject();
        }
        else
        {
            writer.WriteStartObject(node.EncodedName);
        }

        foreach (var child in node.Children)
        {
            switch (child.Kind)
            {
                case ShapeNodeKind.Object:
                    WriteObject(writer, child, error, context, cache);
                    break;
                case ShapeNodeKind.Literal:
                    writer.WritePropertyName(child.EncodedName);
                    writer.WriteRawValue(child.LiteralJson, skipInputValidation: true);
                    break;
                case ShapeNodeKind.Value when child.Placeholder is { } name:
                    var index = error.Descriptor?.IndexOf(name) ?? -1;
                    if (error.IsSet(index))
                    {
                        WriteArgument(writer, child.EncodedName, error.Descriptor!.Placeholders[index].Kind, error[index]);
                    }

                    break;
                case ShapeNodeKind.Value when child.OmittedWhenAbsent && context.Details is null:
                    break;
                case ShapeNodeKind.Value:
                    WriteSystemValue(writer, child.EncodedName, child.System, error, context, cache);
                    break;
                case ShapeNodeKind.Template:
                    var scratch = cache.Scratch;
                    scratch.ResetWrittenCount();
                    TemplateRenderer.Render(scratch, child.Template, error, context);
                    writer.WriteString(child.EncodedName, scratch.WrittenSpan);
                    break;
                case ShapeNodeKind.Arguments when error.Descriptor is not null:
                    var placeholders = error.Descriptor.Placeholders;
                    for (var i = 0; i < placeholders.Length; i++)
                    {
                        if (error.IsSet(i))
                        {
                            WriteArgument(writer, placeholders[i].EncodedName, placeholders[i].Kind, error[i]);
                        }
                    }

                    break;
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteArgument(Utf8JsonWriter writer, JsonEncodedText name, PlaceholderKind kind, in ErrorArgument argument)
    {
        switch (kind)
        {
            case PlaceholderKind.String:
                writer.WriteString(name, argument.Text);
                break;
            case PlaceholderKind.Timestamp:
                WriteTimestamp(writer, name, new DateTime(argument.Number, DateTimeKind.Utc));
                break;
            case PlaceholderKind.UnixTime:
                writer.WriteNumber(name, TemplateRenderer.UnixSeconds(argument.Number));
                break;
            case PlaceholderKind.Boolean:
                writer.WriteBoolean(name, argument.Number != 0);
                break;
            default:
                writer.WriteNumber(name, argument.Number);
                break;
        }
    }

    private static void WriteSystemValue(
        Utf8JsonWriter writer, JsonEncodedText name, SystemValue value, in ApiError error, in ErrorContext context, WriterCache cache)
    {
        var descriptor = error.Descriptor;
        if (descriptor is null)
        {
            // A success body: only the request's values exist.
            WriteRequestValue(writer, name, value, context);
            return;
        }

        switch (value)
        {
            case SystemValue.Type:
                writer.WriteString(name, descriptor.EncodedType);
                break;
            case SystemValue.Title:
                writer.WriteString(name, descriptor.EncodedTitle);
                break;
            case SystemValue.Status:
                writer.WriteNumber(name, descriptor.Status);
                break;
            case SystemValue.Code:
                writer.WriteString(name, descriptor.EncodedCode);
                break;
            case SystemValue.NumericCode when descriptor.NumericCode is { } number:
                writer.WriteNumber(name, number);
                break;
            case SystemValue.Resolution when descriptor.Resolution is not null:
                writer.WriteString(name, descriptor.EncodedResolution);
                break;
            case SystemValue.Detail when descriptor.HasConstantDetail:
                writer.WriteString(name, descriptor.ConstantDetail);
                break;
            case SystemValue.Detail when descriptor.Detail.Length > 0:
                var scratch = cache.Scratch;
                scratch.ResetWrittenCount();
                TemplateRenderer.Render(scratch, descriptor.Detail, error, context);
                writer.WriteString(name, scratch.WrittenSpan);
                break;
            default:
                WriteRequestValue(writer, name, value, context);
                break;
        }
    }

    private static void WriteRequestValue(Utf8JsonWriter writer, JsonEncodedText name, SystemValue value, in ErrorContext context)
    {
        switch (value)
        {
            case SystemValue.Status when context.SuccessStatus != 0:
                writer.WriteNumber(name, context.SuccessStatus);
                break;
            case SystemValue.Instance when context.Instance is not null:
                writer.WriteString(name, context.Instance);
                break;
            case SystemValue.RequestId when context.RequestId is not null:
                writer.WriteString(name, context.RequestId);
                break;
            case SystemValue.Plan when context.Plan is not null:
                writer.WriteString(name, context.Plan);
                break;
            case SystemValue.Timestamp when context.Timestamp != default:
                WriteTimestamp(writer, name, context.Timestamp.UtcDateTime);
                break;
            case SystemValue.Elapsed when context.ElapsedMilliseconds is { } elapsed:
                writer.WriteNumber(name, elapsed);
                break;
            case SystemValue.CreditCount:
                writer.WriteNumber(name, context.CreditCount);
                break;
            case SystemValue.Data or SystemValue.Details when context.Details is { } data:
                // Objects (a success result, validation errors) go through the serializer: not the hot path.
                writer.WritePropertyName(name);
                JsonSerializer.Serialize(writer, data, data.GetType(), context.JsonOptions ?? JsonSerializerOptions.Web);
                break;
            case SystemValue.Details:
                // No details: the field is still there, as null ({"details": null}), as APIs with a details field document.
                writer.WriteNull(name);
                break;
        }
    }

    private static void WriteTimestamp(Utf8JsonWriter writer, JsonEncodedText name, DateTime utc)
    {
        Span<byte> text = stackalloc byte[32];
        utc.TryFormat(text, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        writer.WriteString(name, text[..written]);
    }
}

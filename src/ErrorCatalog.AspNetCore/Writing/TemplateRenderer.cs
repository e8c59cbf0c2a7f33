using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace ErrorCatalog;

/// <summary>Fills a template into UTF-8 without intermediate strings.</summary>
internal static class TemplateRenderer
{
    private static ReadOnlySpan<byte> True => "true"u8;

    private static ReadOnlySpan<byte> False => "false"u8;

    public static void Render(IBufferWriter<byte> output, TemplateSegment[] template, in ApiError error, in ErrorContext context)
    {
        foreach (var segment in template)
        {
            if (segment.Utf8 is { } literal)
            {
                output.Write(literal);
            }
            else if (segment.Placeholder is { } name)
            {
                var index = error.Descriptor?.IndexOf(name) ?? -1;
                if (error.IsSet(index))
                {
                    WriteArgument(output, error.Descriptor!.Placeholders[index].Kind, error[index]);
                }
            }
            else
            {
                WriteSystemValue(output, segment.System, error, context);
            }
        }
    }

    public static void WriteArgument(IBufferWriter<byte> output, PlaceholderKind kind, in ErrorArgument argument)
    {
        switch (kind)
        {
            case PlaceholderKind.String:
                WriteText(output, argument.Text);
                break;
            case PlaceholderKind.Timestamp:
                WriteTimestamp(output, new DateTime(argument.Number, DateTimeKind.Utc));
                break;
            case PlaceholderKind.UnixTime:
                WriteInteger(output, UnixSeconds(argument.Number));
                break;
            case PlaceholderKind.Boolean:
                output.Write(argument.Number != 0 ? True : False);
                break;
            default:
                WriteInteger(output, argument.Number);
                break;
        }
    }

    public static void WriteSystemValue(IBufferWriter<byte> output, SystemValue value, in ApiError error, in ErrorContext context)
    {
        // A success body has no descriptor: only the request's values exist.
        if (error.Descriptor is { } descriptor)
        {
            switch (value)
            {
                case SystemValue.Code:
                    WriteText(output, descriptor.Code);
                    return;
                case SystemValue.Title:
                    WriteText(output, descriptor.Title);
                    return;
                case SystemValue.Type:
                    WriteText(output, descriptor.Type);
                    return;
                case SystemValue.Status:
                    WriteInteger(output, descriptor.Status);
                    return;
                case SystemValue.NumericCode:
                    if (descriptor.NumericCode is { } number)
                    {
                        WriteInteger(output, number);
                    }

                    return;
                case SystemValue.Resolution:
                    WriteText(output, descriptor.Resolution);
                    return;
                case SystemValue.Detail:
                    Render(output, descriptor.Detail, error, context);
                    return;
            }
        }

        switch (value)
        {
            case SystemValue.Status when context.SuccessStatus != 0:
                WriteInteger(output, context.SuccessStatus);
                break;
            case SystemValue.Instance:
                WriteText(output, context.Instance);
                break;
            case SystemValue.RequestId:
                WriteText(output, context.RequestId);
                break;
            case SystemValue.Plan:
                WriteText(output, context.Plan);
                break;
            case SystemValue.Timestamp when context.Timestamp != default:
                WriteTimestamp(output, context.Timestamp.UtcDateTime);
                break;
            case SystemValue.Elapsed when context.ElapsedMilliseconds is { } elapsed:
                WriteInteger(output, elapsed);
                break;
            case SystemValue.CreditCount:
                WriteInteger(output, context.CreditCount);
                break;
        }
    }

    public static long UnixSeconds(long utcTicks) => (utcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;

    public static void WriteInteger(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }

    public static void WriteTimestamp(IBufferWriter<byte> output, DateTime utc)
    {
        var span = output.GetSpan(24);
        utc.TryFormat(span, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    private static void WriteText(IBufferWriter<byte> output, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}

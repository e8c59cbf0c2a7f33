using YamlDotNet.Core;

namespace ErrorCatalog.Generator;

/// <summary>YAML that is valid but that errors.yaml does not accept (aliases, deep nesting, a second document...).</summary>
internal sealed class UnsupportedYamlException(Mark start, Mark end, string message) : YamlException(start, end, message);

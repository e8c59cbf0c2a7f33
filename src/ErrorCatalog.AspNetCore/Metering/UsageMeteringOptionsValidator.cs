using Microsoft.Extensions.Options;

namespace ErrorCatalog.Middleware;

/// <summary>Checks <see cref="UsageMeteringOptions"/> at start-up, naming the setting out of range.</summary>
[OptionsValidator]
internal sealed partial class UsageMeteringOptionsValidator : IValidateOptions<UsageMeteringOptions>
{
}

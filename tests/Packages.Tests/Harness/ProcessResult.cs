namespace ErrorCatalog.Packages.Tests.Harness;

/// <summary>How a child process ended: its exit code and its stdout and stderr, interleaved as written.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, string Output)
{
    public override string ToString() => $"{CommandLine} exited with {ExitCode}:\n{Output}";
}

using System.Globalization;

namespace HybridAnswer.Package.Tests;

/// <summary>What a child process did: its exit code, its output and how long it took.</summary>
internal sealed record ProcessResult(string CommandLine, string WorkingDirectory, int ExitCode, bool TimedOut, TimeSpan Elapsed, string StandardOutput, string StandardError)
{
    /// <summary>Fails the test, with the command and everything it printed, unless the process exited with 0 in time.</summary>
    public ProcessResult AssertSucceeded()
    {
        if (TimedOut || ExitCode != 0)
        {
            Assert.Fail(Describe(TimedOut ? "timed out" : string.Create(CultureInfo.InvariantCulture, $"exited with {ExitCode}")));
        }

        return this;
    }

    /// <summary>The command, its outcome and its output, for failure messages.</summary>
    public string Describe(string outcome) => string.Create(CultureInfo.InvariantCulture, $"""
        `{CommandLine}` (in {WorkingDirectory}) {outcome} after {Elapsed.TotalSeconds:0.0} s.
        --- stdout ---
        {StandardOutput}
        --- stderr ---
        {StandardError}
        """);
}

using System.Globalization;

namespace HybridAnswer.FineTuning;

/// <summary>A problem found in a fine-tuning file, with the line it is on.</summary>
/// <param name="Line">The 1-based line number; <see langword="null"/> for a problem of the whole file (e.g. too few examples).</param>
/// <param name="Severity">Whether it is an error or a warning.</param>
/// <param name="Code">A stable kebab-case identifier of the rule (e.g. <c>last-message-not-assistant</c>), for scripts; see <see cref="FineTuningIssueCodes"/>.</param>
/// <param name="Message">What is wrong and what to do, in words.</param>
public sealed record FineTuningIssue(int? Line, FineTuningIssueSeverity Severity, string Code, string Message)
{
    /// <summary>Formats the issue as <c>line 3: error [code] message</c> (or <c>file: ...</c> without a line).</summary>
    /// <returns>The formatted issue.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{(Line is { } line ? $"line {line}" : "file")}: {(Severity == FineTuningIssueSeverity.Error ? "error" : "warning")} [{Code}] {Message}");
}

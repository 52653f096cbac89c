using System.Globalization;

namespace HybridAnswer.FineTuning;

/// <summary>A problem found in a fine-tuning file, with the line it is on.</summary>
public sealed record FineTuningIssue
{
    /// <summary>Gets the 1-based line number; <see langword="null"/> for a problem of the whole file (e.g. too few examples).</summary>
    public required int? Line { get; init; }

    /// <summary>Gets whether it is an error or a warning.</summary>
    public required FineTuningIssueSeverity Severity { get; init; }

    /// <summary>Gets a stable kebab-case identifier of the rule (e.g. <c>last-message-not-assistant</c>), for scripts; see <see cref="FineTuningIssueCodes"/>.</summary>
    public required string Code { get; init; }

    /// <summary>Gets what is wrong and what to do, in words.</summary>
    public required string Message { get; init; }

    /// <summary>Formats the issue as <c>line 3: error [code] message</c> (or <c>file: ...</c> without a line).</summary>
    /// <returns>The formatted issue.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{(Line is { } line ? $"line {line}" : "file")}: {(Severity == FineTuningIssueSeverity.Error ? "error" : "warning")} [{Code}] {Message}");
}

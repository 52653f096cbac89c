namespace HybridAnswer.Evaluation;

/// <summary>
/// The format checks a question set may give for a question's answer (<c>"format"</c> in the question file); every check that
/// is set is scored pass or fail by <see cref="ModeComparer"/> (<see cref="ModeResult.FormatAgreement"/>). Citation markers
/// (<c>[1]</c>) are removed from the answer before checking, so a cited answer and an uncited one are checked alike.
/// </summary>
public sealed record AnswerFormat
{
    /// <summary>Gets a regular expression (.NET syntax; <c>(?i)</c> for case-insensitive) the answer must match somewhere, or <see langword="null"/>.</summary>
    public string? Pattern { get; init; }

    /// <summary>Gets the fewest words the answer may have, or <see langword="null"/>.</summary>
    public int? MinWords { get; init; }

    /// <summary>Gets the most words the answer may have, or <see langword="null"/>.</summary>
    public int? MaxWords { get; init; }

    /// <summary>
    /// Gets whether the answer must be a bulleted list (<see langword="true"/>: at least one line starting with <c>-</c>, <c>*</c>,
    /// <c>•</c> or <c>1.</c>) or must not be one (<see langword="false"/>); <see langword="null"/> when not checked.
    /// </summary>
    public bool? Bullets { get; init; }

    /// <summary>Gets text the answer must start with (case-insensitive, leading white space ignored), or <see langword="null"/>.</summary>
    public string? StartsWith { get; init; }

    /// <summary>Gets text the answer must end with (case-insensitive, trailing white space ignored), or <see langword="null"/>.</summary>
    public string? EndsWith { get; init; }

    /// <summary>Gets the number of checks set.</summary>
    public int Checks =>
        (Pattern is null ? 0 : 1) + (MinWords is null ? 0 : 1) + (MaxWords is null ? 0 : 1) + (Bullets is null ? 0 : 1) + (StartsWith is null ? 0 : 1) + (EndsWith is null ? 0 : 1);
}

namespace HybridAnswer.FineTuning;

/// <summary>What <see cref="FineTuningValidator"/> found in a file: every problem with its line, the split, the tokens and the estimated cost.</summary>
public sealed record FineTuningValidationReport
{
    /// <summary>Gets the model the file was checked for.</summary>
    public required FineTuningModel Model { get; init; }

    /// <summary>Gets the number of lines read.</summary>
    public required int LineCount { get; init; }

    /// <summary>Gets the number of well-formed examples (lines without errors).</summary>
    public required int ExampleCount { get; init; }

    /// <summary>Gets every problem, in line order; problems of the whole file (no line) come last.</summary>
    public required IReadOnlyList<FineTuningIssue> Issues { get; init; }

    /// <summary>Gets a value indicating whether the file can be uploaded as is: no errors (warnings allowed).</summary>
    public bool IsValid => ErrorCount == 0;

    /// <summary>Gets the number of errors.</summary>
    public int ErrorCount => Issues.Count(i => i.Severity == FineTuningIssueSeverity.Error);

    /// <summary>Gets the number of warnings.</summary>
    public int WarningCount => Issues.Count(i => i.Severity == FineTuningIssueSeverity.Warning);

    /// <summary>Gets the number of examples in the training split.</summary>
    public required int TrainingExampleCount { get; init; }

    /// <summary>Gets the number of examples held out for validation.</summary>
    public required int ValidationExampleCount { get; init; }

    /// <summary>Gets the tokens of all well-formed examples.</summary>
    public required long TotalTokens { get; init; }

    /// <summary>Gets the tokens of the longest example.</summary>
    public required int MaxExampleTokens { get; init; }

    /// <summary>Gets the billed tokens of one pass over the training split (each example capped at the model's limit).</summary>
    public required long TrainingTokensPerEpoch { get; init; }

    /// <summary>Gets the number of epochs the estimate uses.</summary>
    public required int Epochs { get; init; }

    /// <summary>Gets the estimated trained tokens: <see cref="TrainingTokensPerEpoch"/> × <see cref="Epochs"/>.</summary>
    public long EstimatedTrainingTokens => TrainingTokensPerEpoch * Epochs;

    /// <summary>Gets the estimated training cost in US dollars at the model's price.</summary>
    public decimal EstimatedCostUsd => Model.TrainingCostUsd(EstimatedTrainingTokens);

    /// <summary>Gets how tokens were counted: <c>o200k_base</c>, or an approximation when the encoding could not be loaded.</summary>
    public required string TokenEncoding { get; init; }
}

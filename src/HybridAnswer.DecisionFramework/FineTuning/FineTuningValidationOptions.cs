namespace HybridAnswer.FineTuning;

/// <summary>What <see cref="FineTuningValidator"/> checks a file against.</summary>
public sealed record FineTuningValidationOptions
{
    /// <summary>The fine-tuning service's minimum number of examples.</summary>
    public const int DefaultMinimumExamples = 10;

    /// <summary>The framework's threshold for fine-tuning well: below it, start with RAG.</summary>
    public const int DefaultRecommendedExamples = 500;

    /// <summary>Gets the model to be fine-tuned: its per-example token limit and training price.</summary>
    /// <value>The default is <see cref="FineTuningModels.Default"/> (<c>gpt-4o-mini-2024-07-18</c>).</value>
    public FineTuningModel Model { get; init; } = FineTuningModels.Default;

    /// <summary>Gets the fewest examples accepted; fewer is an error.</summary>
    /// <value>The default is 10.</value>
    public int MinimumExamples { get; init; } = DefaultMinimumExamples;

    /// <summary>Gets the fewest examples to fine-tune well; fewer is a warning.</summary>
    /// <value>The default is 500.</value>
    public int RecommendedExamples { get; init; } = DefaultRecommendedExamples;

    /// <summary>Gets the number of epochs to estimate the cost with; <see langword="null"/> for the service's automatic choice (3, raised for tiny files and lowered for huge ones).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public int? Epochs { get; init; }

    /// <summary>Gets the share of examples held out for validation (0 for none, at most 0.5); only the training share is billed.</summary>
    /// <value>The default is 0.1.</value>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Gets the seed of the train/validation shuffle.</summary>
    /// <value>The default is 42.</value>
    public int SplitSeed { get; init; } = 42;

    /// <summary>Gets the leakage check: when set, assistant answers that state knowledge-base facts are warned about.</summary>
    /// <value>The default is <see langword="null"/>: no leakage check.</value>
    public KnowledgeLeakageDetector? LeakageDetector { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Model.MaxTokensPerExample, nameof(Model));
        ArgumentOutOfRangeException.ThrowIfNegative(MinimumExamples);
        ArgumentOutOfRangeException.ThrowIfNegative(RecommendedExamples);
        if (Epochs is { } epochs)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1, nameof(Epochs));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(epochs, 50, nameof(Epochs));
        }

        if (ValidationFraction is < 0 or > 0.5 || double.IsNaN(ValidationFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "The validation fraction must be between 0 and 0.5.");
        }
    }
}

using System.ComponentModel.DataAnnotations;

namespace HybridAnswer.FineTuning;

/// <summary>
/// What <see cref="FineTuningValidator"/> checks a file against. Checked by its constructor: a bad value throws
/// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming its key under <see cref="SectionName"/>.
/// </summary>
public sealed record FineTuningValidationOptions
{
    /// <summary>The configuration section the options bind from, and the prefix of the keys its validation failures name.</summary>
    public const string SectionName = HybridAnsweringOptions.SectionName + ":FineTuning:Validation";

    /// <summary>The fine-tuning service's minimum number of examples.</summary>
    public const int DefaultMinimumExamples = 10;

    /// <summary>The framework's threshold for fine-tuning well: below it, start with RAG.</summary>
    public const int DefaultRecommendedExamples = 500;

    /// <summary>Gets the model to be fine-tuned: its per-example token limit and training price.</summary>
    /// <value>The default is <see cref="FineTuningModels.Default"/> (<c>gpt-4o-mini-2024-07-18</c>).</value>
    [Required]
    public FineTuningModel Model { get; init; } = FineTuningModels.Default;

    /// <summary>Gets the fewest examples accepted; fewer is an error.</summary>
    /// <value>The default is 10; at least 0.</value>
    [Range(0, int.MaxValue)]
    public int MinimumExamples { get; init; } = DefaultMinimumExamples;

    /// <summary>Gets the fewest examples to fine-tune well; fewer is a warning.</summary>
    /// <value>The default is 500; at least 0.</value>
    [Range(0, int.MaxValue)]
    public int RecommendedExamples { get; init; } = DefaultRecommendedExamples;

    /// <summary>Gets the number of epochs to estimate the cost with; <see langword="null"/> for the service's automatic choice (3, raised for tiny files and lowered for huge ones).</summary>
    /// <value>The default is <see langword="null"/>; otherwise 1 to 50.</value>
    [Range(1, 50)]
    public int? Epochs { get; init; }

    /// <summary>Gets the share of examples held out for validation (0 for none, at most 0.5); only the training share is billed.</summary>
    /// <value>The default is 0.1.</value>
    [Range(0.0, 0.5)]
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Gets the seed of the train/validation shuffle.</summary>
    /// <value>The default is 42.</value>
    public int SplitSeed { get; init; } = 42;

    /// <summary>Gets the leakage check: when set, assistant answers that state knowledge-base facts are warned about.</summary>
    /// <value>The default is <see langword="null"/>: no leakage check.</value>
    public KnowledgeLeakageDetector? LeakageDetector { get; init; }
}

using System.ComponentModel.DataAnnotations;

namespace HybridAnswer;

/// <summary>
/// The support thresholds of the embedded <see cref="ExtractiveGenerator"/>, used when no chat model is registered (section
/// <c>HybridAnswering:Extractive</c>). Like <see cref="HybridAnsweringOptions.MinScore"/>, they are on the scale of the corpus
/// and the embedder: recommend values for a corpus with <c>hybrid-answer eval --calibrate</c>.
/// </summary>
public sealed class ExtractiveGeneratorOptions
{
    /// <summary>The configuration section these options bind from: <c>HybridAnswering:Extractive</c>, inside <see cref="HybridAnsweringOptions"/>.</summary>
    public const string SectionName = HybridAnsweringOptions.SectionName + ":Extractive";

    /// <summary>
    /// Gets or sets the lexical support threshold: the share (0–1) of the question's weighted content terms that one source must
    /// contain for the generator to answer rather than refuse with <see cref="NoAnswerReason.InsufficientSupport"/>.
    /// </summary>
    /// <value>The default is <see cref="ExtractiveGenerator.DefaultMinQuestionCoverage"/> (0.6).</value>
    [Range(0.0, 1.0)]
    public double MinQuestionCoverage { get; set; } = ExtractiveGenerator.DefaultMinQuestionCoverage;

    /// <summary>
    /// Gets or sets the semantic support threshold, used when the knowledge base embeds with a semantic model (not the hashing
    /// embedder): a sentence at least this similar to the question (cosine, −1 to 1) supports an answer even where the words differ.
    /// </summary>
    /// <value>The default is <see cref="ExtractiveGenerator.DefaultMinSentenceSimilarity"/> (0.35).</value>
    [Range(-1.0, 1.0)]
    public double MinSentenceSimilarity { get; set; } = ExtractiveGenerator.DefaultMinSentenceSimilarity;
}

namespace HybridAnswer;

/// <summary>
/// The figures <see cref="ExtractiveGenerator"/> decides support on, as measured by
/// <see cref="ExtractiveGenerator.MeasureSupportAsync(GenerationRequest, CancellationToken)"/>: used to calibrate the
/// refusal thresholds on a question set.
/// </summary>
public sealed class ExtractiveSupport
{
    /// <summary>Initializes a new instance of the <see cref="ExtractiveSupport"/> class.</summary>
    /// <param name="coverage">The best source's weighted coverage of the question's terms, 0–1.</param>
    /// <param name="similarity">The best sentence's cosine similarity to the question (0 without an embedder).</param>
    public ExtractiveSupport(double coverage, double similarity)
        : this(coverage, similarity, declinedByContent: false)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExtractiveSupport"/> class.</summary>
    /// <param name="coverage">The best source's weighted coverage of the question's terms, 0–1.</param>
    /// <param name="similarity">The best sentence's cosine similarity to the question (0 without an embedder).</param>
    /// <param name="declinedByContent">Whether the generator declines whatever the thresholds (see <see cref="DeclinedByContent"/>).</param>
    public ExtractiveSupport(double coverage, double similarity, bool declinedByContent)
    {
        Coverage = coverage;
        Similarity = similarity;
        DeclinedByContent = declinedByContent;
    }

    /// <summary>Gets the best source's weighted coverage of the question's terms, 0–1.</summary>
    public double Coverage { get; }

    /// <summary>Gets the best sentence's cosine similarity to the question (0 without an embedder).</summary>
    public double Similarity { get; }

    /// <summary>
    /// Gets whether the generator declines the question whatever its thresholds, from what the support says: the question asks
    /// for a figure (a price, a count, a date) the quoted support does not state, or uses a name no retrieved source mentions.
    /// A calibration counts such a question as refused at every threshold.
    /// </summary>
    public bool DeclinedByContent { get; }
}

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
    {
        Coverage = coverage;
        Similarity = similarity;
    }

    /// <summary>Gets the best source's weighted coverage of the question's terms, 0–1.</summary>
    public double Coverage { get; }

    /// <summary>Gets the best sentence's cosine similarity to the question (0 without an embedder).</summary>
    public double Similarity { get; }
}

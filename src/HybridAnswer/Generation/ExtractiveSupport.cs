namespace HybridAnswer;

/// <summary>
/// The figures <see cref="ExtractiveGenerator"/> decides support on, as measured by
/// <see cref="ExtractiveGenerator.MeasureSupportAsync(GenerationRequest, CancellationToken)"/>: used to calibrate the
/// refusal thresholds on a question set.
/// </summary>
/// <param name="Coverage">The best source's weighted coverage of the question's terms, 0–1.</param>
/// <param name="Similarity">The best sentence's cosine similarity to the question (0 without an embedder).</param>
public sealed record ExtractiveSupport(double Coverage, double Similarity);

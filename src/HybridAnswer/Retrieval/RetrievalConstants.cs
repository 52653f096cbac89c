namespace HybridAnswer;

/// <summary>The constants of ranking shared by every store, so the in-memory and the PostgreSQL rankings cannot drift apart.</summary>
internal static class RetrievalConstants
{
    /// <summary>The default k of reciprocal rank fusion. Plain RRF uses 60; 10 equalled or beat it on hit@1 on both question sets, and lets a clear first place count.</summary>
    public const int DefaultRrfK = 10;

    /// <summary>The least weight a list's rank keeps in the score-weighted fusion: being in a list still counts (as in plain RRF).</summary>
    public const double MinFusionWeight = 0.1;

    /// <summary>
    /// The share of the question's term weight (idf) the keyword ranking's best chunk must hold for the keyword ranking to count
    /// fully in the fusion; below it the keyword ranking counts in proportion (see <see cref="KeywordConfidence"/>). Measured on two
    /// development sets (git man pages, apt/dpkg man pages) against 1 (always full), 0.33 and 0.67: 0.5 kept every literal question
    /// and moved paraphrased ones.
    /// </summary>
    public const double KeywordFullWeightCoverage = 0.5;

    /// <summary>The most candidates one ranking list contributes to the fusion.</summary>
    public const int MaxCandidates = 1000;

    /// <summary>The default number of texts embedded per call while ingesting.</summary>
    public const int DefaultEmbeddingBatchSize = 64;

    /// <summary>
    /// How many candidates each ranking list contributes before fusion and the final top-K: four times top-K, at least 40. Fusion
    /// needs depth (a chunk ranked 30th by one list and 2nd by the other can win), and an approximate index gains recall from the over-fetch.
    /// </summary>
    public static int Candidates(int topK) => Math.Min(Math.Max(topK * 4, 40), MaxCandidates);

    /// <summary>The keyword ranking's weight in the fusion, 0–1: the best keyword chunk's coverage of the question's term weight
    /// relative to <see cref="KeywordFullWeightCoverage"/>, at most 1.</summary>
    public static double KeywordConfidence(double coverage) => Math.Clamp(coverage / KeywordFullWeightCoverage, 0, 1);
}

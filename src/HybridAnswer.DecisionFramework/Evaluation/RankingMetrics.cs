namespace HybridAnswer.Evaluation;

/// <summary>Document-level ranking metrics with binary relevance, and percentiles. Pure functions, so they are tested directly.</summary>
internal static class RankingMetrics
{
    /// <summary>Turns ranked chunks into ranked distinct documents: a document takes the rank of its best chunk.</summary>
    public static List<string> DistinctDocuments(IEnumerable<RetrievedChunk> chunks)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var documents = new List<string>();
        foreach (var chunk in chunks)
        {
            if (seen.Add(chunk.DocumentId))
            {
                documents.Add(chunk.DocumentId);
            }
        }

        return documents;
    }

    /// <summary>Gets the 1-based rank of the first relevant document, or <see langword="null"/> when none is ranked.</summary>
    public static int? FirstRelevantRank(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant)
    {
        for (var i = 0; i < ranked.Count; i++)
        {
            if (relevant.Contains(ranked[i]))
            {
                return i + 1;
            }
        }

        return null;
    }

    public static double HitAt1(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant) =>
        ranked.Count > 0 && relevant.Contains(ranked[0]) ? 1 : 0;

    public static double RecallAt(int k, IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (relevant.Count == 0)
        {
            return 0;
        }

        var found = ranked.Take(k).Distinct(StringComparer.Ordinal).Count(relevant.Contains);
        return (double)found / relevant.Count;
    }

    public static double ReciprocalRank(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant) =>
        FirstRelevantRank(ranked, relevant) is { } rank ? 1.0 / rank : 0;

    /// <summary>nDCG@k with binary gains: DCG = Σ rel_i / log2(i + 1) over ranks i = 1..k, divided by the DCG of an ideal ranking.</summary>
    public static double NdcgAt(int k, IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (relevant.Count == 0)
        {
            return 0;
        }

        double dcg = 0;
        var counted = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
        {
            // A document ranked twice counts once, so duplicates cannot push nDCG above 1.
            if (relevant.Contains(ranked[i]) && counted.Add(ranked[i]))
            {
                dcg += 1.0 / Math.Log2(i + 2);
            }
        }

        double ideal = 0;
        for (var i = 0; i < Math.Min(k, relevant.Count); i++)
        {
            ideal += 1.0 / Math.Log2(i + 2);
        }

        return dcg / ideal;
    }

    /// <summary>The nearest-rank percentile (the smallest value with at least p% of the values at or below it).</summary>
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> values, double percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (values.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    /// <summary>The mean, or <see langword="null"/> for no values.</summary>
    public static double? Mean(IReadOnlyCollection<double> values) => values.Count == 0 ? null : values.Average();

    /// <summary>A ratio, or <see langword="null"/> when the denominator is zero.</summary>
    public static double? Ratio(int numerator, int denominator) => denominator == 0 ? null : (double)numerator / denominator;
}

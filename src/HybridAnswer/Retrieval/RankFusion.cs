namespace HybridAnswer;

/// <summary>
/// Score-weighted reciprocal rank fusion of the vector and the keyword rankings: each list's 1 / (k + rank), weighted by the item's
/// score relative to the best of its list (at least <see cref="RetrievalConstants.MinFusionWeight"/>). Plain RRF lets an item that
/// both lists rank mediocre outrank one that a single list ranks first by a wide margin (an exact product code only the keyword
/// side sees); the weight keeps the ranks but lets margins count. The keyword list's weights are further scaled by how much of the
/// question its best match covers (<see cref="RetrievalConstants.KeywordConfidence"/>): when a question is put in words the
/// documents do not use, the keyword leg's first place is a match on a common word or two and must not outvote the meaning.
/// The PostgreSQL store computes the same formula in SQL.
/// </summary>
internal static class RankFusion
{
    /// <summary>Fuses the two ranked lists (best first) of (item, score); returns the items best first, ties broken by item order.</summary>
    /// <param name="rrfK">The k of reciprocal rank fusion.</param>
    /// <param name="vector">The vector ranking.</param>
    /// <param name="keyword">The keyword ranking.</param>
    /// <param name="keywordCoverage">The share of the question's term weight the keyword list's best item holds, 0–1.</param>
    public static IEnumerable<int> Fuse(int rrfK, IReadOnlyList<(int Item, double Score)> vector, IReadOnlyList<(int Item, double Score)> keyword, double keywordCoverage)
    {
        var fused = new Dictionary<int, double>();
        Add(fused, rrfK, vector, 1.0);
        Add(fused, rrfK, keyword, RetrievalConstants.KeywordConfidence(keywordCoverage));
        return fused.OrderByDescending(f => f.Value).ThenBy(f => f.Key).Select(f => f.Key);
    }

    private static void Add(Dictionary<int, double> fused, int rrfK, IReadOnlyList<(int Item, double Score)> list, double confidence)
    {
        var best = list.Count == 0 ? 0 : Math.Max(list[0].Score, 0);
        for (var rank = 0; rank < list.Count; rank++)
        {
            var weight = best > 0 ? Math.Max(Math.Max(list[rank].Score, 0) / best, RetrievalConstants.MinFusionWeight) : 1.0;
            fused[list[rank].Item] = fused.GetValueOrDefault(list[rank].Item) + (confidence * weight / (rrfK + rank + 1));
        }
    }
}

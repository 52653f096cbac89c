namespace HybridAnswer;

/// <summary>
/// Score-weighted reciprocal rank fusion: each list's 1 / (k + rank), weighted by the item's score relative to the best of its
/// list (at least <see cref="RetrievalConstants.MinFusionWeight"/>). Plain RRF lets an item that both lists rank mediocre outrank
/// one that a single list ranks first by a wide margin (an exact product code only the keyword side sees); the weight keeps the
/// ranks but lets margins count. The PostgreSQL store computes the same formula in SQL.
/// </summary>
internal static class RankFusion
{
    /// <summary>Fuses ranked lists (best first) of (item, score); returns the items best first, ties broken by item order.</summary>
    public static IEnumerable<int> Fuse(int rrfK, params IReadOnlyList<(int Item, double Score)>[] lists)
    {
        var fused = new Dictionary<int, double>();
        foreach (var list in lists)
        {
            var best = list.Count == 0 ? 0 : Math.Max(list[0].Score, 0);
            for (var rank = 0; rank < list.Count; rank++)
            {
                var weight = best > 0 ? Math.Max(Math.Max(list[rank].Score, 0) / best, RetrievalConstants.MinFusionWeight) : 1.0;
                fused[list[rank].Item] = fused.GetValueOrDefault(list[rank].Item) + (weight / (rrfK + rank + 1));
            }
        }

        return fused.OrderByDescending(f => f.Value).ThenBy(f => f.Key).Select(f => f.Key);
    }
}

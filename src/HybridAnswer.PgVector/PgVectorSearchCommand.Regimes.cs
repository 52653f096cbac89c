namespace HybridAnswer.PgVector;

/// <summary>The regimes of the vector ranking and what each one asks of the graph: ef_search, candidates, whether the first pass suffices.</summary>
internal sealed partial class PgVectorSearchCommand
{
    /// <summary>How the vector ranking reads the table.</summary>
    public enum Regime
    {
        /// <summary>No filter, and every row of the table is the request's tenant: the HNSW index with the unfiltered ef_search, no iterative scan.</summary>
        Unfiltered,

        /// <summary>The filter passes most rows: the HNSW index with ef_search over-fetched by 1/share, so the first pass fills the candidates
        /// (vector ranking: that pass alone, post-filtered, and an iterative scan only when it comes up short).</summary>
        Broad,

        /// <summary>The filter passes a middle share: the iterative HNSW scan keeps walking the graph until enough rows pass.</summary>
        Iterative,

        /// <summary>The filter passes few rows: read just those (GIN bitmap or tenant key) and rank them exactly; no graph at all.</summary>
        Exact,

        /// <summary>The filter names a value with an index of its own (<see cref="PgVectorKnowledgeBaseOptions.FilterIndexKeys"/>): walk
        /// that graph, which holds only the value's rows; the iterative scan covers the filter's other keys and other tenants.</summary>
        FilterIndex,
    }

    /// <summary>The regime chosen for one search and the count it was chosen from (-1 when no count was needed).</summary>
    public readonly record struct SearchPlan(Regime Regime, long EligibleRows, double Share)
    {
        /// <summary>Gets the filter's pair whose own index the <see cref="Regime.FilterIndex"/> regime walks.</summary>
        public KeyValuePair<string, string>? IndexedFilter { get; init; }
    }

    /// <summary>The regime for a filter passing <paramref name="rows"/> rows, <paramref name="share"/> of the table.</summary>
    public SearchPlan Choose(long rows, double share) =>
        rows <= _schema.Options.ExactSearchMaxRows ? new SearchPlan(Regime.Exact, rows, share)
        : share >= BroadShare ? new SearchPlan(Regime.Broad, rows, share)
        : new SearchPlan(Regime.Iterative, rows, share);

    /// <summary>The ef_search of a regime: the unfiltered one (at least the candidates); for a broad filter enough that its share of
    /// one pass fills the candidates; <see cref="PgVectorKnowledgeBaseOptions.FilteredEfSearch"/> only where the server has no
    /// iterative scan to keep going.</summary>
    public int EfSearch(RetrievalRequest request, RetrievalKind kind, bool iterativeScan, SearchPlan plan)
    {
        var options = _schema.Options;
        var candidates = Candidates(request, kind, plan);
        double efSearch = Math.Max(options.EfSearch, candidates);
        if (plan.Regime == Regime.Broad)
        {
            efSearch = Math.Max(efSearch, candidates / Math.Max(plan.Share, BroadShare));
        }
        else if (plan.Regime == Regime.Iterative && !iterativeScan)
        {
            efSearch = Math.Max(efSearch, options.FilteredEfSearch);
        }

        return Math.Clamp((int)Math.Ceiling(efSearch), 1, PgVectorConstants.MaxEfSearch);
    }

    /// <summary>
    /// Rows each ranking contributes. Hybrid fusion needs depth (a chunk ranked 30th by one list and 2nd by the other can win).
    /// Keyword ranking is exact. Vector ranking alone takes top-K where the order is exact (the exact regime) or the graph's own
    /// (unfiltered: stored vectors are normalised, so the index returns its ef_search best in score order and the first K are its
    /// top K; so is a broad filter's first pass, <see cref="FirstPassOnly"/>). Under a filter the iterative scan's relaxed order is
    /// re-sorted from twice top-K: at a 10 % filter on 100,000 rows (benchmarks/peer) top-K alone gave recall@5 0.864–0.880, no better
    /// than unfiltered (0.870–0.880) and once below it, where twice top-K gives 0.94, for 1.25× the time.
    /// </summary>
    private static int Candidates(RetrievalRequest request, RetrievalKind kind, SearchPlan plan) => kind switch
    {
        RetrievalKind.Hybrid => RetrievalConstants.Candidates(request.TopK),
        RetrievalKind.Vector when plan.Regime is Regime.Iterative or Regime.FilterIndex => Math.Min(request.TopK * 2, RetrievalConstants.MaxCandidates),
        _ => request.TopK,
    };

    /// <summary>Whether the statement is the graph's first pass alone, post-filtered: a broad filter's vector ranking. Its ef_search
    /// candidates come back in exact order and pass at its share (36 of 40 at 90 %), so top-K needs no iterative scan; a pass that
    /// comes up short walks on with one (<see cref="ExecuteAsync"/>). Hybrid keeps it: its 40 candidates would fall to the exact CTE.</summary>
    private static bool FirstPassOnly(RetrievalKind kind, SearchPlan plan) => kind == RetrievalKind.Vector && plan.Regime == Regime.Broad;
}

using System.Globalization;

namespace HybridAnswer.PgVector;

/// <summary>
/// The text of the retrieval statements of one table. Parameters: $1 query vector, $2 tenant, $3 metadata filter (jsonpath, see
/// <see cref="PgVectorJson.FilterPath"/>), $4 query text, $5 candidates per ranking, $6 score floor, $7 RRF k, $8 top-K (a statement
/// may leave some unused; they are typed, so the server accepts them), $9 and $10 the two documents of a value's filter index predicate
/// (see <see cref="PgVectorFilterIndexes"/>). Every statement returns document_id, ordinal, title, content,
/// metadata, source_uri, tenant_id, score, best first; ties rank by (document_id, ordinal), as in memory.
/// </summary>
/// <remarks>
/// The vector ranking asks the HNSW index (iterative scan where the plan needs it, so a filter keeps the scan going instead of
/// returning too few rows). If that still yields fewer than $5 rows, an exact ranking of the eligible rows (ordered by an expression
/// the index cannot serve) replaces it: inside the hybrid statement as a CTE behind a one-time filter, so it costs nothing when it
/// does not run; for vector-only retrieval as a second statement that <see cref="PgVectorSearchCommand"/> sends only then, which keeps
/// the common statement a plain index scan (the CTE form cost 0.5 ms of planning and execution per query at 100,000 rows).
/// </remarks>
internal static class PgVectorSearchSql
{
    private const string Columns = "c.document_id, c.ordinal, c.title, c.content, c.metadata, c.source_uri, c.tenant_id";

    private static readonly string MinWeight = RetrievalConstants.MinFusionWeight.ToString("0.0##", CultureInfo.InvariantCulture);

    /// <summary>Builds the statement of a ranking, with or without a metadata filter, through the index (the whole graph or a value's
    /// own, <paramref name="filterIndex"/>) or exactly.</summary>
    public static string Build(PgVectorSchema schema, RetrievalKind kind, bool hasFilter, bool exact, bool filterIndex = false) => kind switch
    {
        RetrievalKind.Vector => Vector(schema, hasFilter, exact, filterIndex),
        RetrievalKind.Keyword => Keyword(schema, hasFilter),
        _ => Hybrid(schema, hasFilter, exact, filterIndex),
    };

    /// <summary>The graph walk's filter: not indexable (so the HNSW order is walked, not a GIN bitmap), preceded for a value with its own
    /// index by that index's predicate, which the planner proves implied and so walks the value's graph.</summary>
    private static string GraphFilter(bool hasFilter, bool filterIndex) =>
        (filterIndex ? " AND (c.metadata @> $9 OR c.metadata @> $10)" : string.Empty) + (hasFilter ? " AND (c.metadata @@ $3) IS TRUE" : string.Empty);

    /// <summary>
    /// Vector ranking alone: all $5 candidates with every column the caller reads, re-sorted by score and key — no window, no join
    /// back to the table, no fallback CTE, so it costs what a plain <c>ORDER BY … LIMIT</c> costs. The caller applies the score floor
    /// and top-K, and runs the exact form when the graph returned fewer than $5.
    /// </summary>
    private static string Vector(PgVectorSchema schema, bool hasFilter, bool exact, bool filterIndex)
    {
        var filter = hasFilter && exact ? " AND c.metadata @@ $3" : GraphFilter(hasFilter, filterIndex);
        var order = exact
            ? $"(c.embedding {schema.DistanceOperator} $1) + 0, c.document_id, c.ordinal"
            : $"c.embedding {schema.DistanceOperator} $1";
        return $"""
            SELECT v.document_id, v.ordinal, v.title, v.content, v.metadata, v.source_uri, v.tenant_id, v.similarity AS score
            FROM (
                SELECT {Columns}, {Similarity("c.embedding")} AS similarity
                FROM {schema.Table} c
                WHERE c.tenant_id = $2{filter}
                ORDER BY {order}
                LIMIT $5
            ) v
            ORDER BY v.similarity DESC, v.document_id, v.ordinal
            """;
    }

    private static string Keyword(PgVectorSchema schema, bool hasFilter) => $"""
        WITH {PgVectorKeywordSql.Ranked(schema, hasFilter, "s.score / (s.score + 5) >= $6")}
        SELECT {Columns}, r.keyword_score AS score
        FROM keyword_ranked r
        JOIN {schema.Table} c ON c.tenant_id = r.tenant_id AND c.document_id = r.document_id AND c.ordinal = r.ordinal
        ORDER BY r.rank
        LIMIT $8
        """;

    /// <summary>
    /// Hybrid: the reciprocal-rank-fusion shape of pgvector's hybrid example: two ranked lists, a full outer join, 1/(k + rank)
    /// summed — each term weighted by the chunk's score relative to the best of its list (at least
    /// <see cref="RetrievalConstants.MinFusionWeight"/>), as the in-memory knowledge base does, so that a chunk one list ranks first
    /// by a wide margin (an exact product code) is not outranked by chunks both lists rank in the middle. Only the top-K fused keys
    /// are joined back to the table for their columns.
    /// </summary>
    private static string Hybrid(PgVectorSchema schema, bool hasFilter, bool exact, bool filterIndex) => $"""
        WITH {VectorCandidates(schema, hasFilter, exact, filterIndex)},
        vector_ranked AS (
            SELECT v.tenant_id, v.document_id, v.ordinal,
                   row_number() OVER (ORDER BY v.similarity DESC, v.document_id, v.ordinal) AS rank,
                   greatest({MinWeight}, coalesce(greatest(v.similarity, 0) / nullif(max(greatest(v.similarity, 0)) OVER (), 0), 1.0)) AS weight
            FROM vector_candidates v
            WHERE v.similarity >= $6
        ),
        {PgVectorKeywordSql.Ranked(schema, hasFilter, $"{Similarity("c.embedding")} >= $6")},
        fused AS (
            SELECT coalesce(v.tenant_id, k.tenant_id) AS tenant_id,
                   coalesce(v.document_id, k.document_id) AS document_id,
                   coalesce(v.ordinal, k.ordinal) AS ordinal,
                   coalesce(coalesce(v.weight, 1.0) / ($7 + v.rank), 0.0) + coalesce(coalesce(k.weight, 1.0) / ($7 + k.rank), 0.0) AS rrf
            FROM vector_ranked v
            FULL OUTER JOIN keyword_ranked k ON v.tenant_id = k.tenant_id AND v.document_id = k.document_id AND v.ordinal = k.ordinal
            ORDER BY rrf DESC, document_id, ordinal
            LIMIT $8
        )
        SELECT {Columns}, {Similarity("c.embedding")} AS score
        FROM fused f
        JOIN {schema.Table} c ON c.tenant_id = f.tenant_id AND c.document_id = f.document_id AND c.ordinal = f.ordinal
        ORDER BY f.rrf DESC, c.document_id, c.ordinal
        """;

    /// <summary>
    /// The CTE <c>vector_candidates</c>: the key and <c>similarity</c> of up to $5 rows nearest the query. Through
    /// the graph (with the exact fallback) or, in the exact regime, only the eligible rows read through the filter's index and ranked
    /// by an expression the HNSW index cannot serve.
    /// </summary>
    private static string VectorCandidates(PgVectorSchema schema, bool hasFilter, bool exact, bool filterIndex)
    {
        const string columns = "c.tenant_id, c.document_id, c.ordinal";
        var filter = hasFilter ? " AND c.metadata @@ $3" : string.Empty;
        var similarity = Similarity("c.embedding");
        var exactScan = $"""
            SELECT {columns}, {similarity} AS similarity
                FROM {schema.Table} c
                WHERE c.tenant_id = $2{filter}
                ORDER BY (c.embedding {schema.DistanceOperator} $1) + 0, c.document_id, c.ordinal
                LIMIT $5
            """;
        if (exact)
        {
            return $"""
                vector_candidates AS MATERIALIZED (
                    {exactScan}
                )
                """;
        }

        var graphFilter = GraphFilter(hasFilter, filterIndex);
        return $"""
            vector_index AS MATERIALIZED (
                SELECT {columns}, {similarity} AS similarity
                FROM {schema.Table} c
                WHERE c.tenant_id = $2{graphFilter}
                ORDER BY c.embedding {schema.DistanceOperator} $1
                LIMIT $5
            ),
            vector_exact AS MATERIALIZED (
                SELECT {columns}, {similarity} AS similarity
                FROM {schema.Table} c
                WHERE (SELECT count(*) FROM vector_index) < $5 AND c.tenant_id = $2{filter}
                ORDER BY (c.embedding {schema.DistanceOperator} $1) + 0, c.document_id, c.ordinal
                LIMIT $5
            ),
            vector_candidates AS (
                SELECT * FROM vector_index WHERE (SELECT count(*) FROM vector_index) >= $5
                UNION ALL
                SELECT * FROM vector_exact
            )
            """;
    }

    /// <summary>Cosine similarity whatever the index distance; a zero vector (no content words) has none, so it scores 0 instead of NaN.</summary>
    private static string Similarity(string column) => $"coalesce(nullif(1 - ({column} <=> $1), 'NaN'::float8), 0)";
}

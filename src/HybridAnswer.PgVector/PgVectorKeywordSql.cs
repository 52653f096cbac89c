using System.Globalization;

namespace HybridAnswer.PgVector;

/// <summary>
/// The keyword ranking of the retrieval statements (the CTE chain ending in <c>keyword_ranked</c>): BM25-like, so that it agrees
/// with the in-memory knowledge base on the same questions. A chunk matching <em>some</em> of the question's words ranks (not only
/// one matching every word, as <c>websearch_to_tsquery</c> demands), and each word counts by its rarity: a product code found in
/// one chunk outweighs the common words a thousand other chunks share.
/// </summary>
/// <remarks>
/// <para>
/// The question's lexemes come from <c>to_tsvector</c> of the text parameter $4 (the table's text configuration, so they are the
/// lexemes the GIN index holds); each becomes a one-lexeme <c>tsquery</c> on the server, never SQL text. A lexeme's document
/// frequency is read from the planner's statistics (<c>pg_stats.most_common_elems</c>, refreshed by ANALYZE) when they name it
/// common, and otherwise counted through the GIN index, at most <see cref="CommonRows"/> rows: a rare lexeme's posting list is
/// short, so the count is cheap, and a common one is never counted.
/// </para>
/// <para>
/// The chunks scored are those matching any rare lexeme (fewer than <see cref="CommonRows"/> chunks each), read through the GIN
/// index; when every lexeme is common, those matching all of them (the old behaviour, so a question of common words scans no
/// more than it did). Below <see cref="CommonRows"/> chunks every lexeme is rare and every chunk with one of them is scored,
/// like BM25 in memory. Score: the sum over lexemes of idf × tf, BM25's idf ln(1 + (N − df + ½)/(df + ½)) (N the table's row
/// estimate, counted while the table has none) and <c>ts_rank</c> of the lexeme alone as the saturating term frequency (no length
/// normalisation: chunks are bounded in size); reported as s/(s + 5) in (0, 1), as the in-memory store squashes BM25. The same
/// <c>ts_rank</c> also tells which lexemes a chunk holds (its coverage, for the fusion weight): it is computed once per chunk and
/// lexeme behind <c>OFFSET 0</c>, since an inlined subquery would evaluate it once per reference (measured: 50–57 ms instead of
/// 28–32 ms for a question scoring every chunk of git-man's 924). The question ($4) comes without the core's stop words
/// (<c>TextAnalyzer.WithoutStopWords</c>): <c>english</c> keeps "need", "know" or "want", which rank nothing in memory.
/// </para>
/// </remarks>
internal static class PgVectorKeywordSql
{
    /// <summary>A lexeme in at least this many chunks is common: it scores but does not select chunks, and is never counted.</summary>
    public const int CommonRows = 1000;

    private static readonly string Common = CommonRows.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>ts_rank</c> of a lexeme occurring once (weight D, 0.1/1.6449): the divisor that makes a lexeme's rank BM25's
    /// term-frequency factor, 1 for one occurrence rising to 1.645 (BM25: 2.2), so scores are on the in-memory scale.</summary>
    private const string OneOccurrence = "0.06079271";

    private static readonly string MinWeight = RetrievalConstants.MinFusionWeight.ToString("0.0##", CultureInfo.InvariantCulture);

    private static readonly string FullWeightCoverage = RetrievalConstants.KeywordFullWeightCoverage.ToString("0.0##", CultureInfo.InvariantCulture);

    /// <summary>
    /// The CTEs, comma-separated, for a <c>WITH</c> clause: <c>keyword_ranked</c> holds up to $5 keys of the tenant's chunks passing
    /// the filter and <paramref name="floor"/> (a condition over <c>c</c>, the chunk, and <c>s.score</c>), with
    /// <c>keyword_score</c>, <c>rank</c> (1 = best) and <c>weight</c> (the score relative to the best, at least
    /// <see cref="RetrievalConstants.MinFusionWeight"/>, times the list's confidence: the share of the question's idf the best chunk
    /// holds, relative to <see cref="RetrievalConstants.KeywordFullWeightCoverage"/>, at most 1 — a lexeme no chunk holds counts at
    /// df 0, as in memory; see <see cref="RetrievalConstants.KeywordConfidence"/>).
    /// </summary>
    public static string Ranked(PgVectorSchema schema, bool hasFilter, string floor) => $"""
        keyword_common AS MATERIALIZED (
            SELECT e.lexeme, max(e.freq) * max(greatest(cl.reltuples, 0)) AS rows
            FROM pg_class cl
            JOIN pg_namespace n ON n.oid = cl.relnamespace
            JOIN pg_stats p ON p.schemaname = n.nspname AND p.tablename = cl.relname AND p.attname = 'search',
            unnest(p.most_common_elems::text::text[], p.most_common_elem_freqs) e(lexeme, freq)
            WHERE cl.oid = '{schema.Table}'::regclass
              AND e.lexeme = ANY (tsvector_to_array(to_tsvector('{schema.TextConfig}'::regconfig, $4)))
            GROUP BY e.lexeme
        ),
        keyword_terms AS MATERIALIZED (
            SELECT t.q, CASE WHEN s.rows >= {Common} THEN s.rows ELSE (
                       SELECT count(*) FROM (SELECT 1 FROM {schema.Table} c WHERE c.tenant_id = $2 AND c.search @@ t.q LIMIT {Common}) x
                   ) END AS df
            FROM (SELECT DISTINCT l.lexeme, ('''' || replace(replace(l.lexeme, '\', '\\'), '''', '''''') || '''')::tsquery AS q
                  FROM unnest(to_tsvector('{schema.TextConfig}'::regconfig, $4)) l) t
            LEFT JOIN keyword_common s ON s.lexeme = t.lexeme
        ),
        keyword_query AS MATERIALIZED (
            SELECT coalesce(string_agg(q::text, ' | ') FILTER (WHERE df < {Common}), string_agg(q::text, ' & '))::tsquery AS q,
                   greatest(max(df), 1, (SELECT CASE WHEN cl.reltuples > 0 THEN cl.reltuples
                       ELSE (SELECT count(*) FROM {schema.Table} c WHERE c.tenant_id = $2) END
                       FROM pg_class cl WHERE cl.oid = '{schema.Table}'::regclass)) AS n
            FROM keyword_terms
        ),
        keyword_weights AS MATERIALIZED (
            SELECT t.q, ln(1 + ((k.n - t.df + 0.5) / (t.df + 0.5))) / {OneOccurrence} AS idf
            FROM keyword_terms t, keyword_query k
            WHERE t.df > 0
        ),
        keyword_total AS MATERIALIZED (
            SELECT sum(ln(1 + ((k.n - t.df + 0.5) / (t.df + 0.5))) / {OneOccurrence}) AS idf
            FROM keyword_terms t, keyword_query k
        ),
        keyword_ranked AS (
            SELECT c.tenant_id, c.document_id, c.ordinal, s.score / (s.score + 5) AS keyword_score,
                   row_number() OVER (ORDER BY s.score DESC, c.document_id, c.ordinal) AS rank,
                   greatest({MinWeight}, coalesce(s.score / nullif(max(s.score) OVER (), 0), 1.0))
                   * least(1.0, coalesce(first_value(s.matched) OVER (ORDER BY s.score DESC, c.document_id, c.ordinal)
                       / nullif(kt.idf, 0), 0) / {FullWeightCoverage}) AS weight
            FROM {schema.Table} c, keyword_query k, keyword_total kt,
                 LATERAL (SELECT sum(w.idf * r.rank) AS score, sum(w.idf) FILTER (WHERE r.rank > 0) AS matched
                          FROM keyword_weights w, LATERAL (SELECT ts_rank(c.search, w.q) AS rank OFFSET 0) r) s
            WHERE c.search @@ k.q AND c.tenant_id = $2{(hasFilter ? " AND c.metadata @@ $3" : string.Empty)} AND {floor}
            ORDER BY s.score DESC, c.document_id, c.ordinal
            LIMIT $5
        )
        """;
}

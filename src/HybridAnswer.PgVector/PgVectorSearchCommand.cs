using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace HybridAnswer.PgVector;

/// <summary>
/// The retrieval statement of one table, whole: its SQL text, the <c>SET LOCAL</c> settings it runs under and its parameters, built
/// together so the store, the benchmarks and EXPLAIN run exactly the same thing. One round trip: the settings, the search and the
/// transaction go in one batch.
/// </summary>
internal sealed class PgVectorSearchCommand
{
    private static readonly string MinWeight = RetrievalConstants.MinFusionWeight.ToString("0.0##", CultureInfo.InvariantCulture);

    private readonly PgVectorSchema _schema;
    private readonly string[] _sql = new string[6];

    public PgVectorSearchCommand(PgVectorSchema schema) => _schema = schema;

    /// <summary>Gets the statement for a ranking and whether a metadata filter applies (cached: six variants per table).</summary>
    public string Sql(RetrievalKind kind, bool hasFilter) => _sql[((int)kind * 2) + (hasFilter ? 1 : 0)] ??= Sql(_schema, kind, hasFilter);

    /// <summary>The settings of one search: a raised ef_search only for selective searches (a filter or a tenant), iterative scans where the server has them.</summary>
    public IReadOnlyList<string> Settings(RetrievalRequest request, RetrievalKind kind, bool iterativeScan)
    {
        var options = _schema.Options;
        var selective = request.Filter.Count > 0 || request.TenantId is not null;
        var efSearch = Math.Clamp(Math.Max(selective ? options.FilteredEfSearch : options.EfSearch, Candidates(request, kind)), 1, PgVectorConstants.MaxEfSearch);
        var settings = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.ef_search = {efSearch}"),

            // The exact-scan fallback is planned with parallel workers, and PostgreSQL starts them even when the fallback's
            // one-time filter skips it: measured ~40 ms of a 66 ms query at 100,000 chunks. A top-K search is small work; run it in one process.
            "SET LOCAL max_parallel_workers_per_gather = 0",
        };
        if (iterativeScan)
        {
            // relaxed_order: pgvector keeps scanning the graph until LIMIT rows pass the filter; the CTE re-sorts exactly.
            settings.Add("SET LOCAL hnsw.iterative_scan = relaxed_order");
            settings.Add(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.max_scan_tuples = {options.MaxScanTuples}"));
        }

        return settings;
    }

    /// <summary>Runs the search on a connection of <paramref name="dataSource"/>.</summary>
    public async Task<IReadOnlyList<RetrievedChunk>> ExecuteAsync(NpgsqlDataSource dataSource, RetrievalRequest request, float[] query, RetrievalKind kind, bool iterativeScan, CancellationToken cancellationToken)
    {
        var results = new List<RetrievedChunk>(request.TopK);
        await RunAsync(dataSource, request, query, kind, iterativeScan, explain: false, reader =>
        {
            var documentId = reader.GetString(0);
            var ordinal = reader.GetInt32(1);
            var tenant = reader.GetString(6);
            results.Add(new RetrievedChunk
            {
                ChunkId = ChunkIds.Create(documentId, ordinal),
                DocumentId = documentId,
                Ordinal = ordinal,
                Title = reader.GetString(2),
                Content = reader.GetString(3),
                Metadata = PgVectorJson.Deserialize(reader.GetString(4)),
                SourceUri = reader.IsDBNull(5) ? null : reader.GetString(5),
                TenantId = tenant.Length == 0 ? null : tenant,
                Score = reader.GetDouble(7),
            });
        }, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>EXPLAIN (ANALYZE, BUFFERS) of exactly the statement and settings <see cref="ExecuteAsync"/> runs; the plan's lines.</summary>
    public async Task<IReadOnlyList<string>> ExplainAsync(NpgsqlDataSource dataSource, RetrievalRequest request, float[] query, RetrievalKind kind, bool iterativeScan, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        await RunAsync(dataSource, request, query, kind, iterativeScan, explain: true, reader => lines.Add(reader.GetString(0)), cancellationToken).ConfigureAwait(false);
        return lines;
    }

    private static int Candidates(RetrievalRequest request, RetrievalKind kind) =>
        // Keyword ranking is exact, so it needs no more than top-K on its own; the approximate index gains recall from the over-fetch.
        kind == RetrievalKind.Keyword ? request.TopK : RetrievalConstants.Candidates(request.TopK);

    private async Task RunAsync(NpgsqlDataSource dataSource, RetrievalRequest request, float[] query, RetrievalKind kind, bool iterativeScan, bool explain, Action<NpgsqlDataReader> read, CancellationToken cancellationToken)
    {
        var hasFilter = request.Filter.Count > 0;
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // SET LOCAL needs a transaction; Npgsql sends BEGIN with the batch, so the query is still one round trip (plus COMMIT).
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var batch = new NpgsqlBatch(connection, transaction);
                await using (batch.ConfigureAwait(false))
                {
                    foreach (var setting in Settings(request, kind, iterativeScan))
                    {
                        batch.BatchCommands.Add(new NpgsqlBatchCommand(setting));
                    }

                    var search = new NpgsqlBatchCommand((explain ? "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " : string.Empty) + Sql(kind, hasFilter));
                    search.Parameters.Add(new NpgsqlParameter<Vector> { TypedValue = new Vector(query), DataTypeName = "vector" });
                    search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PgVectorJson.Tenant(request.TenantId), NpgsqlDbType = NpgsqlDbType.Text });
                    search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = hasFilter ? PgVectorJson.Serialize(request.Filter) : "{}", NpgsqlDbType = NpgsqlDbType.Jsonb });
                    search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Query, NpgsqlDbType = NpgsqlDbType.Text });
                    search.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Candidates(request, kind), NpgsqlDbType = NpgsqlDbType.Integer });
                    search.Parameters.Add(new NpgsqlParameter<double> { TypedValue = request.MinScore ?? -2.0, NpgsqlDbType = NpgsqlDbType.Double });
                    search.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _schema.Options.RrfK, NpgsqlDbType = NpgsqlDbType.Integer });
                    search.Parameters.Add(new NpgsqlParameter<int> { TypedValue = request.TopK, NpgsqlDbType = NpgsqlDbType.Integer });
                    batch.BatchCommands.Add(search);

                    var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            read(reader);
                        }
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// Builds the retrieval query. Parameters: $1 query vector, $2 tenant, $3 metadata filter (jsonb), $4 query text,
    /// $5 candidates per ranking, $6 score floor, $7 RRF k, $8 top-K.
    /// </summary>
    /// <remarks>
    /// One statement, one round trip. The vector ranking first asks the HNSW index (iterative scan, so a selective filter
    /// keeps scanning instead of returning too few rows); only when that yields fewer than $5 rows does the exact CTE run
    /// (its WHERE is a one-time filter, so otherwise it costs nothing) and replace it, ordering by an expression the index
    /// cannot serve. The fusion is the reciprocal-rank-fusion shape of pgvector's hybrid example: two ranked lists, a full
    /// outer join, 1/(k + rank) summed — each term weighted by the chunk's score relative to the best of its list (at least <see cref="RetrievalConstants.MinFusionWeight"/>), as the
    /// in-memory knowledge base does, so that a chunk one list ranks first by a wide margin (an exact product code) is not
    /// outranked by chunks both lists rank in the middle.
    /// </remarks>
    private static string Sql(PgVectorSchema schema, RetrievalKind kind, bool hasFilter)
    {
        var filter = hasFilter ? " AND c.metadata @> $3" : string.Empty;
        var similarity = Similarity("c.embedding");
        var vector = $"""
            vector_index AS MATERIALIZED (
                SELECT c.tenant_id, c.document_id, c.ordinal, {similarity} AS similarity
                FROM {schema.Table} c
                WHERE c.tenant_id = $2{filter}
                ORDER BY c.embedding {schema.DistanceOperator} $1
                LIMIT $5
            ),
            vector_exact AS MATERIALIZED (
                SELECT c.tenant_id, c.document_id, c.ordinal, {similarity} AS similarity
                FROM {schema.Table} c
                WHERE (SELECT count(*) FROM vector_index) < $5 AND c.tenant_id = $2{filter}
                ORDER BY (c.embedding {schema.DistanceOperator} $1) + 0, c.document_id, c.ordinal
                LIMIT $5
            ),
            vector_ranked AS (
                SELECT v.tenant_id, v.document_id, v.ordinal, v.similarity,
                       row_number() OVER (ORDER BY v.similarity DESC, v.document_id, v.ordinal) AS rank,
                       greatest({MinWeight}, coalesce(greatest(v.similarity, 0) / nullif(max(greatest(v.similarity, 0)) OVER (), 0), 1.0)) AS weight
                FROM (
                    SELECT * FROM vector_index WHERE (SELECT count(*) FROM vector_index) >= $5
                    UNION ALL
                    SELECT * FROM vector_exact
                ) v
                WHERE v.similarity >= $6
            )
            """;
        var keywordFloor = kind == RetrievalKind.Keyword ? "ts_rank_cd(c.search, q, 32) >= $6" : $"{similarity} >= $6";
        var keyword = $"""
            keyword_ranked AS (
                SELECT c.tenant_id, c.document_id, c.ordinal, ts_rank_cd(c.search, q, 32) AS keyword_score,
                       row_number() OVER (ORDER BY ts_rank_cd(c.search, q) DESC, c.document_id, c.ordinal) AS rank,
                       greatest({MinWeight}, coalesce(ts_rank_cd(c.search, q) / nullif(max(ts_rank_cd(c.search, q)) OVER (), 0), 1.0)) AS weight
                FROM {schema.Table} c, websearch_to_tsquery('{schema.TextConfig}'::regconfig, $4) q
                WHERE c.search @@ q AND c.tenant_id = $2{filter} AND {keywordFloor}
                ORDER BY ts_rank_cd(c.search, q) DESC, c.document_id, c.ordinal
                LIMIT $5
            )
            """;
        const string columns = "c.document_id, c.ordinal, c.title, c.content, c.metadata, c.source_uri, c.tenant_id";
        return kind switch
        {
            RetrievalKind.Vector => $"""
                WITH {vector}
                SELECT {columns}, r.similarity AS score
                FROM vector_ranked r
                JOIN {schema.Table} c ON c.tenant_id = r.tenant_id AND c.document_id = r.document_id AND c.ordinal = r.ordinal
                ORDER BY r.rank
                LIMIT $8
                """,
            RetrievalKind.Keyword => $"""
                WITH {keyword}
                SELECT {columns}, r.keyword_score AS score
                FROM keyword_ranked r
                JOIN {schema.Table} c ON c.tenant_id = r.tenant_id AND c.document_id = r.document_id AND c.ordinal = r.ordinal
                ORDER BY r.rank
                LIMIT $8
                """,
            _ => $"""
                WITH {vector},
                {keyword},
                fused AS (
                    SELECT coalesce(v.tenant_id, k.tenant_id) AS tenant_id,
                           coalesce(v.document_id, k.document_id) AS document_id,
                           coalesce(v.ordinal, k.ordinal) AS ordinal,
                           coalesce(coalesce(v.weight, 1.0) / ($7 + v.rank), 0.0) + coalesce(coalesce(k.weight, 1.0) / ($7 + k.rank), 0.0) AS rrf
                    FROM vector_ranked v
                    FULL OUTER JOIN keyword_ranked k ON v.tenant_id = k.tenant_id AND v.document_id = k.document_id AND v.ordinal = k.ordinal
                )
                SELECT {columns}, {similarity} AS score
                FROM fused f
                JOIN {schema.Table} c ON c.tenant_id = f.tenant_id AND c.document_id = f.document_id AND c.ordinal = f.ordinal
                ORDER BY f.rrf DESC, c.document_id, c.ordinal
                LIMIT $8
                """,
        };
    }

    /// <summary>Cosine similarity whatever the index distance; a zero vector (no content words) has none, so it scores 0 instead of NaN.</summary>
    private static string Similarity(string column) => $"coalesce(nullif(1 - ({column} <=> $1), 'NaN'::float8), 0)";

}

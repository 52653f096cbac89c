using System.Collections.Concurrent;
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
    /// <summary>A filter passing at least this share of rows is broad: the plain index scan over-fetches by 1/share and is done.</summary>
    public const double BroadShare = 0.5;

    /// <summary>How long a filter's row count is trusted. A count is one GIN bitmap scan (a few ms at 100,000 rows, once per filter
    /// per minute); the share it gives only picks a plan, and a stale one still returns correct rows (the exact fallback stays).</summary>
    public static readonly TimeSpan EstimateLifetime = TimeSpan.FromSeconds(60);

    /// <summary>Cached counts kept per table; past this the cache starts over (hosts with unbounded filter values).</summary>
    private const int MaxCachedEstimates = 4096;

    private static readonly string MinWeight = RetrievalConstants.MinFusionWeight.ToString("0.0##", CultureInfo.InvariantCulture);

    private readonly PgVectorSchema _schema;
    private readonly string[] _sql = new string[12];
    private readonly ConcurrentDictionary<(string Tenant, string Filter), Estimate> _estimates = new();
    private readonly TimeProvider _time;

    public PgVectorSearchCommand(PgVectorSchema schema, TimeProvider? time = null)
    {
        _schema = schema;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How the vector ranking reads the table.</summary>
    public enum Regime
    {
        /// <summary>No filter, no tenant: the HNSW index with the unfiltered ef_search.</summary>
        Unfiltered,

        /// <summary>The filter passes most rows: the HNSW index, ef_search and candidates over-fetched by 1/share, nothing more.</summary>
        Broad,

        /// <summary>The filter passes a middle share: the iterative HNSW scan keeps walking the graph until enough rows pass.</summary>
        Iterative,

        /// <summary>The filter passes few rows: read just those (GIN bitmap or tenant key) and rank them exactly; no graph at all.</summary>
        Exact,
    }

    /// <summary>Gets the statement for a ranking, whether a metadata filter applies and whether the vector ranking is exact (cached: twelve variants per table).</summary>
    public string Sql(RetrievalKind kind, bool hasFilter, bool exact = false) =>
        _sql[((int)kind * 4) + (hasFilter ? 1 : 0) + (exact ? 2 : 0)] ??= Sql(_schema, kind, hasFilter, exact);

    /// <summary>Chooses the regime from the filter's (cached) share of rows; the count runs on <paramref name="connection"/> only on a cache miss.</summary>
    public async Task<SearchPlan> PlanAsync(NpgsqlConnection connection, RetrievalRequest request, RetrievalKind kind, CancellationToken cancellationToken)
    {
        if (kind == RetrievalKind.Keyword || (request.Filter.Count == 0 && request.TenantId is null))
        {
            return new SearchPlan(Regime.Unfiltered, -1, 1.0);
        }

        var key = (PgVectorJson.Tenant(request.TenantId), PgVectorJson.FilterPath(request.Filter));
        var now = _time.GetTimestamp();
        if (!_estimates.TryGetValue(key, out var estimate) || _time.GetElapsedTime(estimate.Timestamp, now) > EstimateLifetime)
        {
            estimate = await CountAsync(connection, key.Item1, key.Item2, now, cancellationToken).ConfigureAwait(false);
            if (_estimates.Count >= MaxCachedEstimates)
            {
                _estimates.Clear();
            }

            _estimates[key] = estimate;
        }

        return Choose(estimate.Rows, estimate.Share);
    }

    /// <summary>Forgets every cached count (after a bulk load, so the next query is planned for the table as it now is).</summary>
    public void ForgetEstimates() => _estimates.Clear();

    /// <summary>The regime for a filter passing <paramref name="rows"/> rows, <paramref name="share"/> of the table.</summary>
    public SearchPlan Choose(long rows, double share) =>
        rows <= _schema.Options.ExactSearchMaxRows ? new SearchPlan(Regime.Exact, rows, share)
        : share >= BroadShare ? new SearchPlan(Regime.Broad, rows, share)
        : new SearchPlan(Regime.Iterative, rows, share);

    /// <summary>The settings of one search: ef_search sized for the regime (a broad filter pays only its 1/share over-fetch), iterative scans where the server has them.</summary>
    public IReadOnlyList<string> Settings(RetrievalRequest request, RetrievalKind kind, bool iterativeScan, SearchPlan plan)
    {
        var settings = new List<string>
        {
            // The exact-scan fallback is planned with parallel workers, and PostgreSQL starts them even when the fallback's
            // one-time filter skips it: measured ~40 ms of a 66 ms query at 100,000 chunks. A top-K search is small work; run it in one process.
            "SET LOCAL max_parallel_workers_per_gather = 0",
        };
        if (plan.Regime == Regime.Exact)
        {
            // Few eligible rows: read them through the GIN (or tenant) index and rank them exactly. A jsonb containment estimate
            // can be far off (the planner sees whole documents, not keys), so a sequential scan of every row is ruled out here.
            settings.Add("SET LOCAL enable_seqscan = off");
            return settings;
        }

        if (plan.Regime != Regime.Unfiltered)
        {
            // The graph regimes were chosen from the counted share; the planner's own jsonb estimate would otherwise pick a GIN
            // bitmap and sort 10,000 rows at a 10 % filter (32 ms against 6 ms). The filter of the index CTE is written so no index
            // can serve it, and this rules out the sequential scan, so the HNSW order is the plan. The fallback keeps its GIN.
            settings.Add("SET LOCAL enable_seqscan = off");
        }

        settings.Add(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.ef_search = {EfSearch(request, kind, iterativeScan, plan)}"));
        if (iterativeScan)
        {
            // relaxed_order: pgvector keeps scanning the graph until LIMIT rows pass the filter; the CTE re-sorts exactly. A broad
            // filter fills LIMIT from the first pass, so the setting costs it nothing; it is the guarantee of k rows.
            settings.Add("SET LOCAL hnsw.iterative_scan = relaxed_order");
            settings.Add(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.max_scan_tuples = {_schema.Options.MaxScanTuples}"));
        }

        return settings;
    }

    /// <summary>The ef_search of a regime: the unfiltered one (at least the candidates), divided by the share a broad filter passes;
    /// <see cref="PgVectorKnowledgeBaseOptions.FilteredEfSearch"/> only where the server has no iterative scan to keep going.</summary>
    public int EfSearch(RetrievalRequest request, RetrievalKind kind, bool iterativeScan, SearchPlan plan)
    {
        var options = _schema.Options;
        double efSearch = Math.Max(options.EfSearch, Candidates(request, kind, new SearchPlan(Regime.Unfiltered, -1, 1.0)));
        if (plan.Regime == Regime.Broad)
        {
            efSearch /= Math.Max(plan.Share, BroadShare);
        }
        else if (plan.Regime == Regime.Iterative && !iterativeScan)
        {
            efSearch = Math.Max(efSearch, options.FilteredEfSearch);
        }

        return Math.Clamp((int)Math.Ceiling(efSearch), 1, PgVectorConstants.MaxEfSearch);
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
            var (metadata, multiValued) = PgVectorJson.DeserializeMetadata(reader.GetString(4));
            results.Add(new RetrievedChunk
            {
                ChunkId = ChunkIds.Create(documentId, ordinal),
                DocumentId = documentId,
                Ordinal = ordinal,
                Title = reader.GetString(2),
                Content = reader.GetString(3),
                Metadata = metadata,
                MultiValuedMetadata = multiValued,
                SourceUri = reader.IsDBNull(5) ? null : reader.GetString(5),
                TenantId = tenant.Length == 0 ? null : tenant,
                Score = reader.GetDouble(7),
            });
        }, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// Whether any row of the tenant matches the filter: one <c>EXISTS</c> through the GIN index, run only after a filtered search
    /// found nothing (to tell a filter that matches no document from nothing relevant). Not the cached count: that may be a minute old.
    /// </summary>
    public async Task<bool> AnyMatchAsync(NpgsqlDataSource dataSource, RetrievalRequest request, CancellationToken cancellationToken)
    {
        var command = dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {_schema.Table} c WHERE c.tenant_id = $1 AND c.metadata @@ $2)");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PgVectorJson.Tenant(request.TenantId), NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PgVectorJson.FilterPath(request.Filter), NpgsqlDbType = NpgsqlDbType.JsonPath });
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <summary>EXPLAIN (ANALYZE, BUFFERS) of exactly the statement and settings <see cref="ExecuteAsync"/> runs; the plan's lines, the regime first.</summary>
    public async Task<IReadOnlyList<string>> ExplainAsync(NpgsqlDataSource dataSource, RetrievalRequest request, float[] query, RetrievalKind kind, bool iterativeScan, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        await RunAsync(dataSource, request, query, kind, iterativeScan, explain: true, reader => lines.Add(reader.GetString(0)), cancellationToken, lines).ConfigureAwait(false);
        return lines;
    }

    private static int Candidates(RetrievalRequest request, RetrievalKind kind, SearchPlan plan)
    {
        // Keyword ranking is exact, so it needs no more than top-K on its own; the approximate index gains recall from the over-fetch.
        if (kind == RetrievalKind.Keyword)
        {
            return request.TopK;
        }

        var candidates = RetrievalConstants.Candidates(request.TopK);

        // A broad filter drops 1 - share of what the index returns: ask for that much more, so the fallback never has to run.
        return plan.Regime == Regime.Broad
            ? Math.Min((int)Math.Ceiling(candidates / Math.Max(plan.Share, BroadShare)), RetrievalConstants.MaxCandidates)
            : candidates;
    }

    private async Task<Estimate> CountAsync(NpgsqlConnection connection, string tenant, string filter, long now, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(CountSql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = filter, NpgsqlDbType = NpgsqlDbType.JsonPath });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var rows = reader.GetInt64(0);

                // reltuples is -1 before the first ANALYZE; the count itself is then the best lower bound of the table.
                var total = Math.Max(reader.GetDouble(1), rows);
                return new Estimate(rows, total <= 0 ? 1.0 : rows / total, now);
            }
        }
    }

    private string CountSql => $"""
        SELECT count(*), (SELECT reltuples::float8 FROM pg_class WHERE oid = '{_schema.Table}'::regclass)
        FROM {_schema.Table} c
        WHERE c.tenant_id = $1 AND c.metadata @@ $2
        """;

    private async Task RunAsync(NpgsqlDataSource dataSource, RetrievalRequest request, float[] query, RetrievalKind kind, bool iterativeScan, bool explain, Action<NpgsqlDataReader> read, CancellationToken cancellationToken, List<string>? explainLines = null)
    {
        var hasFilter = request.Filter.Count > 0;
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // A cached count costs nothing; a miss is one extra round trip on this connection, once per filter per EstimateLifetime.
            var plan = await PlanAsync(connection, request, kind, cancellationToken).ConfigureAwait(false);
            explainLines?.Add(string.Create(CultureInfo.InvariantCulture, $"-- regime {plan.Regime}: {plan.EligibleRows} eligible rows, share {plan.Share:0.####}"));

            // SET LOCAL needs a transaction; Npgsql sends BEGIN with the batch, so the query is still one round trip (plus COMMIT).
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var batch = new NpgsqlBatch(connection, transaction);
                await using (batch.ConfigureAwait(false))
                {
                    foreach (var setting in Settings(request, kind, iterativeScan, plan))
                    {
                        explainLines?.Add("-- " + setting);
                        batch.BatchCommands.Add(new NpgsqlBatchCommand(setting));
                    }

                    var search = new NpgsqlBatchCommand((explain ? "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " : string.Empty) + Sql(kind, hasFilter, plan.Regime == Regime.Exact));
                    search.Parameters.Add(_schema.HalfPrecision
                        ? new NpgsqlParameter<HalfVector> { TypedValue = PgVectorSchema.ToHalfVector(query), DataTypeName = "halfvec" }
                        : new NpgsqlParameter<Vector> { TypedValue = new Vector(query), DataTypeName = "vector" });
                    search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PgVectorJson.Tenant(request.TenantId), NpgsqlDbType = NpgsqlDbType.Text });
                    search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PgVectorJson.FilterPath(request.Filter), NpgsqlDbType = NpgsqlDbType.JsonPath });
                    search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Query, NpgsqlDbType = NpgsqlDbType.Text });
                    search.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Candidates(request, kind, plan), NpgsqlDbType = NpgsqlDbType.Integer });
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

    /// <summary>The regime chosen for one search and the count it was chosen from (-1 when no count was needed).</summary>
    public readonly record struct SearchPlan(Regime Regime, long EligibleRows, double Share);

    private readonly record struct Estimate(long Rows, double Share, long Timestamp);

    /// <summary>
    /// Builds the retrieval query. Parameters: $1 query vector, $2 tenant, $3 metadata filter (jsonpath, see <see cref="PgVectorJson.FilterPath"/>), $4 query text,
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
    private static string Sql(PgVectorSchema schema, RetrievalKind kind, bool hasFilter, bool exact)
    {
        var filter = hasFilter ? " AND c.metadata @@ $3" : string.Empty;

        // The same condition, but not indexable: the graph CTE must walk the HNSW order, not a bitmap of the GIN index.
        var graphFilter = hasFilter ? " AND (c.metadata @@ $3) IS TRUE" : string.Empty;
        var similarity = Similarity("c.embedding");
        var ranked = $"""
            vector_ranked AS (
                SELECT v.tenant_id, v.document_id, v.ordinal, v.similarity,
                       row_number() OVER (ORDER BY v.similarity DESC, v.document_id, v.ordinal) AS rank,
                       greatest({MinWeight}, coalesce(greatest(v.similarity, 0) / nullif(max(greatest(v.similarity, 0)) OVER (), 0), 1.0)) AS weight
            """;

        // The exact regime: few eligible rows, read through the filter's index and ranked by an expression the HNSW index cannot serve.
        var vector = exact ? $"""
            {ranked}
                FROM (
                    SELECT c.tenant_id, c.document_id, c.ordinal, {similarity} AS similarity
                    FROM {schema.Table} c
                    WHERE c.tenant_id = $2{filter}
                    ORDER BY (c.embedding {schema.DistanceOperator} $1) + 0, c.document_id, c.ordinal
                    LIMIT $5
                ) v
                WHERE v.similarity >= $6
            )
            """ : $"""
            vector_index AS MATERIALIZED (
                SELECT c.tenant_id, c.document_id, c.ordinal, {similarity} AS similarity
                FROM {schema.Table} c
                WHERE c.tenant_id = $2{graphFilter}
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
            {ranked}
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

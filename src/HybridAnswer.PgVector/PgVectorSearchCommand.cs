using System.Collections.Concurrent;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace HybridAnswer.PgVector;

/// <summary>
/// The retrieval statement of one table, whole: its SQL text (<see cref="PgVectorSearchSql"/>), the settings it runs under and its
/// parameters, built together so the store, the benchmarks and EXPLAIN run exactly the same thing. One round trip: the settings and
/// the search go in one batch, which PostgreSQL runs as one implicit transaction (up to the batch's single Sync), so settings made
/// with <c>set_config(…, is_local =&gt; true)</c> end with it and never leak into the pooled connection — no BEGIN or COMMIT needed.
/// </summary>
internal sealed partial class PgVectorSearchCommand
{
    /// <summary>A filter passing at least this share of rows is broad: the index scan's ef_search over-fetches by 1/share and one pass is enough.</summary>
    public const double BroadShare = 0.5;

    /// <summary>How long a filter's row count is trusted. A count is one GIN bitmap scan (a few ms at 100,000 rows, once per filter
    /// per minute); the share it gives only picks a plan, and a stale one still returns correct rows (the exact fallback stays).</summary>
    public static readonly TimeSpan EstimateLifetime = TimeSpan.FromSeconds(60);

    /// <summary>Cached counts kept per table; past this the cache starts over (hosts with unbounded filter values).</summary>
    private const int MaxCachedEstimates = 4096;

    private readonly PgVectorSchema _schema;
    private readonly string[] _sql = new string[16];
    private readonly ConcurrentDictionary<(string Tenant, string Filter), Estimate> _estimates = new();
    private readonly TimeProvider _time;
    private readonly PgVectorEligibleRows _rows;

    public PgVectorSearchCommand(PgVectorSchema schema, TimeProvider? time = null)
    {
        _schema = schema;
        _time = time ?? TimeProvider.System;
        FilterIndexes = new PgVectorFilterIndexes(schema, _time);
        _rows = new PgVectorEligibleRows(schema);
    }

    /// <summary>Gets the per-value indexes of the declared filter keys, which the <see cref="Regime.FilterIndex"/> regime walks.</summary>
    public PgVectorFilterIndexes FilterIndexes { get; }

    /// <summary>Gets the statement for a ranking, whether a metadata filter applies and whether the vector ranking is exact or walks a
    /// value's own index (cached: at most sixteen variants per table).</summary>
    public string Sql(RetrievalKind kind, bool hasFilter, bool exact = false, bool filterIndex = false) => filterIndex
        ? _sql[12 + (int)kind] ??= PgVectorSearchSql.Build(_schema, kind, hasFilter: true, exact: false, filterIndex: true)
        : _sql[((int)kind * 4) + (hasFilter ? 1 : 0) + (exact ? 2 : 0)] ??= PgVectorSearchSql.Build(_schema, kind, hasFilter, exact);

    /// <summary>
    /// Chooses the regime from the filter's (cached) share of rows; the count runs on <paramref name="connection"/> only on a cache
    /// miss. Without a filter the count first asks whether any other tenant has rows (two seeks on the key): a table holding only the
    /// request's tenant is unfiltered, and the graph needs no iterative scan.
    /// </summary>
    public async Task<SearchPlan> PlanAsync(NpgsqlConnection connection, RetrievalRequest request, RetrievalKind kind, CancellationToken cancellationToken)
    {
        if (kind == RetrievalKind.Keyword)
        {
            return new SearchPlan(Regime.Unfiltered, -1, 1.0);
        }

        var key = (PgVectorJson.Tenant(request.TenantId), PgVectorJson.FilterPath(request.Filter));
        var now = _time.GetTimestamp();
        if (!_estimates.TryGetValue(key, out var estimate) || _time.GetElapsedTime(estimate.Timestamp, now) > EstimateLifetime)
        {
            var (rows, share) = await _rows.CountAsync(connection, key.Item1, request.Filter.Count == 0 ? null : key.Item2, cancellationToken).ConfigureAwait(false);
            estimate = new Estimate(rows, share, now);
            if (_estimates.Count >= MaxCachedEstimates)
            {
                _estimates.Clear();
            }

            _estimates[key] = estimate;
        }

        if (estimate.Rows < 0)
        {
            return new SearchPlan(Regime.Unfiltered, -1, 1.0);
        }

        var plan = Choose(estimate.Rows, estimate.Share);
        if ((plan.Regime is Regime.Iterative or Regime.Broad || estimate.Rows >= PgVectorConstants.FilterIndexMinRows)
            && await FilterIndexes.FindAsync(connection, request.Filter, cancellationToken).ConfigureAwait(false) is { } indexed)
        {
            // A value's own graph: no row it visits is one the filter removes (the other keys and tenants aside). From 1,000 rows
            // it is also cheaper than ranking them exactly (peer benchmark: 2.2 ms for 10,000 rows' graph, 3.3 ms to rank 1,000).
            return plan with { Regime = Regime.FilterIndex, IndexedFilter = indexed };
        }

        return plan;
    }

    /// <summary>Forgets every cached count (after a bulk load, so the next query is planned for the table as it now is).</summary>
    public void ForgetEstimates()
    {
        _estimates.Clear();
        FilterIndexes.Forget();
    }

    /// <summary>
    /// The settings of one search, as (name, value): ef_search sized for the regime (a broad filter pays only its 1/share over-fetch),
    /// iterative scans only where a filter or other tenants' rows can make the graph's first pass come up short.
    /// </summary>
    public IReadOnlyList<(string Name, string Value)> Settings(RetrievalRequest request, RetrievalKind kind, bool iterativeScan, SearchPlan plan)
    {
        var settings = new List<(string, string)>
        {
            // The hybrid statement's exact-scan fallback is planned with parallel workers, and PostgreSQL starts them even when the
            // fallback's one-time filter skips it: measured ~40 ms of a 66 ms query at 100,000 chunks (16 ms against 3.5 ms with the
            // vector CTE of the time). A top-K search is small work; every statement runs in one process.
            ("max_parallel_workers_per_gather", "0"),
        };
        if (plan.Regime == Regime.Exact)
        {
            // Few eligible rows: read them through the GIN (or tenant) index and rank them exactly. A jsonb containment estimate
            // can be far off (the planner sees whole documents, not keys), so a sequential scan of every row is ruled out here.
            settings.Add(("enable_seqscan", "off"));
            return settings;
        }

        if (plan.Regime == Regime.FilterIndex)
        {
            // The value's partial HNSW index: its predicate is proved from the statement's parameters only in a custom plan, and the
            // GIN index could serve the same containment as a bitmap (then a sort of every matching row), so both are ruled out.
            settings.Add(("plan_cache_mode", "force_custom_plan"));
            settings.Add(("enable_bitmapscan", "off"));
        }

        if (plan.Regime != Regime.Unfiltered)
        {
            // The graph regimes were chosen from the counted share; the planner's own jsonb estimate would otherwise pick a GIN
            // bitmap and sort 10,000 rows at a 10 % filter (32 ms against 6 ms). The filter of the index CTE is written so no index
            // can serve it, and this rules out the sequential scan, so the HNSW order is the plan. The fallback keeps its GIN.
            settings.Add(("enable_seqscan", "off"));
        }

        settings.Add(("hnsw.ef_search", EfSearch(request, kind, iterativeScan, plan).ToString(CultureInfo.InvariantCulture)));
        if (iterativeScan && plan.Regime != Regime.Unfiltered && !FirstPassOnly(kind, plan))
        {
            // relaxed_order: pgvector keeps scanning the graph until LIMIT rows pass the filter; the CTE re-sorts exactly. Unfiltered
            // every row passes, and the iterative scan's bookkeeping alone cost 0.5 of 3 ms per query at 100,000 rows (pgbench, the
            // same statement); so does a broad filter's vector ranking, which fills LIMIT from the first pass (FirstPassOnly).
            settings.Add(("hnsw.iterative_scan", "relaxed_order"));
            settings.Add(("hnsw.max_scan_tuples", _schema.Options.MaxScanTuples.ToString(CultureInfo.InvariantCulture)));
        }

        return settings;
    }

    /// <summary>
    /// Runs the search on a connection of <paramref name="dataSource"/>. Vector-only retrieval gets its candidates in score order and
    /// applies the floor and top-K here; when the graph came up short of the candidates (a filter or other tenants' rows starved
    /// it), a second statement on the same connection ranks the eligible rows exactly, so k rows come back whenever k match.
    /// </summary>
    public async Task<IReadOnlyList<RetrievedChunk>> ExecuteAsync(NpgsqlDataSource dataSource, RetrievalRequest request, float[] query, RetrievalKind kind, bool iterativeScan, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // A cached count costs nothing; a miss is one extra round trip on this connection, once per filter per EstimateLifetime.
            var plan = await PlanAsync(connection, request, kind, cancellationToken).ConfigureAwait(false);
            var results = new List<RetrievedChunk>(request.TopK);
            await RunAsync(connection, request, query, kind, iterativeScan, plan, explain: false, reader => results.Add(PgVectorSearchBinding.Read(reader)), cancellationToken).ConfigureAwait(false);
            if (kind != RetrievalKind.Vector)
            {
                return results;
            }

            if (FirstPassOnly(kind, plan) && iterativeScan && results.Count < Candidates(request, kind, plan))
            {
                // The broad filter's rows are not where the query is: walk on with the iterative scan before ranking them exactly.
                (plan, results) = (plan with { Regime = Regime.Iterative }, new List<RetrievedChunk>(request.TopK));
                await RunAsync(connection, request, query, kind, iterativeScan, plan, explain: false, reader => results.Add(PgVectorSearchBinding.Read(reader)), cancellationToken).ConfigureAwait(false);
            }

            if (plan.Regime != Regime.Exact && results.Count < Candidates(request, kind, plan))
            {
                results.Clear();
                var exact = new SearchPlan(Regime.Exact, plan.EligibleRows, plan.Share);
                await RunAsync(connection, request, query, kind, iterativeScan, exact, explain: false, reader => results.Add(PgVectorSearchBinding.Read(reader)), cancellationToken).ConfigureAwait(false);
            }

            var floor = request.MinScore ?? double.NegativeInfinity;
            return [.. results.Where(r => r.Score >= floor).Take(request.TopK)];
        }
    }

    /// <summary>Whether any row of the tenant matches the filter (see <see cref="PgVectorEligibleRows.AnyMatchAsync"/>).</summary>
    public Task<bool> AnyMatchAsync(NpgsqlDataSource dataSource, RetrievalRequest request, CancellationToken cancellationToken) =>
        _rows.AnyMatchAsync(dataSource, request, cancellationToken);

    /// <summary>EXPLAIN (ANALYZE, BUFFERS) of exactly the statement and settings <see cref="ExecuteAsync"/> runs first; the plan's lines, the regime first.</summary>
    public async Task<IReadOnlyList<string>> ExplainAsync(NpgsqlDataSource dataSource, RetrievalRequest request, float[] query, RetrievalKind kind, bool iterativeScan, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var plan = await PlanAsync(connection, request, kind, cancellationToken).ConfigureAwait(false);
            var lines = new List<string> { string.Create(CultureInfo.InvariantCulture, $"-- regime {plan.Regime}: {plan.EligibleRows} eligible rows, share {plan.Share:0.####}") };
            await RunAsync(connection, request, query, kind, iterativeScan, plan, explain: true, reader => lines.Add(reader.GetString(0)), cancellationToken, lines).ConfigureAwait(false);
            return lines;
        }
    }

    private async Task RunAsync(NpgsqlConnection connection, RetrievalRequest request, float[] query, RetrievalKind kind, bool iterativeScan, SearchPlan plan, bool explain, Action<NpgsqlDataReader> read, CancellationToken cancellationToken, List<string>? explainLines = null)
    {
        var hasFilter = request.Filter.Count > 0;
        var batch = new NpgsqlBatch(connection);
        await using (batch.ConfigureAwait(false))
        {
            // The settings first, as set_config(name, value, is_local => true): local to the batch's implicit transaction.
            var settings = Settings(request, kind, iterativeScan, plan);
            var configure = new NpgsqlBatchCommand("SELECT " + string.Join(", ", settings.Select((_, i) => $"set_config(${(2 * i) + 1}, ${(2 * i) + 2}, true)")));
            foreach (var (name, value) in settings)
            {
                explainLines?.Add($"-- {name} = {value}");
                configure.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name, NpgsqlDbType = NpgsqlDbType.Text });
                configure.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text });
            }

            batch.BatchCommands.Add(configure);
            var search = new NpgsqlBatchCommand((explain ? "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " : string.Empty) + Sql(kind, hasFilter, plan.Regime == Regime.Exact, plan.Regime == Regime.FilterIndex));
            PgVectorSearchBinding.Bind(search, _schema, request, query, Candidates(request, kind, plan), plan.IndexedFilter);
            batch.BatchCommands.Add(search);

            var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                // The first result is set_config's row; the search's rows follow.
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    read(reader);
                }
            }
        }
    }

    private readonly record struct Estimate(long Rows, double Share, long Timestamp);
}

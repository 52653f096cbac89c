using System.Globalization;
using HybridAnswer.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace HybridAnswer.PgVector;

/// <summary>
/// The PostgreSQL chunk store: bookkeeping reads and writes on the primary, searches on the read data source (a replica when one
/// is configured), each mapped through <see cref="PgVectorErrors"/> and each after the schema is known to be ready.
/// </summary>
internal sealed class PgVectorChunkStore : IChunkStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _readDataSource;
    private readonly PgVectorSchema _schema;
    private readonly PgVectorMigrator _migrator;
    private readonly PgVectorWriter _writer;
    private readonly PgVectorErrors _errors;
    private readonly PgVectorReadConsistency _consistency;
    private readonly ILogger _logger;

    public PgVectorChunkStore(NpgsqlDataSource dataSource, NpgsqlDataSource readDataSource, PgVectorSchema schema, ILogger logger)
    {
        _dataSource = dataSource;
        _readDataSource = readDataSource;
        _schema = schema;
        _logger = logger;
        _errors = new PgVectorErrors(schema.DisplayName, logger);
        _migrator = new PgVectorMigrator(dataSource, readDataSource, schema, _errors, logger);
        _writer = new PgVectorWriter(dataSource, schema);
        Search = new PgVectorSearchCommand(schema);
        _consistency = new PgVectorReadConsistency(dataSource, readDataSource, schema.Options, schema.DisplayName, logger);
    }

    public PgVectorMigrator Migrator => _migrator;

    public PgVectorSearchCommand Search { get; }

    public int? Dimensions => _schema.Dimensions;

    public int MaxChunksPerWrite => _schema.Options.WriteBatchChunks;

    public ChunkStoreCapabilities Capabilities => _schema.Options.RetrievalKind switch
    {
        RetrievalKind.Vector => Always | ChunkStoreCapabilities.VectorSearch,
        RetrievalKind.Keyword => Always | ChunkStoreCapabilities.KeywordSearch,
        _ => Always | ChunkStoreCapabilities.VectorSearch | ChunkStoreCapabilities.KeywordSearch,
    };

    // Each write group is one transaction under per-document advisory locks (atomic), counts and the filter probe are one query
    // each; the floor is applied in SQL (keyword and hybrid) or on the candidates read (vector); the embeddings stay in the table
    // (returning them would multiply the bytes every search reads).
    private const ChunkStoreCapabilities Always =
        ChunkStoreCapabilities.AtomicReplace | ChunkStoreCapabilities.CountDocuments | ChunkStoreCapabilities.FilterProbe | ChunkStoreCapabilities.ScoreFloor;

    public async Task<IReadOnlyDictionary<DocumentKey, string>> ReadContentHashesAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken)
    {
        await _migrator.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _errors.RunAsync(_dataSource, "reading content hashes", async () =>
        {
            var command = _dataSource.CreateCommand(_schema.ExistingHashesSql);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => PgVectorJson.Tenant(k.TenantId))], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => k.Id)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                var hashes = new Dictionary<DocumentKey, string>(keys.Count);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var tenant = reader.GetString(0);
                        hashes[new DocumentKey(tenant.Length == 0 ? null : tenant, reader.GetString(1))] = reader.GetString(2);
                    }
                }

                return (IReadOnlyDictionary<DocumentKey, string>)hashes;
            }
        }).ConfigureAwait(false);
    }

    public async Task BeginWritesAsync(int chunks, CancellationToken cancellationToken)
    {
        var minimum = _schema.Options.BulkLoadMinChunks;
        if (minimum == 0 || chunks < minimum)
        {
            return; // Small incremental upserts keep the row-by-row path: the graph stays, and so do fast searches.
        }

        await _migrator.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await _errors.RunAsync(_dataSource, "preparing a bulk load", async () =>
        {
            if (await _writer.BeginBulkLoadAsync(chunks, cancellationToken).ConfigureAwait(false))
            {
                // The values' own graphs go with the shared one, for the same reason; IngestedAsync builds them again at the end.
                await Search.FilterIndexes.DropAllAsync(_dataSource, cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    public async Task ReplaceDocumentsAsync(IReadOnlyList<DocumentWrite> documents, CancellationToken cancellationToken)
    {
        await _migrator.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await _errors.RunAsync(_dataSource, "writing chunks", () => _writer.ReplaceAsync(documents, cancellationToken)).ConfigureAwait(false);
    }

    public async Task IngestedAsync(IngestResult result, int chunksWritten, CancellationToken cancellationToken)
    {
        // After a bulk load, and after a load that failed or crashed before its build (the next upsert repairs it): the index is
        // missing, so build it once, now. A cheap catalogue lookup when it is there.
        var graphBuilt = await _errors.RunAsync(_dataSource, "building the HNSW index", () => _writer.EnsureGraphIndexAsync(cancellationToken)).ConfigureAwait(false);
        if (graphBuilt || chunksWritten >= PgVectorConstants.AnalyzeAfterChunks)
        {
            // Fresh statistics and counts after a bulk load (or a repair), so the next query is planned for the table as it now is; then
            // values may have crossed the share that earns an index of their own (one scan of the table, only when keys are declared).
            Search.ForgetEstimates();
            await _errors.RunAsync(_dataSource, "analyzing the chunks table", async () =>
            {
                var command = _dataSource.CreateCommand(_schema.AnalyzeSql);
                await using (command.ConfigureAwait(false))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            await EnsureFilterIndexesAsync(cancellationToken).ConfigureAwait(false);
        }

        PgVectorLog.Ingested(_logger, _schema.DisplayName, result.Added, result.Updated, result.Unchanged, chunksWritten);
    }

    /// <summary>Builds the missing per-value indexes of the declared filter keys; returns how many it built.</summary>
    public async Task<int> EnsureFilterIndexesAsync(CancellationToken cancellationToken)
    {
        await _migrator.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _errors.RunAsync(_dataSource, "building the filter indexes", () => Search.FilterIndexes.EnsureAsync(_dataSource, cancellationToken)).ConfigureAwait(false);
    }

    public Task<string?> ReadCommitPositionAsync(CancellationToken cancellationToken) =>
        _errors.RunAsync(_dataSource, "reading the commit position", async () => (string?)await _consistency.ReadCommitPositionAsync(cancellationToken).ConfigureAwait(false));

    public async Task<int> DeleteDocumentsAsync(IReadOnlyList<DocumentKey> keys, CancellationToken cancellationToken)
    {
        await _migrator.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _errors.RunAsync(_dataSource, "deleting documents", () => _writer.DeleteAsync(keys, cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId, CancellationToken cancellationToken)
    {
        await _migrator.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _errors.RunAsync(_dataSource, "listing documents", async () =>
        {
            var command = _dataSource.CreateCommand(_schema.ListDocumentIdsSql);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PgVectorJson.Tenant(tenantId), NpgsqlDbType = NpgsqlDbType.Text });
                var ids = new List<string>();
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        ids.Add(reader.GetString(0));
                    }
                }

                // Ordinal order, like the in-memory store (PostgreSQL collations differ).
                ids.Sort(StringComparer.Ordinal);
                return (IReadOnlyList<string>)ids;
            }
        }).ConfigureAwait(false);
    }

    public async Task<long> CountDocumentsAsync(string? tenantId, CancellationToken cancellationToken)
    {
        await _migrator.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _errors.RunAsync(_dataSource, "counting documents", async () =>
        {
            var command = _dataSource.CreateCommand(_schema.CountSql);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PgVectorJson.Tenant(tenantId), NpgsqlDbType = NpgsqlDbType.Text });
                return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
        }).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RetrievedChunk>> SearchAsync(RetrievalRequest request, float[]? queryVector, CancellationToken cancellationToken)
    {
        await _migrator.EnsureReadyForReadAsync(HasReplica, cancellationToken).ConfigureAwait(false);
        var kind = _schema.Options.RetrievalKind;

        // Keyword-only SQL still binds $1 (the score expression names it); a zero vector scores 0.
        var query = queryVector ?? new float[_schema.Dimensions];
        return await ReadAsync(request, (source, token) => SearchOnceAsync(source, request, query, kind, token), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One read of a search: on the replica when there is one and it is not avoided, bounded by
    /// <see cref="PgVectorKnowledgeBaseOptions.ReplicaTimeout"/>; on the primary when the replica is behind, hung or unreachable
    /// (then avoided for the break duration). A read is safe to repeat: a broken connection on the primary is retried once on a
    /// fresh connection, which hides the dead connections a restart or failover left in the pool.
    /// </summary>
    private async Task<T> ReadAsync<T>(RetrievalRequest request, Func<NpgsqlDataSource, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var source = _readDataSource;
        if (_consistency.HasReplica)
        {
            source = _consistency.Primary;
            if (!_consistency.ReplicaAvoided && await TryReplicaAsync(request, read, cancellationToken).ConfigureAwait(false) is (true, var value))
            {
                return value;
            }
        }

        try
        {
            return await read(source, cancellationToken).ConfigureAwait(false);
        }
        catch (PgVectorStoreException e) when (PgVectorErrors.IsBrokenConnection(e.InnerException) && !cancellationToken.IsCancellationRequested)
        {
            return await read(source, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The replica's part of <see cref="ReadAsync"/>: (false, default) when the search must read the primary instead.</summary>
    private async Task<(bool Read, T Value)> TryReplicaAsync<T>(RetrievalRequest request, Func<NpgsqlDataSource, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var limit = _consistency.ReplicaBound(request);
        var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(limit);
        var attempt = OnReplicaAsync(request, read, bound.Token);
        _ = attempt.ContinueWith(static (t, cts) =>
        {
            _ = t.Exception; // observed: a replica that failed after the search moved on is not an unobserved task exception
            ((CancellationTokenSource)cts!).Dispose();
        }, bound, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            // WaitAsync as well as the token: Npgsql does not cancel every phase of opening a connection (the start-up handshake
            // waits for the connection string's Timeout, 15 s by default), and a hung replica must not hold the search that long.
            return await attempt.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is TimeoutException || e is OperationCanceledException ||
            (e is PgVectorStoreException store && (PgVectorErrors.IsBrokenConnection(store.InnerException) || PgVectorErrors.IsTimeout(store.InnerException)))))
        {
            // A standby that is down or hung must not take answers with it: the primary answers, and the replica is avoided a while.
            var timedOut = e is not PgVectorStoreException || PgVectorErrors.IsTimeout(((PgVectorStoreException)e).InnerException) || attempt.Status != TaskStatus.Faulted;
            _consistency.ReplicaFailed(timedOut, e);
            return (false, default!);
        }
    }

    private async Task<(bool Read, T Value)> OnReplicaAsync<T>(RetrievalRequest request, Func<NpgsqlDataSource, CancellationToken, Task<T>> read, CancellationToken token)
    {
        // The replica, or the primary when the replica has not replayed the commit position the request must see.
        var chosen = await _errors.RunAsync(_readDataSource, "waiting for the read replica", () => _consistency.ChooseAsync(request, token)).ConfigureAwait(false);
        return ReferenceEquals(chosen, _readDataSource) ? (true, await read(_readDataSource, token).ConfigureAwait(false)) : (false, default!);
    }

    /// <summary>Gets whether searches read a replica (a read data source other than the primary).</summary>
    public bool HasReplica => _consistency.HasReplica;

    /// <summary>Connects to the read data source and reports whether the server it reached is a standby (in recovery), and its lag.</summary>
    /// <exception cref="PgVectorStoreException">It could not be reached.</exception>
    public async Task<PgVectorReplicaSample> ReadReplicaStateAsync(CancellationToken cancellationToken)
    {
        // Bounded like a search: a hung replica must not hang the health check (and the probe that calls it).
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_schema.Options.ReplicaTimeout);
        try
        {
            var check = _errors.RunAsync(_readDataSource, "checking the read replica", () => _consistency.Lag.MeasureAsync(bound.Token));
            _ = check.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return await check.WaitAsync(_schema.Options.ReplicaTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is TimeoutException || (bound.IsCancellationRequested && e is not PgVectorStoreException { IsTransient: false })))
        {
            throw new PgVectorStoreException(
                string.Create(CultureInfo.InvariantCulture, $"The read replica of {_schema.DisplayName} did not answer within {_schema.Options.ReplicaTimeout.TotalSeconds:0.###} s (ReplicaTimeout)."),
                e, isTransient: true, "checking the read replica");
        }
    }

    public async Task<bool> AnyMatchAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        await _migrator.EnsureReadyForReadAsync(HasReplica, cancellationToken).ConfigureAwait(false);

        // The same choice as the search (replica, or the primary when it is behind or avoided), so both see the same rows.
        return await ReadAsync(request, (source, token) => _errors.RunAsync(source, "checking the filter", () => Search.AnyMatchAsync(source, request, token)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One search with a query vector the caller already has and a ranking of its choice (benchmarks, tests).</summary>
    public Task<IReadOnlyList<RetrievedChunk>> SearchOnceAsync(RetrievalRequest request, float[] query, RetrievalKind kind, CancellationToken cancellationToken) =>
        SearchOnceAsync(_readDataSource, request, query, kind, cancellationToken);

    private Task<IReadOnlyList<RetrievedChunk>> SearchOnceAsync(NpgsqlDataSource source, RetrievalRequest request, float[] query, RetrievalKind kind, CancellationToken cancellationToken) =>
        _errors.RunAsync(source, "retrieving", () => Search.ExecuteAsync(source, request, query, kind, _migrator.IterativeScan, cancellationToken));
}

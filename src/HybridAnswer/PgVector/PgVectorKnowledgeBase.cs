using System.Buffers.Binary;
using System.Globalization;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace HybridAnswer.PgVector;

/// <summary>
/// A knowledge base in PostgreSQL with pgvector: one table of chunks with an HNSW index (cosine by default), GIN indexes on
/// metadata and full text, and a versioned schema. Ingestion skips unchanged documents, replaces changed ones atomically and
/// loads with binary COPY; retrieval filters by parameterised <c>jsonb</c> containment, returns top-K under selective filters
/// (iterative index scans, an exact scan as fallback) and fuses vector and full-text ranks by reciprocal rank fusion in one statement.
/// Thread-safe; share one instance. Writes go to the primary data source, retrieval to the read data source when one is given.
/// </summary>
public sealed class PgVectorKnowledgeBase : IKnowledgeBase, IRetriever, IAsyncDisposable, IDisposable
{
    private const uint LockBuckets = 256;

    // Autovacuum re-analyzes eventually; a load this large gets statistics at once so the next query is planned right.
    private const int AnalyzeAfterChunks = 1000;

    private static readonly JsonSerializerOptions JsonOptions = new();

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _readDataSource;
    private readonly IReadOnlyList<NpgsqlDataSource> _owned;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    private readonly DocumentChunker _chunker;
    private readonly PgVectorKnowledgeBaseOptions _options;
    private readonly PgVectorSchema _schema;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _readyLock = new(1, 1);
    private readonly string[] _retrievalSql = new string[6];
    private volatile bool _ready;
    private bool _iterativeScan = true;

    /// <summary>Initializes a knowledge base over a data source built with <c>UseVector()</c>. It does not take ownership of the data sources.</summary>
    /// <param name="dataSource">The primary: migrations, ingestion, deletes, counts; and retrieval unless <paramref name="readDataSource"/> is given.</param>
    /// <param name="embedder">Embeds chunks and queries; the same model must be used for both.</param>
    /// <param name="options">The options; the defaults when <see langword="null"/>.</param>
    /// <param name="chunking">How documents are split; the defaults when <see langword="null"/>.</param>
    /// <param name="readDataSource">Where retrieval reads, e.g. a read replica; <see langword="null"/> reads from <paramref name="dataSource"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="ArgumentException">The dimensions are neither set nor reported by the embedding generator.</exception>
    public PgVectorKnowledgeBase(
        NpgsqlDataSource dataSource,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        PgVectorKnowledgeBaseOptions? options = null,
        ChunkingOptions? chunking = null,
        NpgsqlDataSource? readDataSource = null,
        ILogger<PgVectorKnowledgeBase>? logger = null)
        : this(dataSource, embedder, options, chunking, readDataSource, logger, owned: [])
    {
    }

    internal PgVectorKnowledgeBase(
        NpgsqlDataSource dataSource,
        IEmbeddingGenerator<string, Embedding<float>> embedder,
        PgVectorKnowledgeBaseOptions? options,
        ChunkingOptions? chunking,
        NpgsqlDataSource? readDataSource,
        ILogger? logger,
        IReadOnlyList<NpgsqlDataSource> owned)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(embedder);
        _options = options ?? new PgVectorKnowledgeBaseOptions();
        PgVectorKnowledgeBaseOptionsValidator.ThrowIfInvalid(_options);
        var dimensions = _options.Dimensions
            ?? embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions
            ?? throw new ArgumentException(
                $"The embedding dimensions are unknown: set {PgVectorKnowledgeBaseOptions.SectionName}:{nameof(PgVectorKnowledgeBaseOptions.Dimensions)} (the embedding generator does not report them).",
                nameof(options));
        _schema = new PgVectorSchema(_options, dimensions);
        _dataSource = dataSource;
        _readDataSource = readDataSource ?? dataSource;
        _embedder = embedder;
        _chunker = new DocumentChunker(chunking ?? new ChunkingOptions());
        _logger = logger ?? NullLogger.Instance;
        _owned = owned;
    }

    /// <summary>Gets the number of embedding dimensions stored.</summary>
    public int Dimensions => _schema.Dimensions;

    /// <summary>Gets the schema version this library creates.</summary>
    public int SchemaVersion => _schema.LatestVersion;

    /// <summary>Returns the whole schema as an idempotent SQL script, for hosts that run their own migrations (then set
    /// <see cref="PgVectorKnowledgeBaseOptions.AutoMigrate"/> to <see langword="false"/>).</summary>
    /// <param name="options">The options naming schema, table, dimensions, distance and HNSW parameters.</param>
    /// <returns>The script.</returns>
    /// <exception cref="ArgumentException"><see cref="PgVectorKnowledgeBaseOptions.Dimensions"/> is not set.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public static string CreateSchemaScript(PgVectorKnowledgeBaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Dimensions is not { } dimensions)
        {
            throw new ArgumentException($"{nameof(PgVectorKnowledgeBaseOptions.Dimensions)} must be set to create the schema script.", nameof(options));
        }

        return new PgVectorSchema(options, dimensions).Script();
    }

    /// <summary>
    /// Creates or upgrades the schema: the <c>vector</c> extension, the version table and every migration not yet applied, in one
    /// transaction under an advisory lock, so concurrent callers (several app instances starting at once) do not race. Idempotent.
    /// Runs automatically on first use unless <see cref="PgVectorKnowledgeBaseOptions.AutoMigrate"/> is off.
    /// </summary>
    /// <param name="cancellationToken">Cancels the migration; nothing is applied then.</param>
    /// <returns>The schema version now in place.</returns>
    /// <exception cref="InvalidOperationException">pgvector is not installed on the server, the user may not create it, the server is
    /// unreachable, or the existing table stores embeddings of other dimensions.</exception>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var version = await RunAsync(_dataSource, "migrating", () => MigrateCoreAsync(cancellationToken)).ConfigureAwait(false);
        _ready = true;
        return version;
    }

    /// <inheritdoc />
    public async Task<IngestResult> UpsertAsync(IEnumerable<KnowledgeDocument> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var batch = documents.ToList();
        var seen = new HashSet<(string, string)>();
        foreach (var document in batch)
        {
            ArgumentNullException.ThrowIfNull(document, nameof(documents));
            CheckTenant(document.TenantId, nameof(documents));
            CheckText(document, nameof(documents));
            if (!seen.Add((Tenant(document.TenantId), document.Id)))
            {
                throw new ArgumentException($"Document id '{document.Id}' appears more than once in one upsert.", nameof(documents));
            }
        }

        if (batch.Count == 0)
        {
            return IngestResult.Empty;
        }

        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var hashes = batch.Select(_chunker.ContentHash).ToList();
        var existing = await RunAsync(_dataSource, "reading content hashes", () => ReadHashesAsync(batch, cancellationToken)).ConfigureAwait(false);

        int added = 0, updated = 0, unchanged = 0;
        var changed = new List<PendingDocument>();
        for (var i = 0; i < batch.Count; i++)
        {
            var document = batch[i];
            var isStored = existing.TryGetValue((Tenant(document.TenantId), document.Id), out var storedHash);
            if (isStored && storedHash == hashes[i])
            {
                unchanged++;
                continue;
            }

            if (isStored)
            {
                updated++;
            }
            else
            {
                added++;
            }

            changed.Add(new PendingDocument(document, hashes[i], _chunker.Chunk(document)));
        }

        var written = 0;
        foreach (var group in WriteGroups(changed))
        {
            // Embed before opening the transaction: a failing or slow embedding model then holds no locks and leaves the
            // stored version of every document intact.
            var vectors = await EmbedAsync(group, cancellationToken).ConfigureAwait(false);
            await RunAsync(_dataSource, "writing chunks", () => WriteAsync(group, vectors, cancellationToken)).ConfigureAwait(false);
            written += vectors.Count;
        }

        if (written >= AnalyzeAfterChunks)
        {
            // Fresh statistics after a bulk load: without them the planner guesses a handful of rows per tenant and
            // sorts a sequential scan instead of walking the HNSW index (measured: 570 ms instead of a few ms at 100,000 chunks).
            await RunAsync(_dataSource, "analyzing the chunks table", async () =>
            {
                var command = _dataSource.CreateCommand($"ANALYZE {_schema.Table}");
                await using (command.ConfigureAwait(false))
                {
                    return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }

        PgVectorLog.Ingested(_logger, _schema.DisplayName, added, updated, unchanged, written);
        return new IngestResult(added, updated, unchanged, 0);
    }

    /// <inheritdoc />
    public async Task<int> DeleteAsync(IEnumerable<string> documentIds, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        CheckTenant(tenantId, nameof(tenantId));
        CheckNoNul(tenantId, nameof(tenantId));
        var tenant = Tenant(tenantId);
        var ids = documentIds.Select(id => id ?? throw new ArgumentException("A document id is null.", nameof(documentIds))).Distinct(StringComparer.Ordinal).ToList();
        ids.ForEach(id => CheckNoNul(id, nameof(documentIds)));
        if (ids.Count == 0)
        {
            return 0;
        }

        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await RunAsync(_dataSource, "deleting documents", async () =>
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var keys = ids.Select(id => (tenant, id)).ToList();
                    await LockDocumentsAsync(connection, keys, cancellationToken).ConfigureAwait(false);
                    var deleted = await DeleteDocumentsAsync(connection, keys, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return deleted;
                }
            }
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId = null, CancellationToken cancellationToken = default)
    {
        CheckTenant(tenantId, nameof(tenantId));
        CheckNoNul(tenantId, nameof(tenantId));
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await RunAsync(_dataSource, "listing documents", async () =>
        {
            var command = _dataSource.CreateCommand(_schema.ListDocumentIdsSql);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Tenant(tenantId), NpgsqlDbType = NpgsqlDbType.Text });
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

    /// <inheritdoc />
    public async Task<long> CountAsync(string? tenantId = null, CancellationToken cancellationToken = default)
    {
        CheckTenant(tenantId, nameof(tenantId));
        CheckNoNul(tenantId, nameof(tenantId));
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await RunAsync(_dataSource, "counting documents", async () =>
        {
            var command = _dataSource.CreateCommand(_schema.CountSql);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Tenant(tenantId), NpgsqlDbType = NpgsqlDbType.Text });
                return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The knowledge base is multi-tenant and the request names no tenant, or a filter key or value contains a NUL character.</exception>
    /// <exception cref="InvalidOperationException">The query embedding has the wrong dimensions, or PostgreSQL failed (the message says how).</exception>
    public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckTenant(request.TenantId, nameof(request));
        CheckNoNul(request.TenantId, nameof(request));
        CheckNoNul(request.Query, nameof(request));
        foreach (var (key, value) in request.Filter)
        {
            if (key is null || value is null || key.Contains('\0', StringComparison.Ordinal) || value.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException("Filter keys and values must be non-null text without NUL characters.", nameof(request));
            }
        }

        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var kind = _options.RetrievalKind;
        float[] query;
        if (kind == RetrievalKind.Keyword)
        {
            query = new float[_schema.Dimensions];
        }
        else
        {
            var embeddings = await _embedder.GenerateAsync([request.Query], cancellationToken: cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != 1)
            {
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for one query.");
            }

            query = Normalized(embeddings[0].Vector.ToArray(), "the query");
        }

        try
        {
            return await RunAsync(_readDataSource, "retrieving", () => SearchAsync(request, query, kind, cancellationToken)).ConfigureAwait(false);
        }
        catch (InvalidOperationException e) when (IsBrokenConnection(e.InnerException) && !cancellationToken.IsCancellationRequested)
        {
            // A search is a read and safe to repeat: after the pool was reset, one more try on a fresh connection hides the dead
            // connections a restart or failover left in the pool. A server that is really down fails this try too.
            return await RunAsync(_readDataSource, "retrieving", () => SearchAsync(request, query, kind, cancellationToken)).ConfigureAwait(false);
        }
    }

    private static bool IsBrokenConnection(Exception? exception) =>
        exception is NpgsqlException e && (e is not PostgresException || e.SqlState!.StartsWith("08", StringComparison.Ordinal) || e.SqlState.StartsWith("57P", StringComparison.Ordinal));

    /// <summary>Runs the search for a query vector the caller already has (benchmarks, tests).</summary>
    internal async Task<IReadOnlyList<RetrievedChunk>> SearchAsync(RetrievalRequest request, float[] query, RetrievalKind kind, CancellationToken cancellationToken)
    {
        var hasFilter = request.Filter.Count > 0;
        // Over-fetch from the approximate index and keep the exact best: recall of filtered HNSW scans improves markedly for little cost.
        // Keyword ranking is exact, so it needs no more than top-K on its own.
        var candidates = kind == RetrievalKind.Keyword ? request.TopK : Math.Min(Math.Max(request.TopK * 4, 40), 1000);
        var selective = hasFilter || request.TenantId is not null;
        var efSearch = Math.Clamp(Math.Max(selective ? _options.FilteredEfSearch : _options.EfSearch, candidates), 1, 1000);
        var sqlIndex = ((int)kind * 2) + (hasFilter ? 1 : 0);
        var sql = _retrievalSql[sqlIndex] ??= _schema.RetrievalSql(kind, hasFilter);

        var connection = await _readDataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // SET LOCAL needs a transaction; Npgsql sends BEGIN with the batch, so the query is still one round trip (plus COMMIT).
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var batch = new NpgsqlBatch(connection, transaction);
                await using (batch.ConfigureAwait(false))
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.ef_search = {efSearch}")));

                    // The exact-scan fallback is planned with parallel workers, and PostgreSQL starts them even when the
                    // fallback's one-time filter skips it: measured ~40 ms of a 66 ms query at 100,000 chunks. A top-K search
                    // is small work; run it in one process.
                    batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL max_parallel_workers_per_gather = 0"));
                    if (_iterativeScan)
                    {
                        // relaxed_order: pgvector keeps scanning the graph until LIMIT rows pass the filter; the CTE re-sorts exactly.
                        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL hnsw.iterative_scan = relaxed_order"));
                        batch.BatchCommands.Add(new NpgsqlBatchCommand(string.Create(CultureInfo.InvariantCulture, $"SET LOCAL hnsw.max_scan_tuples = {_options.MaxScanTuples}")));
                    }

                    var search = new NpgsqlBatchCommand(sql);
                    search.Parameters.Add(new NpgsqlParameter<Vector> { TypedValue = new Vector(query), DataTypeName = "vector" });
                    search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Tenant(request.TenantId), NpgsqlDbType = NpgsqlDbType.Text });
                    search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = hasFilter ? ToJson(request.Filter) : "{}", NpgsqlDbType = NpgsqlDbType.Jsonb });
                    search.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Query, NpgsqlDbType = NpgsqlDbType.Text });
                    search.Parameters.Add(new NpgsqlParameter<int> { TypedValue = candidates, NpgsqlDbType = NpgsqlDbType.Integer });
                    search.Parameters.Add(new NpgsqlParameter<double> { TypedValue = request.MinScore ?? -2.0, NpgsqlDbType = NpgsqlDbType.Double });
                    search.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _options.RrfK, NpgsqlDbType = NpgsqlDbType.Integer });
                    search.Parameters.Add(new NpgsqlParameter<int> { TypedValue = request.TopK, NpgsqlDbType = NpgsqlDbType.Integer });
                    batch.BatchCommands.Add(search);

                    var results = new List<RetrievedChunk>(request.TopK);
                    var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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
                                Metadata = FromJson(reader.GetString(4)),
                                SourceUri = reader.IsDBNull(5) ? null : reader.GetString(5),
                                TenantId = tenant.Length == 0 ? null : tenant,
                                Score = reader.GetDouble(7),
                            });
                        }
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return results;
                }
            }
        }
    }

    /// <summary>Disposes the data sources this instance created (through <c>UsePgVector(connectionString)</c>); never one passed in.</summary>
    /// <returns>A task that completes when they are disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (var dataSource in _owned)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }

        _readyLock.Dispose();
    }

    /// <summary>Disposes the data sources this instance created; never one passed in.</summary>
    public void Dispose()
    {
        foreach (var dataSource in _owned)
        {
            dataSource.Dispose();
        }

        _readyLock.Dispose();
    }

    private async Task<int> MigrateCoreAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            int from, to;
            bool createdExtension;
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Transaction-level lock: released by COMMIT, ROLLBACK or a dropped connection, never left behind in the pool.
                await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({PgVectorSchema.MigrationLockKey})", cancellationToken).ConfigureAwait(false);
                createdExtension = await ExtensionVersionAsync(connection, cancellationToken).ConfigureAwait(false) is null;
                if (createdExtension)
                {
                    await CreateExtensionAsync(connection, cancellationToken).ConfigureAwait(false);
                }

                await ExecuteAsync(connection, _schema.CreateVersionTableSql, cancellationToken).ConfigureAwait(false);
                from = await ScalarAsync<int>(connection, _schema.CurrentVersionSql, cancellationToken).ConfigureAwait(false);
                to = from;
                foreach (var migration in _schema.Migrations.Where(m => m.Version > from))
                {
                    await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
                    var record = new NpgsqlCommand(_schema.RecordVersionSql, connection);
                    await using (record.ConfigureAwait(false))
                    {
                        record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                        record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Description });
                        await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    to = migration.Version;
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (createdExtension)
            {
                // The data sources loaded their type catalogue before 'vector' existed.
                await _dataSource.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
                if (!ReferenceEquals(_readDataSource, _dataSource))
                {
                    await _readDataSource.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            if (to != from)
            {
                PgVectorLog.Migrated(_logger, _schema.DisplayName, from, to);
            }

            await CheckSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
            return to;
        }
    }

    private async Task CreateExtensionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS vector", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.FeatureNotSupported or PostgresErrorCodes.UndefinedFile)
        {
            throw new InvalidOperationException(
                $"The pgvector extension is not installed on the PostgreSQL server ({e.MessageText}). Install pgvector 0.8.0 or later on the server " +
                "(Debian/Ubuntu: apt install postgresql-<major>-pgvector; others: https://github.com/pgvector/pgvector#installation), then run migrate again.", e);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException(
                $"The database user may not create the pgvector extension ({e.MessageText}). Ask a database owner or superuser to run " +
                $"'CREATE EXTENSION vector;' in database '{connection.Database}', then run migrate again.", e);
        }
    }

    private async Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _readyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }

            if (_options.AutoMigrate)
            {
                await RunAsync(_dataSource, "migrating", () => MigrateCoreAsync(cancellationToken)).ConfigureAwait(false);
            }
            else
            {
                await RunAsync(_dataSource, "checking the schema", async () =>
                {
                    var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    await using (connection.ConfigureAwait(false))
                    {
                        await CheckSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
                        return 0;
                    }
                }).ConfigureAwait(false);
            }

            _ready = true;
        }
        finally
        {
            _readyLock.Release();
        }
    }

    private async Task CheckSchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var extension = await ExtensionVersionAsync(connection, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The pgvector extension is not installed in database '{connection.Database}': run 'hybrid-answer migrate' or 'CREATE EXTENSION vector;'.");
        _iterativeScan = Version.TryParse(extension.Split('-')[0], out var version) && version >= new Version(0, 8, 0);

        var command = new NpgsqlCommand(_schema.EmbeddingTypeSql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _options.Schema, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _options.Table, NpgsqlDbType = NpgsqlDbType.Text });
            var type = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (type is null)
            {
                throw new InvalidOperationException($"The table {_schema.DisplayName} does not exist: run 'hybrid-answer migrate' (or the script of --print-sql), or enable {nameof(PgVectorKnowledgeBaseOptions.AutoMigrate)}.");
            }

            var expected = string.Create(CultureInfo.InvariantCulture, $"vector({_schema.Dimensions})");
            if (type != expected)
            {
                throw new InvalidOperationException(
                    $"The table {_schema.DisplayName} stores {type} embeddings, but this knowledge base is configured for {expected} " +
                    "(the Dimensions option or the embedding model). Use the embedding model the table was built with, or another table.");
            }
        }
    }

    private static async Task<string?> ExtensionVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'vector'", connection);
        await using (command.ConfigureAwait(false))
        {
            return (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Dictionary<(string, string), string>> ReadHashesAsync(List<KnowledgeDocument> documents, CancellationToken cancellationToken)
    {
        var command = _dataSource.CreateCommand(_schema.ExistingHashesSql);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. documents.Select(d => Tenant(d.TenantId))], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. documents.Select(d => d.Id)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            var hashes = new Dictionary<(string, string), string>(documents.Count);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    hashes[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
                }
            }

            return hashes;
        }
    }

    private IEnumerable<List<PendingDocument>> WriteGroups(List<PendingDocument> documents)
    {
        var group = new List<PendingDocument>();
        var chunks = 0;
        foreach (var document in documents)
        {
            group.Add(document);
            chunks += document.Chunks.Count;
            if (chunks >= _options.WriteBatchChunks)
            {
                yield return group;
                group = [];
                chunks = 0;
            }
        }

        if (group.Count > 0)
        {
            yield return group;
        }
    }

    private async Task<List<float[]>> EmbedAsync(List<PendingDocument> documents, CancellationToken cancellationToken)
    {
        var pending = documents.SelectMany(d => d.Chunks.Select(c => (Chunk: c, Text: d.Document.Title + "\n" + c.Content))).ToList();
        var vectors = new List<float[]>(pending.Count);
        foreach (var batch in pending.Chunk(_options.EmbeddingBatchSize))
        {
            var embeddings = await _embedder.GenerateAsync(batch.Select(p => p.Text), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != batch.Length)
            {
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {batch.Length} inputs.");
            }

            for (var i = 0; i < batch.Length; i++)
            {
                vectors.Add(Normalized(embeddings[i].Vector.ToArray(), batch[i].Chunk.ChunkId));
            }
        }

        return vectors;
    }

    private async Task<int> WriteAsync(List<PendingDocument> documents, List<float[]> vectors, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var keys = documents.Select(d => (Tenant(d.Document.TenantId), d.Document.Id)).ToList();
                await LockDocumentsAsync(connection, keys, cancellationToken).ConfigureAwait(false);
                await DeleteDocumentsAsync(connection, keys, cancellationToken).ConfigureAwait(false);

                var importer = await connection.BeginBinaryImportAsync(_schema.CopySql, cancellationToken).ConfigureAwait(false);
                await using (importer.ConfigureAwait(false))
                {
                    // Inserting into the HNSW graph dominates a COPY; a write group can take longer than a query's command timeout.
                    importer.Timeout = connection.CommandTimeout == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Max(connection.CommandTimeout, 600));
                    var row = 0;
                    foreach (var pending in documents)
                    {
                        var document = pending.Document;
                        var tenant = Tenant(document.TenantId);
                        var metadata = ToJson(document.Metadata);
                        foreach (var chunk in pending.Chunks)
                        {
                            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                            await importer.WriteAsync(tenant, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                            await importer.WriteAsync(document.Id, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                            await importer.WriteAsync(chunk.Ordinal, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                            await importer.WriteAsync(document.Title, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                            await importer.WriteAsync(chunk.Content, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                            await importer.WriteAsync(metadata, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                            if (document.SourceUri is null)
                            {
                                await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                            }
                            else
                            {
                                await importer.WriteAsync(document.SourceUri, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                            }

                            await importer.WriteAsync(pending.Hash, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                            await importer.WriteAsync(new Vector(vectors[row++]), "vector", cancellationToken).ConfigureAwait(false);
                        }
                    }

                    await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return vectors.Count;
            }
        }
    }

    /// <summary>
    /// Serialises writers of the same document across processes with transaction-level advisory locks, taken in key order so two
    /// writers never deadlock; without them the second of two concurrent upserts of one document would fail on the primary key.
    /// Documents hash into <see cref="LockBuckets"/> locks: a bulk load of 100,000 documents must not take 100,000 locks
    /// (PostgreSQL's lock table holds about 64 per connection and runs out of shared memory).
    /// </summary>
    private async Task LockDocumentsAsync(NpgsqlConnection connection, List<(string Tenant, string Id)> keys, CancellationToken cancellationToken)
    {
        var lockKeys = keys.Select(k => LockKey(k.Tenant, k.Id)).Distinct().Order().ToArray();
        var command = new NpgsqlCommand(PgVectorSchema.LockDocumentsSql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = lockKeys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> DeleteDocumentsAsync(NpgsqlConnection connection, List<(string Tenant, string Id)> keys, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(_schema.DeleteDocumentsSql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => k.Tenant)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(k => k.Id)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    private long LockKey(string tenant, string documentId)
    {
        var table = SHA256.HashData(Encoding.UTF8.GetBytes(_schema.DisplayName));
        var document = SHA256.HashData(Encoding.UTF8.GetBytes($"{tenant}\0{documentId}"));
        var bucket = BinaryPrimitives.ReadUInt32LittleEndian(document) % LockBuckets;
        return (BinaryPrimitives.ReadInt64LittleEndian(table) & ~0xFFFFL) | bucket;
    }

    /// <summary>Runs a database operation and turns Npgsql failures into errors that say what failed and what to do; a broken connection
    /// also clears the pool, so the next call opens fresh connections instead of finding the dead ones a server restart left behind.</summary>
    private async Task<T> RunAsync<T>(NpgsqlDataSource dataSource, string operation, Func<Task<T>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw new InvalidOperationException($"PostgreSQL error while {operation} on {_schema.DisplayName}: {e.MessageText}. Run 'hybrid-answer migrate' or enable {nameof(PgVectorKnowledgeBaseOptions.AutoMigrate)}.", e);
        }
        catch (NpgsqlException e) when (IsBrokenConnection(e))
        {
            dataSource.Clear();
            PgVectorLog.PoolCleared(_logger, _schema.DisplayName, e);
            var host = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Host;
            throw new InvalidOperationException(
                $"PostgreSQL at '{host}' could not be reached or the connection broke while {operation} on {_schema.DisplayName} " +
                $"(server restarted or unreachable?): {e.Message.TrimEnd('.')}. The connection pool was reset; the next call reconnects.", e);
        }
        catch (PostgresException e)
        {
            throw new InvalidOperationException($"PostgreSQL error while {operation} on {_schema.DisplayName}: {e.SqlState}: {e.MessageText}", e);
        }
    }

    private void CheckTenant(string? tenantId, string paramName)
    {
        if (_options.MultiTenant && string.IsNullOrWhiteSpace(tenantId))
        {
            throw new ArgumentException("This knowledge base is multi-tenant: a tenant id is required.", paramName);
        }
    }

    // PostgreSQL text and jsonb cannot hold NUL; reject it up front with a clear message rather than fail mid-transaction.
    private static void CheckNoNul(string? value, string paramName)
    {
        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The text contains a NUL character, which PostgreSQL cannot store.", paramName);
        }
    }

    private static void CheckText(KnowledgeDocument document, string paramName)
    {
        if (document.Id.Contains('\0', StringComparison.Ordinal) || document.Title.Contains('\0', StringComparison.Ordinal) || document.Content.Contains('\0', StringComparison.Ordinal)
            || (document.SourceUri?.Contains('\0', StringComparison.Ordinal) ?? false) || (document.TenantId?.Contains('\0', StringComparison.Ordinal) ?? false)
            || document.Metadata.Any(p => p.Key.Contains('\0', StringComparison.Ordinal) || (p.Value ?? "\0").Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"Document '{document.Id.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character or a null metadata value, which PostgreSQL cannot store.", paramName);
        }
    }

    private static string Tenant(string? tenantId) => tenantId ?? string.Empty;

    private static string ToJson(IReadOnlyDictionary<string, string> values) => JsonSerializer.Serialize(new Dictionary<string, string>(values, StringComparer.Ordinal), JsonOptions);

    private static Dictionary<string, string> FromJson(string json) => JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonOptions) ?? [];

    private float[] Normalized(float[] vector, string what)
    {
        if (vector.Length != _schema.Dimensions)
        {
            throw new InvalidOperationException(
                $"The embedding for {what} has {vector.Length} dimensions, but the knowledge base stores {_schema.Dimensions}. Use the same embedding model for ingestion and queries, and set Dimensions to match it.");
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0 && Math.Abs(norm - 1) > 1e-4)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            return (T)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    private sealed record PendingDocument(KnowledgeDocument Document, string Hash, IReadOnlyList<DocumentChunk> Chunks);
}

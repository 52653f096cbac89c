using System.Globalization;
using HybridAnswer.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace HybridAnswer.PgVector;

/// <summary>
/// A knowledge base in PostgreSQL with pgvector: one table of chunks with an HNSW index (cosine by default), GIN indexes on
/// metadata and full text, and a versioned schema. Ingestion skips unchanged documents, replaces changed ones atomically and
/// loads with binary COPY; retrieval filters by one parameterised <c>jsonpath</c> over the <c>jsonb</c> metadata (a list value matches any of its elements), returns top-K under selective filters
/// (iterative index scans, an exact scan as fallback) and fuses vector and full-text ranks by reciprocal rank fusion in one statement.
/// Thread-safe; share one instance. Writes go to the primary data source, retrieval to the read data source when one is given.
/// Every PostgreSQL failure is a <see cref="PgVectorStoreException"/> (transient or not).
/// </summary>
public sealed class PgVectorKnowledgeBase : IKnowledgeBase, IRetriever, IAsyncDisposable, IDisposable
{
    private readonly IReadOnlyList<NpgsqlDataSource> _owned;
    private readonly PgVectorSchema _schema;
    private readonly PgVectorChunkStore _store;
    private readonly ChunkStoreKnowledgeBase _knowledgeBase;

    /// <summary>Initializes a knowledge base over a data source built with <c>UseVector()</c>. It does not take ownership of the data sources.</summary>
    /// <param name="dataSource">The primary: migrations, ingestion, deletes, counts; and retrieval unless <paramref name="readDataSource"/> is given.</param>
    /// <param name="embedder">Embeds chunks and queries; the same model must be used for both.</param>
    /// <param name="options">The options; the defaults when <see langword="null"/>.</param>
    /// <param name="chunking">How documents are split; the defaults when <see langword="null"/>.</param>
    /// <param name="readDataSource">Where retrieval reads, e.g. a read replica; <see langword="null"/> reads from <paramref name="dataSource"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="ArgumentException">The dimensions are neither set nor reported by the embedding generator, or the generator reports
    /// more than the HNSW index takes (2,000 with <see cref="PgVectorStorage.Float32"/>, 4,000 with <see cref="PgVectorStorage.Float16"/>).</exception>
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
        var settings = options ?? new PgVectorKnowledgeBaseOptions();
        PgVectorKnowledgeBaseOptionsValidator.ThrowIfInvalid(settings);
        var dimensions = settings.Dimensions
            ?? embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions
            ?? throw new ArgumentException(
                $"The embedding dimensions are unknown: set {PgVectorKnowledgeBaseOptions.SectionName}:{nameof(PgVectorKnowledgeBaseOptions.Dimensions)} (the embedding generator does not report them).",
                nameof(options));
        if (dimensions > PgVectorSchema.MaxDimensions(settings.VectorStorage))
        {
            // Only reported dimensions get here: an option over the limit failed validation above.
            throw new ArgumentException(
                settings.VectorStorage == PgVectorStorage.Float16
                    ? string.Create(CultureInfo.InvariantCulture, $"The embedding generator's DefaultModelDimensions is {dimensions}, more than the {PgVectorSchema.MaxHalfvecDimensions:N0} dimensions pgvector's HNSW index takes on halfvec: use an embedding model with fewer dimensions (or one that can shorten them).")
                    : PgVectorSchema.TooManyDimensions("The embedding generator's DefaultModelDimensions", dimensions),
                nameof(embedder));
        }

        _schema = new PgVectorSchema(settings, dimensions);
        _store = new PgVectorChunkStore(dataSource, readDataSource ?? dataSource, _schema, logger ?? NullLogger.Instance);
        _knowledgeBase = new ChunkStoreKnowledgeBase(_store, embedder, chunking, settings.MultiTenant, settings.EmbeddingBatchSize);
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
    /// <exception cref="PgVectorStoreException">pgvector is not installed on the server, the user may not create it, the existing table
    /// stores embeddings of other dimensions or of the other <see cref="PgVectorKnowledgeBaseOptions.VectorStorage"/> (not transient); or the server is unreachable (transient).</exception>
    public Task<int> MigrateAsync(CancellationToken cancellationToken = default) => _store.Migrator.MigrateAsync(cancellationToken);

    /// <summary>
    /// Builds the missing per-value HNSW indexes of <see cref="PgVectorKnowledgeBaseOptions.FilterIndexKeys"/>: one for each value of a
    /// declared key that at least 1,000 rows and less than half of the table carry. An ingest that writes at least 1,000 chunks does this itself; call it after smaller ingests have changed the values' shares.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the work; an index being built is rolled back, none is left half built.</param>
    /// <returns>How many indexes were built (0 when no key is declared or every eligible value has its index).</returns>
    /// <exception cref="PgVectorStoreException">The database could not be reached or refused the statement.</exception>
    public Task<int> EnsureFilterIndexesAsync(CancellationToken cancellationToken = default) => _store.EnsureFilterIndexesAsync(cancellationToken);

    /// <inheritdoc />
    public Task<IngestResult> UpsertAsync(IEnumerable<KnowledgeDocument> documents, CancellationToken cancellationToken = default) =>
        _knowledgeBase.UpsertAsync(documents, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteAsync(IEnumerable<string> documentIds, string? tenantId = null, CancellationToken cancellationToken = default) =>
        _knowledgeBase.DeleteAsync(documentIds, tenantId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListDocumentIdsAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        _knowledgeBase.ListDocumentIdsAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public Task<long> CountAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        _knowledgeBase.CountAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The knowledge base is multi-tenant and the request names no tenant, or a filter key or value contains a NUL character.</exception>
    /// <exception cref="InvalidOperationException">The query embedding has the wrong dimensions.</exception>
    /// <exception cref="PgVectorStoreException">PostgreSQL failed; <see cref="PgVectorStoreException.IsTransient"/> says whether a later try may succeed.</exception>
    public Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default) =>
        _knowledgeBase.RetrieveAsync(request, cancellationToken);

    /// <summary>Gets the chunk store (the health check inspects the schema and the replica through it).</summary>
    internal PgVectorChunkStore Store => _store;

    /// <summary>Gets the table, as messages name it.</summary>
    internal string DisplayName => _schema.DisplayName;

    /// <summary>Gets the options in effect.</summary>
    internal PgVectorKnowledgeBaseOptions Options => _schema.Options;

    /// <summary>Returns this knowledge base for its own types, otherwise what the knowledge base over its store offers (the filter probe, the store).</summary>
    /// <param name="serviceType">The type of object requested.</param>
    /// <param name="serviceKey">An optional key; keyed requests find nothing here.</param>
    /// <returns>The object, or <see langword="null"/>.</returns>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _knowledgeBase.GetService(serviceType, serviceKey);
    }

    /// <summary>Runs the search for a query vector the caller already has (benchmarks, tests): the library's own statement and settings.</summary>
    internal async Task<IReadOnlyList<RetrievedChunk>> SearchAsync(RetrievalRequest request, float[] query, RetrievalKind kind, CancellationToken cancellationToken)
    {
        await _store.Migrator.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _store.SearchOnceAsync(request, query, kind, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>EXPLAIN ANALYZE of exactly what <see cref="SearchAsync"/> runs (benchmarks, docs).</summary>
    internal async Task<IReadOnlyList<string>> ExplainAsync(RetrievalRequest request, float[] query, RetrievalKind kind, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await _store.Migrator.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _store.Search.ExplainAsync(dataSource, request, query, kind, _store.Migrator.IterativeScan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the data sources this instance created (through <c>UsePgVector(connectionString)</c>); never one passed in.</summary>
    /// <returns>A task that completes when they are disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (var dataSource in _owned)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the data sources this instance created; never one passed in.</summary>
    public void Dispose()
    {
        foreach (var dataSource in _owned)
        {
            dataSource.Dispose();
        }
    }
}

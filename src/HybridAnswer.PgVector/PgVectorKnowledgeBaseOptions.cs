using System.ComponentModel.DataAnnotations;

namespace HybridAnswer.PgVector;

/// <summary>
/// Options of <see cref="PgVectorKnowledgeBase"/>. Bound from configuration section <c>HybridAnswering:PgVector</c> and
/// validated at start; identifiers must be plain SQL identifiers (letters, digits, underscores), never quoted text.
/// </summary>
public sealed class PgVectorKnowledgeBaseOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "HybridAnswering:PgVector";

    /// <summary>Gets or sets the connection string of the primary (writes, and reads unless <see cref="ReadConnectionString"/> is set).</summary>
    /// <value>The default is <see langword="null"/>: the data source is passed to <c>UsePgVector</c> or registered in DI. A multi-host
    /// connection string (<c>Host=a,b,c</c>) sends writes to the primary and reads to a standby when one is available.</value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets a connection string for retrieval only, e.g. a read replica. Writes always go to the primary.</summary>
    /// <value>The default is <see langword="null"/>: retrieval uses the primary (or a standby of a multi-host connection string).</value>
    public string? ReadConnectionString { get; set; }

    /// <summary>Gets or sets a value indicating whether every search waits until the replica serving it has replayed this instance's
    /// latest ingest (read-your-writes within a process). Across processes pass <see cref="IngestResult.CommitPosition"/> as
    /// <see cref="RetrievalRequest.MinCommitPosition"/> instead. Without a replica nothing waits.</summary>
    /// <value>The default is <see langword="false"/>: a replica answers as it is, typically milliseconds behind the primary
    /// (see docs/scaling.md), and a search right after an ingest may not see it.</value>
    public bool ReadYourWrites { get; set; }

    /// <summary>Gets or sets how long a search waits for a replica to replay a required commit position before it reads the primary.</summary>
    /// <value>The default is 2 seconds. 0 (read the primary at once when the replica is behind) to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ReplicaWaitTimeout { get; set; } = PgVectorReadConsistency.DefaultWaitTimeout;

    /// <summary>
    /// Gets or sets how long a search gives a read replica (connecting, and the statement) before it reads the primary instead.
    /// A replica that accepts connections and never answers would otherwise hold every search for the connect or command
    /// timeout. When the search also waits for a commit position, <see cref="ReplicaWaitTimeout"/> is added to this bound.
    /// </summary>
    /// <value>The default is 3 seconds; from 100 milliseconds to 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ReplicaTimeout { get; set; } = PgVectorReadConsistency.DefaultReplicaTimeout;

    /// <summary>
    /// Gets or sets how long searches avoid a read replica that timed out or could not be reached (a circuit breaker): they read the
    /// primary at once, and the first search after the break tries the replica again.
    /// </summary>
    /// <value>The default is 30 seconds; from 0 (try the replica on every search) to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ReplicaBreakDuration { get; set; } = PgVectorReadConsistency.DefaultBreakDuration;

    /// <summary>
    /// Gets or sets how far behind the primary a read replica may be before the health check reports <c>Degraded</c> and a
    /// warning is logged (event 2015): searches that require no commit position read data up to that old there.
    /// </summary>
    /// <value>The default is 10 seconds; from 0 (any lag) to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ReplicaLagThreshold { get; set; } = PgVectorReplicaLag.DefaultThreshold;

    /// <summary>Gets or sets the schema of the chunks table.</summary>
    /// <value>The default is <c>public</c>. Letters, digits and underscores, at most 63 characters, not starting with a digit.</value>
    [Required(AllowEmptyStrings = false)]
    public string Schema { get; set; } = "public";

    /// <summary>Gets or sets the name of the chunks table; the version table and indexes are named after it.</summary>
    /// <value>The default is <c>hybridanswer_chunks</c>. Letters, digits and underscores, at most 40 characters, not starting with a digit.</value>
    [Required(AllowEmptyStrings = false)]
    public string Table { get; set; } = "hybridanswer_chunks";

    /// <summary>Gets or sets the number of embedding dimensions stored (<c>vector(n)</c>, or <c>halfvec(n)</c> with <see cref="PgVectorStorage.Float16"/>).</summary>
    /// <value>The default is <see langword="null"/>: the embedding generator's <c>DefaultModelDimensions</c>. 1–2,000 with
    /// <see cref="PgVectorStorage.Float32"/>, 1–4,000 with <see cref="PgVectorStorage.Float16"/> (pgvector's HNSW limits).</value>
    [Range(1, PgVectorSchema.MaxHalfvecDimensions)]
    public int? Dimensions { get; set; }

    /// <summary>Gets or sets how the embedding column stores each dimension: <c>vector</c> (4-byte floats) or <c>halfvec</c> (2-byte floats,
    /// pgvector 0.7.0 or later), with the HNSW index on the matching operator class. Chosen when the table is created: a table of the
    /// other storage fails at start (use another table, or re-create it), it is never converted or mixed.</summary>
    /// <value>The default is <see cref="PgVectorStorage.Float32"/>. <see cref="PgVectorStorage.Float16"/> halves the size of the embeddings
    /// and of the graph and allows up to 4,000 dimensions; recall and speed are measured in docs/benchmarks.md.</value>
    public PgVectorStorage VectorStorage { get; set; } = PgVectorStorage.Float32;

    /// <summary>Gets or sets the distance the HNSW index orders by.</summary>
    /// <value>The default is <see cref="PgVectorDistance.Cosine"/>.</value>
    public PgVectorDistance Distance { get; set; } = PgVectorDistance.Cosine;

    /// <summary>Gets or sets the HNSW <c>m</c>: links per node. Higher is more accurate, larger and slower to build.</summary>
    /// <value>The default is 16 (pgvector's default). 2–100.</value>
    [Range(2, 100)]
    public int HnswM { get; set; } = 16;

    /// <summary>Gets or sets the HNSW <c>ef_construction</c>: the candidate list size while building. At least twice <see cref="HnswM"/>.</summary>
    /// <value>The default is 64 (pgvector's default). 4–1,000.</value>
    [Range(4, 1000)]
    public int HnswEfConstruction { get; set; } = 64;

    /// <summary>Gets or sets <c>hnsw.ef_search</c> for unfiltered queries; raised to the number of candidates when that is larger.</summary>
    /// <value>The default is 40 (pgvector's default). 1–1,000.</value>
    [Range(1, 1000)]
    public int EfSearch { get; set; } = 40;

    /// <summary>Gets or sets <c>hnsw.ef_search</c> for filtered queries on a server without iterative index scans (pgvector before 0.8),
    /// where the one pass over the graph must visit enough neighbours for the filter to leave top-K.</summary>
    /// <value>The default is 200. 1–1,000. With iterative scans a filtered query uses <see cref="EfSearch"/> (raised for a filter passing most
    /// rows until its share of one pass fills the candidates) and keeps scanning instead.</value>
    [Range(1, 1000)]
    public int FilteredEfSearch { get; set; } = 200;

    /// <summary>Gets or sets <c>hnsw.max_scan_tuples</c>: how far an iterative index scan goes before the exact scan takes over.</summary>
    /// <value>The default is 20,000 (pgvector's default).</value>
    [Range(1, int.MaxValue)]
    public int MaxScanTuples { get; set; } = 20_000;

    /// <summary>Gets or sets the most rows a filter (and tenant) may pass for the search to skip the HNSW graph and rank those rows exactly,
    /// read through the metadata GIN index: few rows are cheaper to score one by one than a graph walk that discards most of what it visits.</summary>
    /// <value>The default is 3,000 (about 1–3 ms on two cores at 384 dimensions). 0 turns the exact regime off. The filter's share of
    /// rows is counted once per filter and minute (see docs/pgvector.md, "Search plans").</value>
    [Range(0, 1_000_000)]
    public int ExactSearchMaxRows { get; set; } = 3000;

    /// <summary>
    /// Gets the metadata keys whose values get an HNSW index of their own (a partial index per value), for filters that pass a middle
    /// share of rows: a search filtered on such a value walks a graph of just the matching rows instead of walking the whole graph
    /// past the rows the filter removes.
    /// </summary>
    /// <value>
    /// Empty by default. Name low-cardinality keys the host filters on (such as <c>status</c> or <c>region</c>). A value gets its index
    /// when at least 1,000 rows carry it and fewer than half of the table's rows do (fewer are ranked exactly as cheaply, more are
    /// cheap through the whole graph), after an ingest that wrote at least 1,000 chunks, or on
    /// <see cref="PgVectorKnowledgeBase.EnsureFilterIndexesAsync"/>. Each index costs build time and space in proportion to its rows
    /// (see docs/pgvector.md, "Search plans"). At most 16 keys and 32 indexes per table.
    /// </value>
    public IList<string> FilterIndexKeys { get; } = [];

    /// <summary>Gets or sets how chunks are ranked.</summary>
    /// <value>The default is <see cref="RetrievalKind.Hybrid"/>.</value>
    public RetrievalKind RetrievalKind { get; set; } = RetrievalKind.Hybrid;

    /// <summary>Gets or sets the PostgreSQL text search configuration of the generated <c>tsvector</c> and of queries.</summary>
    /// <value>The default is <c>english</c>. Changing it after the table exists needs a new table.</value>
    [Required(AllowEmptyStrings = false)]
    public string TextSearchConfiguration { get; set; } = "english";

    /// <summary>Gets or sets a value indicating whether every document and every request must name a tenant.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool MultiTenant { get; set; }

    /// <summary>Gets or sets the number of hash partitions of the chunks table by tenant (declarative partitioning, an HNSW index per
    /// partition): a tenant's search then walks one small graph instead of filtering a large one, and one tenant's bulk load
    /// rebuilds nothing of the others'. Applied by schema version 2, when the table is created or first migrated to it; an existing
    /// table is converted in that migration (its rows copied, in one transaction). Meant for <see cref="MultiTenant"/> knowledge bases.</summary>
    /// <value>The default is <see langword="null"/>: one table. 2–1,024; see docs/scaling.md for when partitioning pays.</value>
    [Range(2, 1024)]
    public int? TenantPartitions { get; set; }

    /// <summary>Gets or sets the constant k of reciprocal rank fusion, weight / (k + rank).</summary>
    /// <value>The default is 10, as in memory: each list holds only max(4 × top-K, 40) candidates, and a small k lets a chunk
    /// that one list ranks first compete with chunks both lists rank in the middle. The original RRF paper used 60 for long lists.</value>
    [Range(1, 1000)]
    public int RrfK { get; set; } = RetrievalConstants.DefaultRrfK;

    /// <summary>Gets or sets how many chunks are sent to the embedding generator in one request.</summary>
    /// <value>The default is 64. 1–2,048.</value>
    [Range(1, 2048)]
    public int EmbeddingBatchSize { get; set; } = RetrievalConstants.DefaultEmbeddingBatchSize;

    /// <summary>Gets or sets about how many chunks are embedded and then written in one transaction. Each document is always replaced whole.</summary>
    /// <value>The default is 2,000. 1–1,000,000.</value>
    [Range(1, 1_000_000)]
    public int WriteBatchChunks { get; set; } = 2000;

    /// <summary>Gets or sets the fewest chunks an upsert must write to take the bulk path: the HNSW index is dropped, the chunks are
    /// copied without maintaining the graph row by row, and the index is built once afterwards (with <see cref="IndexBuildMemoryMegabytes"/>
    /// and the parallel maintenance workers the server allows). Each write group stays one transaction, so readers still see a
    /// document's old or new chunks; while the index is rebuilt, searches rank exactly (slower, still correct).</summary>
    /// <value>The default is 10,000. 0 turns the bulk path off. An upsert also takes it only when it adds at least a quarter of the
    /// rows the table already has: rebuilding a large graph for a small addition costs more than inserting into it.</value>
    [Range(0, int.MaxValue)]
    public int BulkLoadMinChunks { get; set; } = 10_000;

    /// <summary>Gets or sets <c>maintenance_work_mem</c> for building the HNSW index after a bulk load, in megabytes. The graph should fit:
    /// about 1.7 KB per chunk at 384 dimensions and m = 16; a build that overflows it is several times slower. The graph of a value of
    /// <see cref="FilterIndexKeys"/> gets what its rows need, at most this (a parallel build allocates all of it up front).</summary>
    /// <value>The default is 1,024 (1 GB, enough for about 500,000 chunks of 384 dimensions). 64–65,536.</value>
    [Range(64, 65_536)]
    public int IndexBuildMemoryMegabytes { get; set; } = 1024;

    /// <summary>Gets or sets a value indicating whether the schema is created or upgraded on first use. Turn it off when the host runs
    /// the SQL of <see cref="PgVectorKnowledgeBase.CreateSchemaScript"/> with its own migrations.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool AutoMigrate { get; set; } = true;
}

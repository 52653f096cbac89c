using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Pgvector;

namespace HybridAnswer.PgVector;

/// <summary>
/// The SQL of one knowledge-base table: its versioned migrations and its write and bookkeeping statements (retrieval is
/// <see cref="PgVectorSearchCommand"/>). Every identifier comes from validated
/// options (<see cref="PgVectorKnowledgeBaseOptionsValidator"/>) and is quoted; every value is a parameter.
/// </summary>
internal sealed class PgVectorSchema
{
    /// <summary>The most dimensions pgvector's HNSW index takes on <c>vector</c>.</summary>
    public const int MaxVectorDimensions = 2000;

    /// <summary>The most dimensions pgvector's HNSW index takes on <c>halfvec</c>.</summary>
    public const int MaxHalfvecDimensions = 4000;

    /// <summary>The schema version that keeps embeddings inline (<see cref="EmbeddingInlineSql"/>).</summary>
    public const int InlineEmbeddingVersion = 3;

    private const string EmptyJson = "'{}'";

    public PgVectorSchema(PgVectorKnowledgeBaseOptions options, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(options);
        PgVectorKnowledgeBaseOptionsValidator.ThrowIfInvalid(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, MaxDimensions(options.VectorStorage));
        Options = options;
        Dimensions = dimensions;
        VectorType = options.VectorStorage == PgVectorStorage.Float16 ? "halfvec" : "vector";
        ColumnType = string.Create(CultureInfo.InvariantCulture, $"{VectorType}({dimensions})");
        SchemaName = Quote(options.Schema);
        Table = $"{SchemaName}.{Quote(options.Table)}";
        VersionTable = $"{SchemaName}.{Quote(options.Table + "_schema_version")}";
        TextConfig = options.TextSearchConfiguration;
        (DistanceOperator, OperatorClass) = options.Distance switch
        {
            PgVectorDistance.InnerProduct => ("<#>", VectorType + "_ip_ops"),
            PgVectorDistance.L2 => ("<->", VectorType + "_l2_ops"),
            _ => ("<=>", VectorType + "_cosine_ops"),
        };
    }

    public PgVectorKnowledgeBaseOptions Options { get; }

    public int Dimensions { get; }

    /// <summary>Gets the pgvector type of the embeddings and of query vectors: <c>vector</c> or <c>halfvec</c>.</summary>
    public string VectorType { get; }

    /// <summary>Gets the embedding column's type with its dimensions, as <c>format_type</c> shows it: <c>vector(384)</c>, <c>halfvec(384)</c>.</summary>
    public string ColumnType { get; }

    /// <summary>Gets whether embeddings are stored as half-precision floats (<c>halfvec</c>).</summary>
    public bool HalfPrecision => Options.VectorStorage == PgVectorStorage.Float16;

    public string SchemaName { get; }

    /// <summary>Gets the quoted, schema-qualified chunks table.</summary>
    public string Table { get; }

    public string VersionTable { get; }

    public string TextConfig { get; }

    public string DistanceOperator { get; }

    public string OperatorClass { get; }

    /// <summary>Gets a readable name for messages: <c>schema.table</c>.</summary>
    public string DisplayName => $"{Options.Schema}.{Options.Table}";

    /// <summary>Gets the migrations in order. A released migration is never edited; changes come as a new one.</summary>
    public IReadOnlyList<Migration> Migrations =>
    [
        new(1, "chunks table, HNSW, GIN and tenant indexes", $"""
            CREATE TABLE IF NOT EXISTS {Table} (
                tenant_id    text        NOT NULL DEFAULT '',
                document_id  text        NOT NULL,
                ordinal      integer     NOT NULL,
                title        text        NOT NULL,
                content      text        NOT NULL,
                metadata     jsonb       NOT NULL DEFAULT {EmptyJson},
                source_uri   text,
                content_hash text        NOT NULL,
                embedding    {ColumnType} NOT NULL,
                search       tsvector    GENERATED ALWAYS AS (to_tsvector('{TextConfig}'::regconfig, title || E'\n' || content)) STORED,
                updated_at   timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT {Quote(Options.Table + "_pkey")} PRIMARY KEY (tenant_id, document_id, ordinal)
            );
            CREATE INDEX IF NOT EXISTS {Quote(Options.Table + "_embedding_hnsw")} ON {Table}
                USING hnsw (embedding {OperatorClass}) WITH (m = {Options.HnswM.ToString(CultureInfo.InvariantCulture)}, ef_construction = {Options.HnswEfConstruction.ToString(CultureInfo.InvariantCulture)});
            CREATE INDEX IF NOT EXISTS {Quote(Options.Table + "_metadata_gin")} ON {Table} USING gin (metadata jsonb_path_ops);
            CREATE INDEX IF NOT EXISTS {Quote(Options.Table + "_search_gin")} ON {Table} USING gin (search);
            """),
        // Only with the option, so an unpartitioned table has no version 2 and turning the option on later converts it on the next
        // migration, even after later versions: the migrator applies every version not recorded, not only those above the highest.
        .. (Options.TenantPartitions is { } partitions
            ? new[] { new Migration(2, string.Create(CultureInfo.InvariantCulture, $"hash partitions by tenant ({partitions}), HNSW per partition"), TenantPartitionsSql(partitions)) }
            : []),
        new(InlineEmbeddingVersion, "embedding stored inline (STORAGE MAIN)", EmbeddingInlineSql),
    ];

    /// <summary>
    /// Version 3: keeps the embedding in the heap row instead of the TOAST table. pgvector declares its types STORAGE external, so
    /// any row over the ~2 kB toast threshold (a 1,536-dimension float32 vector alone, or 384 dimensions next to 1 kB of text) has
    /// its largest external attribute, the vector, moved out of line; PostgreSQL's sequential-scan cost does not count detoasting,
    /// so a toasted table looks cheap to scan and the planner picked a 320 ms sequential scan over the HNSW index (docs/scaling.md),
    /// and every exact scan and score expression read the TOAST table. MAIN rather than pgvector's suggested PLAIN: PLAIN never
    /// moves the value, so a row that cannot fit a page fails ("row is too big: size 8184, maximum size 8160" for vector(2000) or
    /// halfvec(4000) with this table's other columns); MAIN moves text, metadata and the tsvector out first and the vector only
    /// when the row still does not fit a page. MAIN also allows compression, which pglz abandons quickly on incompressible floats.
    /// Catalog-only on a new (empty) table, which gets it in the same transaction that creates it; rows already stored stay out of
    /// line until rewritten (VACUUM FULL, or re-ingestion): docs/operations.md. On a partitioned table it recurses to every
    /// partition, and version 2's LIKE ... INCLUDING STORAGE and PARTITION OF carry it over when partitions come later.
    /// </summary>
    private string EmbeddingInlineSql => $"ALTER TABLE {Table} ALTER COLUMN embedding SET STORAGE MAIN;";

    /// <summary>
    /// Version 2: with <see cref="PgVectorKnowledgeBaseOptions.TenantPartitions"/>, turns the chunks table into a table hash-partitioned
    /// by tenant with the same columns, key and indexes (each index is created on every partition, HNSW included), and moves the
    /// rows over. Idempotent (a partitioned table is left alone), so the printed script can run twice.
    /// </summary>
    private string TenantPartitionsSql(int partitions)
    {
        var table = Options.Table;
        var old = Quote(table + "_unpartitioned");
        var sql = new StringBuilder()
            .AppendLine("DO $partition$")
            .AppendLine("BEGIN")
            .AppendLine(CultureInfo.InvariantCulture, $"    IF EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = '{Table}'::regclass) THEN")
            .AppendLine("        RETURN;")
            .AppendLine("    END IF;")
            .AppendLine(CultureInfo.InvariantCulture, $"    ALTER TABLE {Table} RENAME TO {old};")
            .AppendLine(CultureInfo.InvariantCulture, $"    ALTER TABLE {SchemaName}.{old} RENAME CONSTRAINT {Quote(table + "_pkey")} TO {Quote(table + "_unpartitioned_pkey")};");
        foreach (var index in new[] { "_embedding_hnsw", "_metadata_gin", "_search_gin" })
        {
            sql.AppendLine(CultureInfo.InvariantCulture, $"    ALTER INDEX IF EXISTS {SchemaName}.{Quote(table + index)} RENAME TO {Quote(table + "_unpartitioned" + index)};");
        }

        // LIKE ... INCLUDING ALL copies columns, defaults, the generated tsvector and the storage settings; the key and the
        // indexes are declared again below so they get the table's own names.
        sql.AppendLine(CultureInfo.InvariantCulture, $"    CREATE TABLE {Table} (LIKE {SchemaName}.{old} INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE, CONSTRAINT {Quote(table + "_pkey")} PRIMARY KEY (tenant_id, document_id, ordinal)) PARTITION BY HASH (tenant_id);");
        for (var remainder = 0; remainder < partitions; remainder++)
        {
            sql.AppendLine(CultureInfo.InvariantCulture, $"    CREATE TABLE {SchemaName}.{Quote($"{table}_p{remainder}")} PARTITION OF {Table} FOR VALUES WITH (MODULUS {partitions}, REMAINDER {remainder});");
        }

        return sql
            .AppendLine(CultureInfo.InvariantCulture, $"    CREATE INDEX {Quote(table + "_embedding_hnsw")} ON {Table} USING hnsw (embedding {OperatorClass}) WITH (m = {Options.HnswM}, ef_construction = {Options.HnswEfConstruction});")
            .AppendLine(CultureInfo.InvariantCulture, $"    CREATE INDEX {Quote(table + "_metadata_gin")} ON {Table} USING gin (metadata jsonb_path_ops);")
            .AppendLine(CultureInfo.InvariantCulture, $"    CREATE INDEX {Quote(table + "_search_gin")} ON {Table} USING gin (search);")
            .AppendLine(CultureInfo.InvariantCulture, $"    INSERT INTO {Table} (tenant_id, document_id, ordinal, title, content, metadata, source_uri, content_hash, embedding, updated_at)")
            .AppendLine(CultureInfo.InvariantCulture, $"        SELECT tenant_id, document_id, ordinal, title, content, metadata, source_uri, content_hash, embedding, updated_at FROM {SchemaName}.{old};")
            .AppendLine(CultureInfo.InvariantCulture, $"    DROP TABLE {SchemaName}.{old};")
            .AppendLine("END")
            .AppendLine("$partition$;")
            .ToString();
    }

    public int LatestVersion => Migrations[^1].Version;

    public string CreateVersionTableSql => $"""
        CREATE SCHEMA IF NOT EXISTS {SchemaName};
        CREATE TABLE IF NOT EXISTS {VersionTable} (
            version     integer     PRIMARY KEY,
            description text        NOT NULL,
            applied_at  timestamptz NOT NULL DEFAULT now()
        );
        """;

    public string RecordVersionSql => $"INSERT INTO {VersionTable} (version, description) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING";

    /// <summary>The versions recorded, in order: a migration runs when its version is not among them (version 2 is optional).</summary>
    public string AppliedVersionsSql => $"SELECT version FROM {VersionTable} ORDER BY version";

    /// <summary>The migrations of these options not yet in <paramref name="applied"/>, in order.</summary>
    public IReadOnlyList<Migration> Pending(IReadOnlyCollection<int> applied) => [.. Migrations.Where(m => !applied.Contains(m.Version))];

    /// <summary>Gets the whole schema as one idempotent script, for hosts that run their own migrations (<c>migrate --print-sql</c>).</summary>
    public string Script()
    {
        var script = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"-- HybridAnswer pgvector knowledge base {DisplayName}, schema version {LatestVersion}, {ColumnType}.")
            .AppendLine("-- Idempotent: safe to run again. Needs pgvector 0.8.0 or later (https://github.com/pgvector/pgvector#installation).")
            .AppendLine("BEGIN;")
            .AppendLine(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({PgVectorConstants.MigrationLockKey});")
            .AppendLine("CREATE EXTENSION IF NOT EXISTS vector;")
            .AppendLine(CreateVersionTableSql.TrimEnd());
        foreach (var migration in Migrations)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"-- version {migration.Version}: {migration.Description}")
                .AppendLine(migration.Sql.TrimEnd())
                .AppendLine(CultureInfo.InvariantCulture, $"INSERT INTO {VersionTable} (version, description) VALUES ({migration.Version}, '{migration.Description.Replace("'", "''", StringComparison.Ordinal)}') ON CONFLICT (version) DO NOTHING;");
        }

        return script.AppendLine("COMMIT;").ToString();
    }

    /// <summary>The stored definition of the embedding column, to check it against <see cref="Dimensions"/>.</summary>
    public string EmbeddingTypeSql => """
        SELECT format_type(a.atttypid, a.atttypmod)
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = 'embedding' AND NOT a.attisdropped
        """;

    public string ExistingHashesSql => $"""
        SELECT c.tenant_id, c.document_id, c.content_hash
        FROM {Table} c
        JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, document_id) ON c.tenant_id = k.tenant_id AND c.document_id = k.document_id
        WHERE c.ordinal = 0
        """;

    public static string LockDocumentsSql => "SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) AS k";

    public string DeleteDocumentsSql => $"""
        WITH deleted AS (
            DELETE FROM {Table} c
            USING unnest($1::text[], $2::text[]) AS k(tenant_id, document_id)
            WHERE c.tenant_id = k.tenant_id AND c.document_id = k.document_id
            RETURNING c.ordinal
        )
        SELECT count(*) FILTER (WHERE ordinal = 0) FROM deleted
        """;

    public string CopySql => $"COPY {Table} (tenant_id, document_id, ordinal, title, content, metadata, source_uri, content_hash, embedding) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// Statistics after a large write, and the GIN indexes' pending lists merged: with <c>fastupdate</c> (the default) a load leaves up
    /// to <c>gin_pending_list_limit</c> (4 MB) of entries that every filtered and keyword search then scans linearly until autovacuum
    /// gets there (peer benchmark right after a 100,000-chunk load: 11 ms p50 for a 0.1 % filter that took 1.8 ms minutes later).
    /// Every GIN index of the table and of its partitions.
    /// </summary>
    public string AnalyzeSql => $"""
        ANALYZE {Table};
        SELECT gin_clean_pending_list(i.indexrelid::regclass)
        FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_am a ON a.oid = x.relam
        WHERE a.amname = 'gin' AND x.relkind = 'i'
          AND i.indrelid IN (SELECT '{Table}'::regclass UNION ALL SELECT inhrelid FROM pg_inherits WHERE inhparent = '{Table}'::regclass);
        """;

    public string HasRowsSql => $"SELECT EXISTS (SELECT 1 FROM {Table})";

    public string ListDocumentIdsSql => $"SELECT document_id FROM {Table} WHERE tenant_id = $1 AND ordinal = 0";

    public string CountSql => $"SELECT count(*) FROM {Table} WHERE tenant_id = $1 AND ordinal = 0";

    /// <summary>A vector for a <c>halfvec</c> column or parameter: each float rounded to the nearest half (as PostgreSQL's own cast from vector does).</summary>
    public static HalfVector ToHalfVector(float[] vector)
    {
        var half = new Half[vector.Length];
        TensorPrimitives.ConvertToHalf(vector, half);
        return new HalfVector(half);
    }

    /// <summary>The most dimensions the HNSW index takes with <paramref name="storage"/>.</summary>
    public static int MaxDimensions(PgVectorStorage storage) => storage == PgVectorStorage.Float16 ? MaxHalfvecDimensions : MaxVectorDimensions;

    /// <summary>The message for <paramref name="dimensions"/> (described by <paramref name="what"/>) over the float32 limit.</summary>
    public static string TooManyDimensions(string what, int dimensions) => string.Create(
        CultureInfo.InvariantCulture,
        $"{what} is {dimensions}, more than the {MaxVectorDimensions:N0} dimensions pgvector's HNSW index takes on vector (float32): set " +
        $"{PgVectorKnowledgeBaseOptions.SectionName}:{nameof(PgVectorKnowledgeBaseOptions.VectorStorage)} to {nameof(PgVectorStorage.Float16)} " +
        $"(halfvec, up to {MaxHalfvecDimensions:N0} dimensions), or use an embedding model with fewer dimensions.");

    public static string Quote(string identifier) => "\"" + identifier + "\"";

    /// <summary>One schema version.</summary>
    public sealed record Migration(int Version, string Description, string Sql);
}

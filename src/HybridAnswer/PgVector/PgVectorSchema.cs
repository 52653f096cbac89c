using System.Globalization;
using System.Text;

namespace HybridAnswer.PgVector;

/// <summary>
/// The SQL of one knowledge-base table: its versioned migrations and its queries. Every identifier comes from validated
/// options (<see cref="PgVectorKnowledgeBaseOptionsValidator"/>) and is quoted; every value is a parameter.
/// </summary>
internal sealed class PgVectorSchema
{
    /// <summary>One advisory lock for all HybridAnswer migrations in a database: migrations are rare and short, and one lock also
    /// serialises <c>CREATE EXTENSION</c>, which races between tables otherwise. The value is "HybAnsw1" in ASCII.</summary>
    public const long MigrationLockKey = 0x487962416e737731;

    private const string EmptyJson = "'{}'";

    public PgVectorSchema(PgVectorKnowledgeBaseOptions options, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(options);
        PgVectorKnowledgeBaseOptionsValidator.ThrowIfInvalid(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, 2000);
        Options = options;
        Dimensions = dimensions;
        SchemaName = Quote(options.Schema);
        Table = $"{SchemaName}.{Quote(options.Table)}";
        VersionTable = $"{SchemaName}.{Quote(options.Table + "_schema_version")}";
        TextConfig = options.TextSearchConfiguration;
        (DistanceOperator, OperatorClass) = options.Distance switch
        {
            PgVectorDistance.InnerProduct => ("<#>", "vector_ip_ops"),
            PgVectorDistance.L2 => ("<->", "vector_l2_ops"),
            _ => ("<=>", "vector_cosine_ops"),
        };
    }

    public PgVectorKnowledgeBaseOptions Options { get; }

    public int Dimensions { get; }

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
                embedding    vector({Dimensions.ToString(CultureInfo.InvariantCulture)}) NOT NULL,
                search       tsvector    GENERATED ALWAYS AS (to_tsvector('{TextConfig}'::regconfig, title || E'\n' || content)) STORED,
                updated_at   timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT {Quote(Options.Table + "_pkey")} PRIMARY KEY (tenant_id, document_id, ordinal)
            );
            CREATE INDEX IF NOT EXISTS {Quote(Options.Table + "_embedding_hnsw")} ON {Table}
                USING hnsw (embedding {OperatorClass}) WITH (m = {Options.HnswM.ToString(CultureInfo.InvariantCulture)}, ef_construction = {Options.HnswEfConstruction.ToString(CultureInfo.InvariantCulture)});
            CREATE INDEX IF NOT EXISTS {Quote(Options.Table + "_metadata_gin")} ON {Table} USING gin (metadata jsonb_path_ops);
            CREATE INDEX IF NOT EXISTS {Quote(Options.Table + "_search_gin")} ON {Table} USING gin (search);
            """),
    ];

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

    public string CurrentVersionSql => $"SELECT coalesce(max(version), 0) FROM {VersionTable}";

    /// <summary>Gets the whole schema as one idempotent script, for hosts that run their own migrations (<c>migrate --print-sql</c>).</summary>
    public string Script()
    {
        var script = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"-- HybridAnswer pgvector knowledge base {DisplayName}, schema version {LatestVersion}, vector({Dimensions}).")
            .AppendLine("-- Idempotent: safe to run again. Needs pgvector 0.8.0 or later (https://github.com/pgvector/pgvector#installation).")
            .AppendLine("BEGIN;")
            .AppendLine(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({MigrationLockKey});")
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

    public string InsertSql => $"INSERT INTO {Table} (tenant_id, document_id, ordinal, title, content, metadata, source_uri, content_hash, embedding) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

    public string ListDocumentIdsSql => $"SELECT document_id FROM {Table} WHERE tenant_id = $1 AND ordinal = 0";

    public string CountSql => $"SELECT count(*) FROM {Table} WHERE tenant_id = $1 AND ordinal = 0";

    /// <summary>
    /// Builds the retrieval query. Parameters: $1 query vector, $2 tenant, $3 metadata filter (jsonb), $4 query text,
    /// $5 candidates per ranking, $6 score floor, $7 RRF k, $8 top-K.
    /// </summary>
    /// <remarks>
    /// One statement, one round trip. The vector ranking first asks the HNSW index (iterative scan, so a selective filter
    /// keeps scanning instead of returning too few rows); only when that yields fewer than $5 rows does the exact CTE run
    /// (its WHERE is a one-time filter, so otherwise it costs nothing) and replace it, ordering by an expression the index
    /// cannot serve. The fusion is the reciprocal-rank-fusion shape of pgvector's hybrid example: two ranked lists, a full
    /// outer join, 1/(k + rank) summed — each term weighted by the chunk's score relative to the best of its list (at least 0.1), as the
    /// in-memory knowledge base does, so that a chunk one list ranks first by a wide margin (an exact product code) is not
    /// outranked by chunks both lists rank in the middle.
    /// </remarks>
    public string RetrievalSql(RetrievalKind kind, bool hasFilter)
    {
        var filter = hasFilter ? " AND c.metadata @> $3" : string.Empty;
        var similarity = Similarity("c.embedding");
        var vector = $"""
            vector_index AS MATERIALIZED (
                SELECT c.tenant_id, c.document_id, c.ordinal, {similarity} AS similarity
                FROM {Table} c
                WHERE c.tenant_id = $2{filter}
                ORDER BY c.embedding {DistanceOperator} $1
                LIMIT $5
            ),
            vector_exact AS MATERIALIZED (
                SELECT c.tenant_id, c.document_id, c.ordinal, {similarity} AS similarity
                FROM {Table} c
                WHERE (SELECT count(*) FROM vector_index) < $5 AND c.tenant_id = $2{filter}
                ORDER BY (c.embedding {DistanceOperator} $1) + 0, c.document_id, c.ordinal
                LIMIT $5
            ),
            vector_ranked AS (
                SELECT v.tenant_id, v.document_id, v.ordinal, v.similarity,
                       row_number() OVER (ORDER BY v.similarity DESC, v.document_id, v.ordinal) AS rank,
                       greatest(0.1, coalesce(greatest(v.similarity, 0) / nullif(max(greatest(v.similarity, 0)) OVER (), 0), 1.0)) AS weight
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
                       greatest(0.1, coalesce(ts_rank_cd(c.search, q) / nullif(max(ts_rank_cd(c.search, q)) OVER (), 0), 1.0)) AS weight
                FROM {Table} c, websearch_to_tsquery('{TextConfig}'::regconfig, $4) q
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
                JOIN {Table} c ON c.tenant_id = r.tenant_id AND c.document_id = r.document_id AND c.ordinal = r.ordinal
                ORDER BY r.rank
                LIMIT $8
                """,
            RetrievalKind.Keyword => $"""
                WITH {keyword}
                SELECT {columns}, r.keyword_score AS score
                FROM keyword_ranked r
                JOIN {Table} c ON c.tenant_id = r.tenant_id AND c.document_id = r.document_id AND c.ordinal = r.ordinal
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
                JOIN {Table} c ON c.tenant_id = f.tenant_id AND c.document_id = f.document_id AND c.ordinal = f.ordinal
                ORDER BY f.rrf DESC, c.document_id, c.ordinal
                LIMIT $8
                """,
        };
    }

    /// <summary>Cosine similarity whatever the index distance; a zero vector (no content words) has none, so it scores 0 instead of NaN.</summary>
    private static string Similarity(string column) => $"coalesce(nullif(1 - ({column} <=> $1), 'NaN'::float8), 0)";

    private static string Quote(string identifier) => "\"" + identifier + "\"";

    /// <summary>One schema version.</summary>
    public sealed record Migration(int Version, string Description, string Sql);
}

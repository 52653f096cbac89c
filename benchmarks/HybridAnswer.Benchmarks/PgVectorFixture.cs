using HybridAnswer.PgVector;
using Microsoft.Extensions.AI;
using Npgsql;
using Pgvector.Npgsql;

namespace HybridAnswer.Benchmarks;

/// <summary>
/// The PostgreSQL side of the pgvector benchmarks: the connection from <c>HYBRIDANSWER_TEST_CONNECTION</c> (exported by
/// <c>pg_start</c> in scripts/pg.sh, which benchmarks/run-pg.sh and scripts/test.sh call), tables, and precomputed embeddings
/// so that embedding never counts in a database figure.
/// </summary>
internal static class PgVectorFixture
{
    public const string ConnectionVariable = "HYBRIDANSWER_TEST_CONNECTION";

    public static bool IsAvailable => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ConnectionVariable));

    public static NpgsqlDataSource CreateDataSource()
    {
        var connectionString = Environment.GetEnvironmentVariable(ConnectionVariable)
            ?? throw new InvalidOperationException($"Set {ConnectionVariable} (benchmarks/run-pg.sh starts a cluster and sets it).");
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        return builder.Build();
    }

    /// <summary>
    /// An embedder holding the vectors of every corpus text in memory, computed before the measurement starts. The vectors come
    /// from the library's hashing embedder, not random numbers: uniformly random 384-dimensional vectors have no neighbourhood
    /// structure (every point is about equally far from every other), which no real embedding model produces and on which
    /// HNSW recall is meaningless (0.03 at 100,000 in our first run). Shared words give these vectors real neighbours.
    /// </summary>
    public static MemoizingEmbeddingGenerator PrecomputedEmbedder(IEnumerable<KnowledgeDocument> documents, int dimensions)
    {
        var embedder = new MemoizingEmbeddingGenerator(new HashingEmbeddingGenerator(dimensions));
        embedder.GenerateAsync(documents.Select(d => d.Title + "\n" + d.Content)).GetAwaiter().GetResult();
        return embedder;
    }

    public static PgVectorKnowledgeBase Create(NpgsqlDataSource dataSource, IEmbeddingGenerator<string, Embedding<float>> embedder, string table, RetrievalKind kind) =>
        new(dataSource, embedder, new PgVectorKnowledgeBaseOptions
        {
            Table = table,
            Dimensions = ExactSearchBenchmarks.Dimensions,
            RetrievalKind = kind,
            EmbeddingBatchSize = 1000,
            WriteBatchChunks = 10_000,
        });

    /// <summary>The query vector, from the same embedder as the corpus.</summary>
    public static float[] QueryVector(string text) => new HashingEmbeddingGenerator(ExactSearchBenchmarks.Dimensions).Embed(text);

    public static void Execute(NpgsqlDataSource dataSource, string sql)
    {
        using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }

    public static bool TableExists(NpgsqlDataSource dataSource, string table)
    {
        using var command = dataSource.CreateCommand($"SELECT to_regclass('{table}') IS NOT NULL");
        return (bool)command.ExecuteScalar()!;
    }

    public static long Count(NpgsqlDataSource dataSource, string table)
    {
        using var command = dataSource.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Creates the table empty and loads the documents through the library's own <c>UpsertAsync</c>: for a large load it takes the
    /// bulk path itself (COPY without the HNSW graph, one index build at the end), so the benchmark measures what a user gets.
    /// </summary>
    public static void BulkLoad(NpgsqlDataSource dataSource, PgVectorKnowledgeBase knowledge, string table, IReadOnlyList<KnowledgeDocument> documents)
    {
        Drop(dataSource, table);
        knowledge.MigrateAsync().GetAwaiter().GetResult();
        knowledge.UpsertAsync(documents).GetAwaiter().GetResult();
        Execute(dataSource, $"ANALYZE {table}");
    }

    public static void Drop(NpgsqlDataSource dataSource, string table) =>
        Execute(dataSource, $"DROP TABLE IF EXISTS {table}, {table}_schema_version");
}

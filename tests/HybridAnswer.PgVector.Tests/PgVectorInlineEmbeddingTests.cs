using System.Globalization;
using HybridAnswer.Cli;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary>
/// Schema version 3: the embedding column is STORAGE MAIN, so a 1,536-dimension vector next to ~1 kB of text stays in the heap row
/// instead of the TOAST table (where the planner does not cost reading it and chose a sequential scan over HNSW); existing tables get
/// it by migration, and the optional version 2 (tenant partitions) still applies after it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PgVectorInlineEmbeddingTests(PostgresFixture postgres)
{
    private const int Dimensions = 1536;

    private static readonly string[] Words =
        ["kettle", "warranty", "descale", "boils", "litres", "filter", "monthly", "motor", "blender", "basket", "citric", "acid", "replace", "order", "support", "return"];

    /// <summary>The varlena size of an inline value: 8 bytes of header (length, dimensions) and the elements.</summary>
    private static int VectorBytes(PgVectorStorage storage) => 8 + (Dimensions * (storage == PgVectorStorage.Float16 ? 2 : 4));

    /// <summary>About 1 kB of text, as a real chunk has (the synthetic ~60 characters of other tests stay under the toast threshold).</summary>
    private static string Content(int i) =>
        string.Join(' ', Enumerable.Range(0, 150).Select(j => Words[((i * 7) + (j * 13)) % Words.Length])) + string.Create(CultureInfo.InvariantCulture, $" Code XR-{i}.");

    private static KnowledgeDocument Document(int i) => new($"doc{i}", $"Document {i}", Content(i));

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The storage of the embedding column of the table and of each of its partitions, e.g. <c>hybridanswer_chunks=m</c>.</summary>
    private static async Task<List<string>> StorageAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT c.relname::text || '=' || a.attstorage::text
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE a.attname = 'embedding' AND (c.relname = 'hybridanswer_chunks' OR c.relname LIKE 'hybridanswer_chunks_p%') AND c.relkind IN ('r', 'p')
            ORDER BY c.relname
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var storage = new List<string>();
        while (await reader.ReadAsync())
        {
            storage.Add(reader.GetString(0));
        }

        return storage;
    }

    /// <summary>Rows whose embedding is stored inline and uncompressed: pg_column_size reports the whole varlena (a toasted value reports its external size, 4 bytes less).</summary>
    private static Task<long> InlineRowsAsync(NpgsqlDataSource dataSource, PgVectorStorage storage) =>
        ScalarAsync<long>(dataSource, string.Create(CultureInfo.InvariantCulture, $"SELECT count(*) FROM hybridanswer_chunks WHERE pg_column_size(embedding) = {VectorBytes(storage)}"));

    private static async Task<List<int>> VersionsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT version FROM hybridanswer_chunks_schema_version ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    [Theory]
    [InlineData(PgVectorStorage.Float32)]
    [InlineData(PgVectorStorage.Float16)]
    public async Task UpsertAsync_1536DimensionsNextToOneKilobyteOfText_EmbeddingStaysInTheHeapRow(PgVectorStorage storage)
    {
        const int rows = 200;
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var log = new EventLogger();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(Dimensions), new() { VectorStorage = storage }, logger: log);

        Assert.Equal(3, await knowledgeBase.MigrateAsync());
        Assert.DoesNotContain(2004, log.Events); // a new table has no rows to rewrite
        Assert.Equal(["hybridanswer_chunks=m"], await StorageAsync(dataSource));
        await knowledgeBase.UpsertAsync(Enumerable.Range(0, rows).Select(Document));
        Assert.Equal(rows, await knowledgeBase.CountAsync());

        Assert.Equal(rows, await InlineRowsAsync(dataSource, storage));
        // The vectors are in the heap's main fork; the TOAST table holds at most the text (compressed), not a vector per row.
        var heap = await ScalarAsync<long>(dataSource, "SELECT pg_relation_size('hybridanswer_chunks', 'main')");
        var toast = await ScalarAsync<long>(dataSource, "SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE relname = 'hybridanswer_chunks'");
        Assert.True(heap >= rows * VectorBytes(storage), $"heap {heap} bytes for {rows} rows of {VectorBytes(storage)}-byte vectors");
        Assert.True(toast < rows * VectorBytes(storage), $"toast {toast} bytes for {rows} rows of {VectorBytes(storage)}-byte vectors");
    }

    [Theory]
    [InlineData(PgVectorStorage.Float32)]
    [InlineData(PgVectorStorage.Float16)]
    public async Task ExplainAsync_Unfiltered1536Dimensions_PlansTheHnswIndexNotASequentialScan(PgVectorStorage storage)
    {
        // 2,000 rows are enough: with the vectors toasted the heap is ~500 pages and a scan-and-sort looked cheaper than the graph.
        const int rows = 2000;
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(Dimensions), new()
        {
            VectorStorage = storage,
            RetrievalKind = RetrievalKind.Vector,
            EmbeddingBatchSize = 1000,
            WriteBatchChunks = 2000,
            BulkLoadMinChunks = 1000,
        });
        await knowledgeBase.UpsertAsync(Enumerable.Range(0, rows).Select(Document));
        await ExecuteAsync(dataSource, "ANALYZE hybridanswer_chunks");

        var query = TestEmbedder.RandomVector(Dimensions, 42);
        var request = new RetrievalRequest("anything") { TopK = 5 };
        var plan = await knowledgeBase.ExplainAsync(request, query, RetrievalKind.Vector, dataSource, default);

        // The vector-only statement walks the HNSW index; before version 3 it was "Seq Scan on hybridanswer_chunks" and a top-N sort
        // (~30 ms here). It has no exact fallback inside (that is a second statement, sent only when the graph comes up short).
        Assert.Contains(plan, line => line.Contains("Index Scan using hybridanswer_chunks_embedding_hnsw", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan", StringComparison.Ordinal));
        Assert.Equal(5, (await knowledgeBase.SearchAsync(request, query, RetrievalKind.Vector, default)).Count);
    }

    [Theory]
    [InlineData(PgVectorStorage.Float32)]
    [InlineData(PgVectorStorage.Float16)]
    public async Task MigrateAsync_Version1TableWithToastedRows_GetsVersion3AndThenTenantPartitionsStillApplyVersion2(PgVectorStorage storage)
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var plain = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(Dimensions), new() { VectorStorage = storage, MultiTenant = true });
        await plain.MigrateAsync();

        // A table as an earlier release left it: version 1 only, pgvector's default STORAGE external, rows toasted.
        await ExecuteAsync(dataSource, "ALTER TABLE hybridanswer_chunks ALTER COLUMN embedding SET STORAGE EXTERNAL; DELETE FROM hybridanswer_chunks_schema_version WHERE version > 1");
        var documents = Enumerable.Range(0, 40).Select(i => Document(i) with { TenantId = i % 2 == 0 ? "acme" : "globex" }).ToList();
        await plain.UpsertAsync(documents);
        Assert.Equal(0L, await InlineRowsAsync(dataSource, storage));

        var log = new EventLogger();
        var upgraded = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(Dimensions), new() { VectorStorage = storage, MultiTenant = true }, logger: log);
        Assert.Equal(3, await upgraded.MigrateAsync());
        Assert.Equal(1, log.Events.Count(e => e == 2004)); // "rows already stored keep theirs out of line ... VACUUM FULL"
        Assert.Equal([1, 3], await VersionsAsync(dataSource));
        Assert.Equal(["hybridanswer_chunks=m"], await StorageAsync(dataSource));
        Assert.Equal(0L, await InlineRowsAsync(dataSource, storage)); // the migration does not rewrite rows (docs/operations.md)

        // Switched on later: version 2 is below the highest recorded version, and still applied.
        var partitioned = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(Dimensions), new() { VectorStorage = storage, MultiTenant = true, TenantPartitions = 4 });
        Assert.Equal(3, await partitioned.MigrateAsync());
        Assert.Equal([1, 2, 3], await VersionsAsync(dataSource));
        Assert.Equal("p", await ScalarAsync<string>(dataSource, "SELECT relkind::text FROM pg_class WHERE relname = 'hybridanswer_chunks'"));
        Assert.Equal(["hybridanswer_chunks=m", "hybridanswer_chunks_p0=m", "hybridanswer_chunks_p1=m", "hybridanswer_chunks_p2=m", "hybridanswer_chunks_p3=m"], await StorageAsync(dataSource));
        Assert.Equal(3, await partitioned.MigrateAsync());

        // The conversion copied every row into the new partitions, which stored them inline.
        Assert.Equal(20, await partitioned.CountAsync("acme"));
        Assert.Equal(20, await partitioned.CountAsync("globex"));
        Assert.Equal(40L, await InlineRowsAsync(dataSource, storage));
        Assert.Equal(40, (await partitioned.UpsertAsync(documents)).Unchanged);
    }

    [Fact]
    public async Task UpsertAsync_2000DimensionsFloat32NextToOneKilobyteOfText_StoredWhereStoragePlainWouldFail()
    {
        // Why MAIN and not PLAIN: vector(2000) is 8,008 bytes, and with this table's other columns the row is over the 8,160 bytes of a
        // page ("row is too big" under PLAIN). MAIN moves it out of line only then.
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(2000));
        var document = new KnowledgeDocument("docs/guides/installation-on-linux.md", "Installing the product on Linux", Content(1))
        {
            Metadata = new Dictionary<string, string> { ["status"] = "published", ["segment"] = "s3" },
            SourceUri = "https://example.com/docs/guides/installation-on-linux.md",
        };

        await knowledgeBase.UpsertAsync([document]);

        Assert.Equal(1, await knowledgeBase.CountAsync());
        Assert.Equal("hybridanswer_chunks=m", Assert.Single(await StorageAsync(dataSource)));
        Assert.Equal(document.Id, Assert.Single(await knowledgeBase.SearchAsync(new RetrievalRequest("x") { TopK = 1 }, TestEmbedder.RandomVector(2000, 7), RetrievalKind.Vector, default)).DocumentId);
    }

    [Fact]
    public async Task MigratePrintSql_TenantPartitions_ScriptSetsInlineStorageOnEveryPartition()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["migrate", "--print-sql", "--dimensions", "1536", "--tenant-partitions", "2"], output, error));
        var script = output.ToString();
        Assert.Contains("ALTER TABLE \"public\".\"hybridanswer_chunks\" ALTER COLUMN embedding SET STORAGE MAIN;", script, StringComparison.Ordinal);
        Assert.Contains("(3, 'embedding stored inline (STORAGE MAIN)')", script, StringComparison.Ordinal);

        await using var dataSource = await postgres.CreateDatabaseAsync();
        await ExecuteAsync(dataSource, script);
        await ExecuteAsync(dataSource, script);

        Assert.Equal(["hybridanswer_chunks=m", "hybridanswer_chunks_p0=m", "hybridanswer_chunks_p1=m"], await StorageAsync(dataSource));
        Assert.Equal([1, 2, 3], await VersionsAsync(dataSource));
    }

    /// <summary>The plan lines of the graph CTE (<c>vector_index</c>), up to the next CTE.</summary>
    /// <summary>Records the event ids logged.</summary>
    private sealed class EventLogger : ILogger<PgVectorKnowledgeBase>
    {
        public System.Collections.Concurrent.ConcurrentQueue<int> Events { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Events.Enqueue(eventId.Id);
    }
}

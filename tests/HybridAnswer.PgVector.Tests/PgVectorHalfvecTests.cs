using HybridAnswer.Cli;
using Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary><see cref="PgVectorStorage.Float16"/>: a <c>halfvec(n)</c> column, HNSW on the halfvec operator classes, recall close to float32,
/// and a table of the other storage refused at start.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PgVectorHalfvecTests(PostgresFixture postgres)
{
    private const int Dimensions = 64;
    private const int Clusters = 40;
    private const int Rows = 4000;

    [Theory]
    [InlineData(PgVectorDistance.Cosine, "halfvec_cosine_ops")]
    [InlineData(PgVectorDistance.InnerProduct, "halfvec_ip_ops")]
    [InlineData(PgVectorDistance.L2, "halfvec_l2_ops")]
    public async Task MigrateAsync_Float16_HalfvecColumnAndHnswOnTheDistancesHalfvecOperatorClass(PgVectorDistance distance, string operatorClass)
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(), new() { VectorStorage = PgVectorStorage.Float16, Distance = distance });

        Assert.Equal(3, await knowledgeBase.MigrateAsync());

        Assert.Equal("halfvec(64)", await ScalarAsync<string>(dataSource, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'hybridanswer_chunks'::regclass AND attname = 'embedding'"));
        var index = await ScalarAsync<string>(dataSource, "SELECT indexdef FROM pg_indexes WHERE indexname = 'hybridanswer_chunks_embedding_hnsw'");
        Assert.Contains($"USING hnsw (embedding {operatorClass})", index, StringComparison.Ordinal);

        // Written through COPY and read back through the index with the halfvec query parameter.
        await knowledgeBase.UpsertAsync([new KnowledgeDocument("kettle", "EK-17 kettle", "The kettle boils 1.7 litres in four minutes."), new KnowledgeDocument("blender", "KB-450 blender", "The blender has a 1200 W motor.")]);
        var results = await knowledgeBase.RetrieveAsync(new RetrievalRequest("How fast does the kettle boil?") { TopK = 1 });
        Assert.Equal("kettle", Assert.Single(results).DocumentId);
    }

    [Fact]
    public async Task SearchAsync_Float16_Top5RecallAgainstExactFloatSearchAtLeast95Percent()
    {
        // 4,000 clustered 64-dimension vectors: neighbours are close together, so half-precision rounding could reorder them if it mattered.
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var vectors = Enumerable.Range(0, Rows).Select(i => ClusteredVector(i % Clusters, i)).ToList();
        var byText = Enumerable.Range(0, Rows).ToDictionary(i => $"Document {i}\nBody {i}.", i => vectors[i]);
        var options = new PgVectorKnowledgeBaseOptions
        {
            VectorStorage = PgVectorStorage.Float16,
            RetrievalKind = RetrievalKind.Vector,
            BulkLoadMinChunks = 1000, // the first load takes the bulk path (index built after COPY), the second the row-by-row path
            EmbeddingBatchSize = 1000,
            WriteBatchChunks = 2000,
        };
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, new TestEmbedder(Dimensions, text => byText[text]), options);
        await knowledgeBase.UpsertAsync(Enumerable.Range(0, Rows - 100).Select(Document));
        await knowledgeBase.UpsertAsync(Enumerable.Range(Rows - 100, 100).Select(Document));
        Assert.Equal((long)Rows, await knowledgeBase.CountAsync());

        const int queries = 40;
        var found = 0;
        for (var q = 0; q < queries; q++)
        {
            var query = ClusteredVector(q % Clusters, 1_000_000 + q);
            var exact = Enumerable.Range(0, Rows).OrderByDescending(i => Dot(query, vectors[i])).Take(5).Select(i => $"doc{i}").ToList();

            var results = await knowledgeBase.SearchAsync(new RetrievalRequest("anything") { TopK = 5 }, query, RetrievalKind.Vector, default);

            Assert.Equal(5, results.Count);
            found += results.Count(r => exact.Contains(r.DocumentId));
            foreach (var result in results)
            {
                // The score is still the cosine similarity, to half precision.
                Assert.Equal(Dot(query, vectors[int.Parse(result.DocumentId.AsSpan(3), provider: null)]), result.Score, 2);
            }
        }

        var recall = found / (5.0 * queries);
        Assert.True(recall >= 0.95, $"recall@5 {recall:0.000}");
    }

    [Theory]
    [InlineData(PgVectorStorage.Float32, PgVectorStorage.Float16, "stores vector(16) embeddings, but this knowledge base is configured for halfvec(16) (the VectorStorage option is Float16)")]
    [InlineData(PgVectorStorage.Float16, PgVectorStorage.Float32, "stores halfvec(16) embeddings, but this knowledge base is configured for vector(16) (the VectorStorage option is Float32)")]
    public async Task MigrateAsync_TableOfTheOtherStorage_ClearErrorAndTableUntouched(PgVectorStorage existing, PgVectorStorage configured, string message)
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var first = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(16), new() { VectorStorage = existing });
        await first.UpsertAsync([new KnowledgeDocument("kettle", "Kettle", "The kettle boils water.")]);

        var migrating = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(16), new() { VectorStorage = configured });
        var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => migrating.MigrateAsync());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);

        // Without AutoMigrate the first use checks the same, and a migration that would convert the table (partitions) does not start.
        var checking = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(16), new() { VectorStorage = configured, AutoMigrate = false });
        Assert.Contains(message, (await Assert.ThrowsAsync<PgVectorStoreException>(() => checking.CountAsync())).Message, StringComparison.Ordinal);
        var partitioning = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(16), new() { VectorStorage = configured, TenantPartitions = 2 });
        Assert.Contains(message, (await Assert.ThrowsAsync<PgVectorStoreException>(() => partitioning.MigrateAsync())).Message, StringComparison.Ordinal);

        Assert.Equal("r", await ScalarAsync<string>(dataSource, "SELECT relkind::text FROM pg_class WHERE relname = 'hybridanswer_chunks'"));
        Assert.Equal(1L, await first.CountAsync());
        Assert.Equal("kettle", Assert.Single(await first.RetrieveAsync(new RetrievalRequest("kettle boils"))).DocumentId);
    }

    [Fact]
    public async Task TenantPartitions_Float16_EveryPartitionHasAHalfvecIndex()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(), new() { VectorStorage = PgVectorStorage.Float16, MultiTenant = true, TenantPartitions = 3 });

        Assert.Equal(3, await knowledgeBase.MigrateAsync());

        Assert.Equal(3L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'hybridanswer_chunks_p%' AND indexdef LIKE '%USING hnsw (embedding halfvec_cosine_ops)%'"));
        await knowledgeBase.UpsertAsync([new KnowledgeDocument("kettle", "Kettle", "The kettle boils water.") { TenantId = "acme" }]);
        Assert.Equal("kettle", Assert.Single(await knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle boils") { TenantId = "acme" })).DocumentId);
    }

    [Fact]
    public async Task MigratePrintSql_VectorStorageFloat16_HalfvecScriptRunsTwice()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["migrate", "--print-sql", "--dimensions", "3000", "--vector-storage", "float16"], output, error));
        var script = output.ToString();
        Assert.Contains("embedding    halfvec(3000) NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("USING hnsw (embedding halfvec_cosine_ops)", script, StringComparison.Ordinal);

        await using var dataSource = await postgres.CreateDatabaseAsync();
        for (var run = 0; run < 2; run++)
        {
            await using var command = dataSource.CreateCommand(script);
            await command.ExecuteNonQueryAsync();
        }

        Assert.Equal("halfvec(3000)", await ScalarAsync<string>(dataSource, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'hybridanswer_chunks'::regclass AND attname = 'embedding'"));
    }

    [Fact]
    public async Task Migrate_Float16ThroughTheCli_ReportsHalfvec()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, await CliApp.RunAsync(["migrate", "--connection", postgres.PrimaryConnectionString(dataSource), "--dimensions", "32", "--vector-storage", "Float16"], output, error));

        Assert.Equal("Schema at version 3 (halfvec(32)).", output.ToString().Trim());
        Assert.Equal("halfvec(32)", await ScalarAsync<string>(dataSource, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'hybridanswer_chunks'::regclass AND attname = 'embedding'"));
    }

    [Fact]
    public async Task MigratePrintSql_Over2000DimensionsWithoutFloat16_UsageErrorNamingTheFlag()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.NotEqual(0, await CliApp.RunAsync(["migrate", "--print-sql", "--dimensions", "3072"], output, error));

        Assert.Contains("--dimensions 3072 is more than the 2000 an HNSW index takes on vector: add --vector-storage float16", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    private static KnowledgeDocument Document(int i) => new($"doc{i}", $"Document {i}", $"Body {i}.");

    /// <summary>A unit vector near the centre of <paramref name="cluster"/>: the centre plus noise of a third of its length.</summary>
    private static float[] ClusteredVector(int cluster, int seed)
    {
        var centre = TestEmbedder.RandomVector(Dimensions, 7_000_000 + cluster);
        var noise = TestEmbedder.RandomVector(Dimensions, seed);
        var vector = centre.Zip(noise, (c, n) => c + (0.35f * n)).ToArray();
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        return [.. vector.Select(x => x / norm)];
    }

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

using HybridAnswer.Tests.Shared;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HybridAnswer.PgVector.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PgVectorKnowledgeBaseTests(PostgresFixture postgres)
{
    private static readonly KnowledgeDocument[] Manuals =
    [
        new("kettle", "EK-17 kettle", "# EK-17 kettle\n\nThe kettle boils 1.7 litres in four minutes. Descale it monthly with citric acid.") { Metadata = new Dictionary<string, string> { ["status"] = "published" } },
        new("blender", "KB-450 blender", "# KB-450 blender\n\nThe blender has a 1200 W motor and an 8-year motor warranty.") { Metadata = new Dictionary<string, string> { ["status"] = "published" } },
        new("draft", "Air fryer draft", "# AF-220 air fryer\n\nDraft: the air fryer basket holds 5.5 litres.") { Metadata = new Dictionary<string, string> { ["status"] = "draft" } },
    ];

    [Fact]
    public async Task UpsertAsync_SameFolderAnotherEmbedder_EveryVectorReplacedByTheNewModelsOnce()
    {
        // A table filled by the MiniLM embedder before its tokenization changed (provider "hybridanswer-minilm", now "-2"): the
        // same documents ingested again must be re-embedded, not reported unchanged with the old model's vectors kept.
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var options = new PgVectorKnowledgeBaseOptions { Dimensions = 16 };
        var before = new PgVectorKnowledgeBase(dataSource, new RenamedEmbedder(TestEmbedder.Random(16), "hybridanswer-minilm", "all-MiniLM-L6-v2"), options);
        Assert.Equal((3, 0, 0, 0), (await before.UpsertAsync(Manuals)).Counts());
        var hashing = new HashingEmbeddingGenerator(16);
        var upgraded = TestEmbedder.Batched(16, texts => [.. texts.Select(hashing.Embed)]);
        var after = new PgVectorKnowledgeBase(dataSource, new RenamedEmbedder(upgraded, "hybridanswer-minilm-2", "all-MiniLM-L6-v2"), options);

        var reingested = await after.UpsertAsync(Manuals);
        var again = await after.UpsertAsync(Manuals);

        Assert.Equal((0, 3, 0, 0), reingested.Counts());
        Assert.Equal((0, 0, 3, 0), again.Counts());
        Assert.Equal(3, upgraded.Inputs);
        await using var command = dataSource.CreateCommand("SELECT title, content, embedding::real[] FROM hybridanswer_chunks");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            var expected = hashing.Embed(reader.GetString(0) + "\n" + reader.GetString(1));
            var stored = reader.GetFieldValue<float[]>(2);
            Assert.Equal(expected.Length, stored.Length);
            Assert.All(expected.Zip(stored), p => Assert.Equal(p.First, p.Second, 4));
            rows++;
        }

        Assert.Equal(3, rows);
    }

    [Fact]
    public async Task MigrateAsync_Twice_AppliesEachVersionOnce()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(16));

        Assert.Equal(3, await knowledgeBase.MigrateAsync());
        Assert.Equal(3, await knowledgeBase.MigrateAsync());

        await using var command = dataSource.CreateCommand("SELECT count(*) FROM hybridanswer_chunks_schema_version");
        Assert.Equal(2L, await command.ExecuteScalarAsync()); // versions 1 and 3 (2 is tenant partitions, only with the option)
    }

    [Fact]
    public async Task MigrateAsync_EightProcessesAtOnce_AllSucceedWithOneSchema()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        // Separate data sources, as separate app instances would have; none pooled with another. Each maps pgvector (UseVector:
        // a plain data source is now refused at migration, see PgVectorTypeMappingTests) and has loaded its type catalogue first.
        var sources = Enumerable.Range(0, 8).Select(_ =>
        {
            var builder = new NpgsqlDataSourceBuilder(dataSource.ConnectionString);
            builder.UseVector();
            return builder.Build();
        }).ToList();
        foreach (var source in sources)
        {
            await using var connection = await source.OpenConnectionAsync();
        }

        try
        {
            var versions = await Task.WhenAll(sources.Select(s => new PgVectorKnowledgeBase(s, TestEmbedder.Random(16)).MigrateAsync()));
            Assert.All(versions, v => Assert.Equal(3, v));
            await using var command = dataSource.CreateCommand("SELECT (SELECT count(*) FROM hybridanswer_chunks_schema_version), (SELECT count(*) FROM pg_indexes WHERE tablename = 'hybridanswer_chunks')");
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(2L, reader.GetInt64(0)); // versions 1 and 3, each once
            Assert.Equal(4L, reader.GetInt64(1)); // primary key, HNSW, metadata GIN, text GIN
        }
        finally
        {
            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task CreateSchemaScript_RunTwiceByHost_GivesWorkingSchemaWithoutAutoMigrate()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var options = new PgVectorKnowledgeBaseOptions { Dimensions = 16, Schema = "kb", Table = "chunks", AutoMigrate = false };
        var script = PgVectorKnowledgeBase.CreateSchemaScript(options);

        for (var i = 0; i < 2; i++)
        {
            await using var command = dataSource.CreateCommand(script);
            await command.ExecuteNonQueryAsync();
        }

        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(16), options);
        Assert.Equal((3, 0, 0, 0), (await knowledgeBase.UpsertAsync(Manuals)).Counts());
        Assert.Equal(3, await knowledgeBase.CountAsync());
    }

    [Fact]
    public async Task Upsert_WithoutSchemaAndAutoMigrateOff_FailsNamingTheTable()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(16), new() { AutoMigrate = false });

        var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.UpsertAsync(Manuals));
        Assert.Contains("public.hybridanswer_chunks does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upsert_SameDocumentsAgain_NoRowRewritten()
    {
        // That unchanged documents are not embedded again is the conformance suite's (IngestConformanceTests); here, that no row is written.
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing());
        await knowledgeBase.UpsertAsync(Manuals);
        var versions = await RowVersionsAsync(dataSource);

        Assert.Equal((0, 0, 3, 0), (await knowledgeBase.UpsertAsync(Manuals)).Counts());
        Assert.Equal(versions, await RowVersionsAsync(dataSource)); // same xmin: no row was rewritten
    }

    [Fact]
    public async Task UpsertAsync_Lists_StoredAsJsonArrays()
    {
        // That the same lists again are unchanged is the conformance suite's (IngestConformanceTests); here, the stored jsonb.
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(32));
        await knowledgeBase.UpsertAsync([new KnowledgeDocument("refunds", "Refunds", "Refunds are paid back to the card within five days.")
        {
            Metadata = new Dictionary<string, string> { ["status"] = "published" },
            MultiValuedMetadata = new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["billing", "refunds"] },
        }]);

        await using var command = dataSource.CreateCommand("SELECT metadata::text FROM hybridanswer_chunks WHERE document_id = 'refunds'");
        var stored = (string)(await command.ExecuteScalarAsync())!;

        Assert.Equal("""{"tags": ["billing", "refunds"], "status": "published"}""", stored);
    }

    [Fact]
    public async Task Upsert_WrongEmbeddingDimensions_ClearErrorAndNothingStored()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(8), new() { Dimensions = 16 });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => knowledgeBase.UpsertAsync(Manuals));

        Assert.Contains("has 8 dimensions, but the knowledge base stores 16", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await knowledgeBase.CountAsync());
    }

    [Fact]
    public async Task MigrateAsync_TableHasOtherDimensions_ClearError()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        await new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(16)).MigrateAsync();

        var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(32)).MigrateAsync());

        Assert.Contains("stores vector(16) embeddings, but this knowledge base is configured for vector(32)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RetrievalKind.Vector, 20_000)]
    [InlineData(RetrievalKind.Hybrid, 20_000)]
    [InlineData(RetrievalKind.Vector, 1)] // the index scan gives up at once: the exact scan must take over
    public async Task RetrieveAsync_FilterMatchingOnePercentOf20000Chunks_ReturnsExactlyTopK(RetrievalKind kind, int maxScanTuples)
    {
        var (dataSource, vectors) = await RandomCorpusAsync();
        var options = RandomCorpusOptions(kind);
        options.MaxScanTuples = maxScanTuples;
        options.FilteredEfSearch = maxScanTuples == 1 ? 10 : options.FilteredEfSearch;
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(32), options);
        var filter = new Dictionary<string, string> { ["group"] = "rare" };

        var found = 0;
        for (var q = 0; q < 5; q++)
        {
            var query = TestEmbedder.RandomVector(32, 1000 + q);
            var results = await knowledgeBase.SearchAsync(new RetrievalRequest("anything") { TopK = 10, Filter = filter }, query, kind, default);

            Assert.Equal(10, results.Count);
            Assert.All(results, r => Assert.Equal("rare", r.Metadata["group"]));
            var exact = vectors.Where(v => v.Id % 100 == 0).OrderByDescending(v => TestEmbedder.Dot(query, v.Vector)).Take(10).Select(v => $"doc{v.Id}").ToList();
            if (maxScanTuples == 1)
            {
                Assert.Equal(exact, results.Select(r => r.DocumentId).ToList());
            }

            found += results.Count(r => exact.Contains(r.DocumentId));
        }

        if (kind == RetrievalKind.Vector)
        {
            // The HNSW path is approximate (and this graph deliberately sparse); it must still find most of the true top 10.
            Assert.True(found >= 40, $"recall@10 {found / 50.0:0.00}");
        }
    }

    [Theory]
    [InlineData("chunks; DROP TABLE x", "public")]
    [InlineData("chunks\"", "public")]
    [InlineData("1chunks", "public")]
    [InlineData("chunks", "public\".\"pg_class")]
    [InlineData("chunks", "")]
    [InlineData("a_table_name_that_is_far_too_long_for_the_index_names_derived_from_it", "public")]
    public void Constructor_IdentifierThatIsNotAnIdentifier_ThrowsNamingTheOption(string table, string schema)
    {
        using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        var error = Assert.Throws<OptionsValidationException>(() => new PgVectorKnowledgeBase(dataSource, TestEmbedder.Random(16), new() { Table = table, Schema = schema }));
        Assert.Contains(table == "chunks" ? "Schema" : "Table", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrieveAsync_32ConcurrentQueries_AllAnswerThroughThePool()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing());
        await knowledgeBase.UpsertAsync(Manuals);
        var expected = await knowledgeBase.RetrieveAsync(new RetrievalRequest("blender motor warranty"));

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => knowledgeBase.RetrieveAsync(new RetrievalRequest("blender motor warranty")))));

        Assert.All(results, r => Assert.Equal(expected.Select(c => c.ChunkId), r.Select(c => c.ChunkId)));
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'");
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ServerRestartedMidRun_ReadsRetryOnceWritesFailClearlyThenNextCallSucceeds()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing());
        await knowledgeBase.UpsertAsync(Manuals);
        var before = await knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle"));

        await postgres.RestartServerAsync();

        // A search is a read: the dead pooled connection is replaced and the search repeated once, so the caller sees no error.
        var after = await knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle"));
        Assert.Equal(before.Select(c => c.ChunkId), after.Select(c => c.ChunkId));

        await postgres.RestartServerAsync();

        // A write is not repeated behind the caller's back: it fails with a message that says what happened, and resets the pool.
        var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.UpsertAsync(Manuals));
        Assert.True(error.IsTransient);
        Assert.Contains("connection broke", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
        Assert.Equal((0, 0, 3, 0), (await knowledgeBase.UpsertAsync(Manuals)).Counts());
    }

    [Fact]
    public async Task Constructor_UnreachableServer_ClearErrorOnFirstCall()
    {
        await using var dataSource = new NpgsqlDataSourceBuilder("Host=127.0.0.1;Port=1;Username=postgres;Timeout=2").Build();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing());

        var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.CountAsync());

        Assert.Contains("PostgreSQL at '127.0.0.1' could not be reached", error.Message, StringComparison.Ordinal);
    }

    // A sparse graph (m = 4) builds fast and recalls worse than the default, which is what the exact-scan fallback must make up for.
    private static PgVectorKnowledgeBaseOptions RandomCorpusOptions(RetrievalKind kind) =>
        new() { Table = "random_chunks", RetrievalKind = kind, HnswM = 4, HnswEfConstruction = 16, EmbeddingBatchSize = 1000, WriteBatchChunks = 5000 };

    /// <summary>20,000 one-chunk documents with random 32-dimension vectors; every hundredth is in group "rare" (1%). Loaded once per run.</summary>
    private async Task<(NpgsqlDataSource DataSource, List<(int Id, float[] Vector)> Vectors)> RandomCorpusAsync()
    {
        await RandomCorpus.Lock.WaitAsync();
        try
        {
            if (RandomCorpus.Value is { } existing)
            {
                // Another test may have restarted the server since: start from fresh connections.
                existing.Item1.Clear();
                return existing;
            }

            var dataSource = await postgres.CreateDatabaseAsync();
            var vectors = Enumerable.Range(0, 20_000).Select(i => (Id: i, Vector: TestEmbedder.RandomVector(32, i))).ToList();
            var documents = vectors.Select(v => new KnowledgeDocument($"doc{v.Id}", $"Document {v.Id}", $"Body of document {v.Id}.")
            {
                Metadata = new Dictionary<string, string> { ["group"] = v.Id % 100 == 0 ? "rare" : "common" },
            });
            var byText = vectors.ToDictionary(v => $"Document {v.Id}\nBody of document {v.Id}.", v => v.Vector);
            var loader = new PgVectorKnowledgeBase(dataSource, new TestEmbedder(32, text => byText[text]), RandomCorpusOptions(RetrievalKind.Vector));
            await loader.UpsertAsync(documents);
            await using (var analyze = dataSource.CreateCommand("ANALYZE random_chunks"))
            {
                await analyze.ExecuteNonQueryAsync();
            }

            RandomCorpus.Value = (dataSource, vectors);
            return RandomCorpus.Value.Value;
        }
        finally
        {
            RandomCorpus.Lock.Release();
        }
    }

    private static async Task<List<(string, long)>> RowVersionsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT document_id || '#' || ordinal, xmin::text::bigint FROM hybridanswer_chunks ORDER BY 1");
        var rows = new List<(string, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }

    private static class RandomCorpus
    {
        public static readonly SemaphoreSlim Lock = new(1, 1);

        public static (NpgsqlDataSource, List<(int Id, float[] Vector)>)? Value { get; set; }
    }
}

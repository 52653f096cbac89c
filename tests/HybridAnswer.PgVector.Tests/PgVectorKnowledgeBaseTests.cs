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
        // Separate data sources, as separate app instances would have; none pooled with another.
        var sources = Enumerable.Range(0, 8).Select(_ => NpgsqlDataSource.Create(dataSource.ConnectionString)).ToList();
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
        Assert.Equal(new IngestResult { Added = 3, Updated = 0, Unchanged = 0, Deleted = 0 }, (await knowledgeBase.UpsertAsync(Manuals)).Counts());
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
    public async Task Upsert_SameDocumentsAgain_NeitherReEmbeddedNorRewritten()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var embedder = TestEmbedder.Hashing();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, embedder);

        Assert.Equal(new IngestResult { Added = 3, Updated = 0, Unchanged = 0, Deleted = 0 }, (await knowledgeBase.UpsertAsync(Manuals)).Counts());
        var calls = embedder.Calls;
        var versions = await RowVersionsAsync(dataSource);

        Assert.Equal(new IngestResult { Added = 0, Updated = 0, Unchanged = 3, Deleted = 0 }, (await knowledgeBase.UpsertAsync(Manuals)).Counts());
        Assert.Equal(calls, embedder.Calls);
        Assert.Equal(versions, await RowVersionsAsync(dataSource)); // same xmin: no row was rewritten
    }

    [Fact]
    public async Task Upsert_ChangedDocument_ReplacesAllItsChunksAndOnlyEmbedsIt()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var embedder = TestEmbedder.Hashing();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, embedder, chunking: new ChunkingOptions { TargetSize = 100, Overlap = 0 });
        var longText = string.Join("\n\n", Enumerable.Range(0, 6).Select(i => $"## Part {i}\n\nParagraph {i} talks about descaling the kettle with citric acid."));
        await knowledgeBase.UpsertAsync([new KnowledgeDocument("kettle", "Kettle", longText), Manuals[1]]);
        Assert.True(await ChunkCountAsync(dataSource, "kettle") > 3);
        var inputs = embedder.Inputs;

        var result = await knowledgeBase.UpsertAsync([new KnowledgeDocument("kettle", "Kettle", "Short now."), Manuals[1]]);

        Assert.Equal(new IngestResult { Added = 0, Updated = 1, Unchanged = 1, Deleted = 0 }, result.Counts());
        Assert.Equal(1, await ChunkCountAsync(dataSource, "kettle"));
        Assert.Equal(inputs + 1, embedder.Inputs);
    }

    [Fact]
    public async Task Upsert_EmbeddingFailsMidway_PreviousVersionIntact()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var embedder = TestEmbedder.Hashing();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, embedder, new() { EmbeddingBatchSize = 1 });
        await knowledgeBase.UpsertAsync(Manuals);
        var before = await ContentsAsync(dataSource);

        embedder.FailOnCall = embedder.Calls + 2;
        var changed = Manuals.Select(d => new KnowledgeDocument(d.Id, d.Title, d.Content + "\n\nVersion 2.") { Metadata = d.Metadata }).ToList();
        await Assert.ThrowsAsync<HttpRequestException>(() => knowledgeBase.UpsertAsync(changed));

        Assert.Equal(before, await ContentsAsync(dataSource));
        embedder.FailOnCall = null;
        Assert.Equal(new IngestResult { Added = 0, Updated = 3, Unchanged = 0, Deleted = 0 }, (await knowledgeBase.UpsertAsync(changed)).Counts());
        Assert.All((await ContentsAsync(dataSource)).Values, c => Assert.EndsWith("Version 2.", c, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upsert_CancelledDuringWrite_PreviousVersionIntact()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        using var cancellation = new CancellationTokenSource();
        var embedder = new TestEmbedder(16, text =>
        {
            // Cancel after the last embedding, so the cancellation hits the write transaction.
            if (text.Contains("Version 2", StringComparison.Ordinal) && text.Contains("air fryer", StringComparison.OrdinalIgnoreCase))
            {
                cancellation.Cancel();
            }

            return TestEmbedder.RandomVector(16, TestEmbedder.StableSeed(text));
        });
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, embedder);
        await knowledgeBase.UpsertAsync(Manuals);
        var before = await ContentsAsync(dataSource);

        var changed = Manuals.Select(d => new KnowledgeDocument(d.Id, d.Title, d.Content + "\n\nVersion 2.")).ToList();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => knowledgeBase.UpsertAsync(changed, cancellation.Token));

        Assert.Equal(before, await ContentsAsync(dataSource));
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

    [Fact]
    public async Task DeleteAsync_AndCount_RemoveOnlyTheNamedDocuments()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing());
        await knowledgeBase.UpsertAsync(Manuals);

        Assert.Equal(1, await knowledgeBase.DeleteAsync(["kettle", "no-such-document"]));

        Assert.Equal(["blender", "draft"], await knowledgeBase.ListDocumentIdsAsync());
        Assert.Equal(2, await knowledgeBase.CountAsync());
        Assert.Equal(0, await ChunkCountAsync(dataSource, "kettle"));
    }

    [Theory]
    [InlineData(PgVectorStorage.Float32, 4)]
    [InlineData(PgVectorStorage.Float16, 2)] // half precision: the cosine to about three decimals
    public async Task RetrieveAsync_Filter_ReturnsOnlyMatchingDocumentsWithCosineScores(PgVectorStorage storage, int precision)
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var embedder = TestEmbedder.Hashing();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, embedder, new() { RetrievalKind = RetrievalKind.Vector, VectorStorage = storage });
        await knowledgeBase.UpsertAsync(Manuals);

        var results = await knowledgeBase.RetrieveAsync(new RetrievalRequest("air fryer basket litres") { Filter = new Dictionary<string, string> { ["status"] = "published" } });

        Assert.Equal(2, results.Count);
        Assert.DoesNotContain(results, r => r.DocumentId == "draft");
        Assert.All(results, r => Assert.Equal("published", r.Metadata["status"]));
        var query = new HashingEmbeddingGenerator(64).Embed("air fryer basket litres");
        foreach (var result in results)
        {
            var document = Manuals.Single(d => d.Id == result.DocumentId);
            var expected = Dot(query, new HashingEmbeddingGenerator(64).Embed(document.Title + "\n" + result.Content));
            Assert.Equal(expected, result.Score, precision);
        }
    }

    [Fact]
    public async Task RetrieveAsync_MinScore_DropsChunksBelowIt()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing());
        await knowledgeBase.UpsertAsync(Manuals);

        var all = await knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle descale citric acid"));
        var floor = (all[0].Score + all.Skip(1).Max(r => r.Score)) / 2;
        var above = await knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle descale citric acid") { MinScore = floor });

        Assert.Equal(3, all.Count);
        Assert.Equal("kettle", Assert.Single(above).DocumentId);
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
            var exact = vectors.Where(v => v.Id % 100 == 0).OrderByDescending(v => Dot(query, v.Vector)).Take(10).Select(v => $"doc{v.Id}").ToList();
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

    [Fact]
    public async Task RetrieveAsync_InjectionInFilterKeysAndValues_MatchesNothingAndChangesNothing()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing());
        await knowledgeBase.UpsertAsync(Manuals);
        string[] attacks =
        [
            "status') OR 1=1 --",
            "x'; DROP TABLE hybridanswer_chunks; --",
            "\" OR \"\"=\"",
            "{\"status\": \"draft\"}",
            "status\"::jsonb OR true --",
            "$1",
        ];

        foreach (var attack in attacks)
        {
            Assert.Empty(await knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle") { Filter = new Dictionary<string, string> { [attack] = "published" } }));
            Assert.Empty(await knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle") { Filter = new Dictionary<string, string> { ["status"] = attack } }));
            Assert.Empty(await knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle") { TenantId = attack }));
            Assert.NotNull(await knowledgeBase.RetrieveAsync(new RetrievalRequest(attack)));
        }

        Assert.Throws<ArgumentException>(() => knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle") { Filter = new Dictionary<string, string> { ["status\0"] = "x" } }).GetAwaiter().GetResult());
        Assert.Equal(3, await knowledgeBase.CountAsync());
        Assert.Equal(2, (await knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle") { Filter = new Dictionary<string, string> { ["status"] = "published" } })).Count);
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
    public async Task MultiTenant_RequestsAndDocumentsAreIsolated()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(), new() { MultiTenant = true });
        await knowledgeBase.UpsertAsync(Manuals.Select(d => d with { TenantId = "acme" }));
        await knowledgeBase.UpsertAsync([new KnowledgeDocument("kettle", "Globex kettle", "Globex secret: the kettle boils in two minutes.") { TenantId = "globex" }]);

        var acme = await knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle boils minutes secret") { TenantId = "acme", TopK = 10 });
        var globex = await knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle boils minutes") { TenantId = "globex", TopK = 10 });

        Assert.Equal(3, acme.Count);
        Assert.All(acme, r => Assert.Equal("acme", r.TenantId));
        Assert.DoesNotContain(acme, r => r.Content.Contains("Globex", StringComparison.Ordinal));
        Assert.Equal("Globex kettle", Assert.Single(globex).Title);
        await Assert.ThrowsAsync<ArgumentException>(() => knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle")));
        await Assert.ThrowsAsync<ArgumentException>(() => knowledgeBase.UpsertAsync([Manuals[0]]));

        Assert.Equal(1, await knowledgeBase.DeleteAsync(["kettle"], "globex"));
        Assert.Equal(3, await knowledgeBase.CountAsync("acme"));
        Assert.Equal(0, await knowledgeBase.CountAsync("globex"));
    }

    [Theory]
    [InlineData(PgVectorStorage.Float32)]
    [InlineData(PgVectorStorage.Float16)]
    public async Task RetrieveAsync_Hybrid_FindsExactProductCodeThatVectorAloneRanksLow(PgVectorStorage storage)
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        // Vectors carry topic only: every warranty text embeds near the query, the product-code page does not.
        var warrantyDirection = TestEmbedder.RandomVector(32, 7);
        var embedder = new TestEmbedder(32, text => text.StartsWith("Spare parts", StringComparison.Ordinal)
            ? TestEmbedder.RandomVector(32, 99)
            : Blend(warrantyDirection, TestEmbedder.RandomVector(32, TestEmbedder.StableSeed(text)), 0.8f));
        var documents = Enumerable.Range(0, 30)
            .Select(i => new KnowledgeDocument($"warranty-{i}", $"Warranty note {i}", $"Our warranty covers appliance {i} for {i + 1} years against defects."))
            .Append(new KnowledgeDocument("xr-7731", "Spare parts", "Part XR-7731 is the replacement lid; its warranty is six months."))
            .ToList();
        var vector = new PgVectorKnowledgeBase(dataSource, embedder, new() { RetrievalKind = RetrievalKind.Vector, VectorStorage = storage });
        var hybrid = new PgVectorKnowledgeBase(dataSource, embedder, new() { RetrievalKind = RetrievalKind.Hybrid, VectorStorage = storage });
        await hybrid.UpsertAsync(documents);

        var request = new RetrievalRequest("warranty XR-7731") { TopK = 5 };
        var byVector = await vector.RetrieveAsync(request);
        var byHybrid = await hybrid.RetrieveAsync(request);

        Assert.DoesNotContain(byVector, r => r.DocumentId == "xr-7731");
        Assert.Equal("xr-7731", byHybrid[0].DocumentId);
        Assert.Equal(5, byHybrid.Count);
    }

    [Fact]
    public async Task RetrieveAsync_KeywordOnly_ScoresBetweenZeroAndOne()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(), new() { RetrievalKind = RetrievalKind.Keyword });
        await knowledgeBase.UpsertAsync(Manuals);

        var results = await knowledgeBase.RetrieveAsync(new RetrievalRequest("citric acid"));

        Assert.Equal("kettle", Assert.Single(results).DocumentId);
        Assert.InRange(results[0].Score, 0.0001, 1);
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
        Assert.Equal(new IngestResult { Added = 0, Updated = 0, Unchanged = 3, Deleted = 0 }, (await knowledgeBase.UpsertAsync(Manuals)).Counts());
    }

    [Fact]
    public async Task Constructor_UnreachableServer_ClearErrorOnFirstCall()
    {
        await using var dataSource = new NpgsqlDataSourceBuilder("Host=127.0.0.1;Port=1;Username=postgres;Timeout=2").Build();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing());

        var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.CountAsync());

        Assert.Contains("PostgreSQL at '127.0.0.1' could not be reached", error.Message, StringComparison.Ordinal);
    }

    internal static float Dot(float[] a, float[] b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static float[] Blend(float[] direction, float[] noise, float weight)
    {
        var result = direction.Zip(noise, (d, n) => (weight * d) + ((1 - weight) * n)).ToArray();
        var norm = MathF.Sqrt(result.Sum(x => x * x));
        return [.. result.Select(x => x / norm)];
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

    private static async Task<Dictionary<string, string>> ContentsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT document_id || '#' || ordinal, content FROM hybridanswer_chunks");
        var rows = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = reader.GetString(1);
        }

        return rows;
    }

    private static async Task<long> ChunkCountAsync(NpgsqlDataSource dataSource, string documentId)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM hybridanswer_chunks WHERE document_id = $1");
        command.Parameters.AddWithValue(documentId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static class RandomCorpus
    {
        public static readonly SemaphoreSlim Lock = new(1, 1);

        public static (NpgsqlDataSource, List<(int Id, float[] Vector)>)? Value { get; set; }
    }
}

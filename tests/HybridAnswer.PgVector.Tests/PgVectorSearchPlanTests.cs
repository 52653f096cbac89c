using Npgsql;
using Pgvector.Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary>The selectivity-aware search plan: each filter share gets its regime, and every regime returns k matching rows.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PgVectorSearchPlanTests(PostgresFixture postgres)
{
    private const int Rows = 3000;
    private const int Dimensions = 16;

    private static PgVectorKnowledgeBaseOptions Options(PgVectorStorage storage) => new()
    {
        Table = "plan_chunks",
        VectorStorage = storage,
        RetrievalKind = RetrievalKind.Vector,
        ExactSearchMaxRows = 100,
        EmbeddingBatchSize = 1000,
        WriteBatchChunks = 5000,
    };

    [Theory]
    [InlineData(null, null, "Unfiltered", Rows, PgVectorStorage.Float32)]
    [InlineData("status", "published", "Broad", 2700, PgVectorStorage.Float32)] // 90 %
    [InlineData("segment", "s3", "Iterative", 300, PgVectorStorage.Float32)] // 10 %
    [InlineData("tag", "rare", "Exact", 30, PgVectorStorage.Float32)] // 1 %, under ExactSearchMaxRows
    [InlineData(null, null, "Unfiltered", Rows, PgVectorStorage.Float16)]
    [InlineData("status", "published", "Broad", 2700, PgVectorStorage.Float16)]
    [InlineData("segment", "s3", "Iterative", 300, PgVectorStorage.Float16)]
    [InlineData("tag", "rare", "Exact", 30, PgVectorStorage.Float16)]
    [InlineData("labels", "wide", "Broad", 2700, PgVectorStorage.Float32)] // the same shares as values of a list (multi-valued metadata)
    [InlineData("labels", "l3", "Iterative", 300, PgVectorStorage.Float32)]
    [InlineData("labels", "few", "Exact", 30, PgVectorStorage.Float32)]
    public async Task SearchAsync_FilterShare_ChoosesRegimeAndReturnsTopKMatchingRows(string? key, string? value, string regime, int eligible, PgVectorStorage storage)
    {
        var (dataSource, knowledgeBase) = await CorpusAsync(storage);
        var filter = key is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [key] = value! };
        for (var q = 0; q < 5; q++)
        {
            var query = TestEmbedder.RandomVector(Dimensions, 10_000 + q);
            var request = new RetrievalRequest("anything") { TopK = 10, Filter = filter };
            var plan = await knowledgeBase.ExplainAsync(request, query, RetrievalKind.Vector, dataSource, default);
            Assert.StartsWith($"-- regime {regime}: {(key is null ? -1 : eligible)} eligible rows", plan[0], StringComparison.Ordinal);

            var results = await knowledgeBase.SearchAsync(request, query, RetrievalKind.Vector, default);
            Assert.Equal(10, results.Count);
            Assert.All(results, r => Assert.True(key is null || (r.Metadata.GetValueOrDefault(key) ?? r.MultiValuedMetadata[key].Single(v => v == value)) == value));
            if (regime == "Exact")
            {
                // Ranked exactly: the true top 10 in order (of the stored precision), and the graph is not read at all.
                var exact = Enumerable.Range(0, Rows).Where(i => key == "labels" ? Labels(i).Contains(value) : Metadata(i)[key!] == value)
                    .OrderByDescending(i => Dot(Stored(query, storage), Stored(Vector(i), storage))).Take(10).Select(i => $"doc{i}").ToList();
                Assert.Equal(exact, results.Select(r => r.DocumentId).ToList());
                Assert.DoesNotContain(plan, line => line.Contains("embedding_hnsw", StringComparison.Ordinal));
                Assert.Contains(plan, line => line.Contains("Bitmap Index Scan on plan_chunks_metadata_gin", StringComparison.Ordinal));
            }
            else
            {
                Assert.Contains(plan, line => line.Contains("plan_chunks_embedding_hnsw", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task Settings_BroadFilter_PaysOnlyItsOverFetchNotTheFilteredEfSearch()
    {
        var (dataSource, knowledgeBase) = await CorpusAsync(PgVectorStorage.Float32);
        var request = new RetrievalRequest("anything") { TopK = 5, Filter = new Dictionary<string, string> { ["status"] = "published" } };
        var hybrid = await knowledgeBase.ExplainAsync(request, TestEmbedder.RandomVector(Dimensions, 1), RetrievalKind.Hybrid, dataSource, default);
        var vector = await knowledgeBase.ExplainAsync(request, TestEmbedder.RandomVector(Dimensions, 1), RetrievalKind.Vector, dataSource, default);

        // Hybrid fuses 40 candidates: 40 over the 0.9 share is ef_search 45, so one pass fills them; not the 200 of FilteredEfSearch.
        Assert.Contains("-- hnsw.ef_search = 45", hybrid);
        Assert.DoesNotContain(hybrid, line => line.Contains("ef_search = 200", StringComparison.Ordinal));

        // Vector-only wants top-5 from the first pass, post-filtered: the unfiltered 40 already passes 36, in exact order, so no
        // iterative scan (its bookkeeping is most of what a 90 % filter cost over unfiltered); hybrid keeps it (its fallback is exact).
        Assert.Contains("-- hnsw.ef_search = 40", vector);
        Assert.DoesNotContain(vector, line => line.Contains("iterative_scan", StringComparison.Ordinal));
        Assert.Contains(vector, line => line.Contains("Limit (actual", StringComparison.Ordinal) && line.Contains("rows=5 loops", StringComparison.Ordinal));
        Assert.Contains("-- hnsw.iterative_scan = relaxed_order", hybrid);
    }

    [Fact]
    public async Task SearchAsync_BroadFilterWhoseRowsAreFarFromTheQuery_WalksOnAndReturnsItsTopK()
    {
        // 60 % of rows pass (broad), but the 800 that do not sit right around the query: the first pass of 40 holds none that passes.
        var dataSource = await postgres.CreateDatabaseAsync();
        var query = Vector(99_999);
        var byText = Enumerable.Range(0, 2000).ToDictionary(i => $"Document {i}\nBody {i}.", i => i < 1200 ? Vector(i) : Near(query, Vector(i)));
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, new TestEmbedder(Dimensions, text => byText[text]), Options(PgVectorStorage.Float32));
        await knowledgeBase.UpsertAsync(Enumerable.Range(0, 2000).Select(i =>
            new KnowledgeDocument($"doc{i}", $"Document {i}", $"Body {i}.") { Metadata = new Dictionary<string, string> { ["status"] = i < 1200 ? "published" : "draft" } }));
        var request = new RetrievalRequest("anything") { TopK = 5, Filter = new Dictionary<string, string> { ["status"] = "published" } };
        var plan = await knowledgeBase.ExplainAsync(request, query, RetrievalKind.Vector, dataSource, default);
        Assert.StartsWith("-- regime Broad: 1200 eligible rows", plan[0], StringComparison.Ordinal);
        Assert.Contains(plan, line => line.Contains("Limit (actual", StringComparison.Ordinal) && line.Contains("rows=0 loops", StringComparison.Ordinal));

        var results = await knowledgeBase.SearchAsync(request, query, RetrievalKind.Vector, default);
        var exact = Enumerable.Range(0, 1200).OrderByDescending(i => Dot(query, Vector(i))).Take(5).Select(i => $"doc{i}").ToList();
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.Equal("published", r.Metadata["status"]));
        Assert.True(results.Select(r => r.DocumentId).Intersect(exact).Count() >= 4, "recall@5 of the rows the first pass missed");
    }

    [Theory]
    [InlineData(RetrievalKind.Vector)]
    [InlineData(RetrievalKind.Hybrid)]
    public async Task SearchAsync_GraphComesUpShort_ExactRankingOfTheEligibleRowsReplacesIt(RetrievalKind kind)
    {
        var dataSource = await postgres.CreateDatabaseAsync();
        var query = Vector(99_999);
        var byText = Enumerable.Range(0, 2300).ToDictionary(i => $"Document {i}\nBody {i}.", i => i < 2000 ? Vector(i) : Near(query, Vector(i)));
        var options = Options(PgVectorStorage.Float32);
        options.RetrievalKind = kind;
        options.ExactSearchMaxRows = 50;
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, new TestEmbedder(Dimensions, text => byText[text]), options);
        KnowledgeDocument Document(int i, string tenant) => new($"doc{i}", $"Document {i}", $"Body {i}.") { TenantId = tenant };
        // 2,000 chunks: the load analyzes the table, so the planner knows acme is every row and reads the HNSW index for it.
        await knowledgeBase.UpsertAsync(Enumerable.Range(0, 2000).Select(i => Document(i, "acme")));
        var request = new RetrievalRequest("anything") { TopK = 5, TenantId = "acme" };
        Assert.StartsWith("-- regime Unfiltered", (await knowledgeBase.ExplainAsync(request, query, kind, dataSource, default))[0], StringComparison.Ordinal);

        // Within the cached plan's lifetime another tenant writes 300 chunks right around the query (too few to re-analyze): the
        // graph's nearest neighbours are all theirs, the unfiltered plan has no iterative scan, and acme must still get its top 5.
        await knowledgeBase.UpsertAsync(Enumerable.Range(2000, 300).Select(i => Document(i, "zeta")));
        var plan = await knowledgeBase.ExplainAsync(request, query, kind, dataSource, default);
        Assert.Contains(plan, line => line.Contains("Index Scan using plan_chunks_embedding_hnsw", StringComparison.Ordinal));
        var results = await knowledgeBase.SearchAsync(request, query, kind, default);

        var exact = Enumerable.Range(0, 2000).OrderByDescending(i => Dot(query, Vector(i))).Take(5).Select(i => $"doc{i}").ToList();
        Assert.Equal(exact, results.Select(r => r.DocumentId).ToList());
        Assert.All(results, r => Assert.Equal("acme", r.TenantId));
    }

    [Fact]
    public async Task SearchAsync_Unfiltered_LeavesNoSettingOnThePooledConnection()
    {
        var (dataSource, knowledgeBase) = await CorpusAsync(PgVectorStorage.Float32);
        const string settingsSql = "SELECT current_setting('max_parallel_workers_per_gather') || ' ' || current_setting('enable_seqscan') || ' ' || "
            + "current_setting('hnsw.ef_search') || ' ' || current_setting('hnsw.iterative_scan') || ' ' || current_setting('hnsw.max_scan_tuples')";

        // One physical connection, so the search and the check below share it; and no DISCARD ALL on its return to the pool (a
        // setting hosts use for speed), so a setting the search left behind would show.
        var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(postgres.PrimaryConnectionString(dataSource)) { MaxPoolSize = 1, Pooling = true, NoResetOnClose = true }.ConnectionString);
        builder.UseVector();
        await using var single = builder.Build();
        // The extension's settings exist in a session once its library is loaded (by any vector expression).
        var before = await ScalarAsync(single, "SELECT '[1]'::vector::text || ' ' || (" + settingsSql + ")");
        before = before[(before.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        var options = Options(PgVectorStorage.Float32);
        options.EfSearch = 41;
        options.MaxScanTuples = 15_000;
        var store = new PgVectorKnowledgeBase(single, new TestEmbedder(Dimensions, _ => Vector(1)), options);
        foreach (var filter in new[] { new Dictionary<string, string>(), new() { ["status"] = "published" }, new() { ["segment"] = "s3" }, new() { ["tag"] = "rare" } })
        {
            var results = await store.SearchAsync(new RetrievalRequest("anything") { TopK = 5, Filter = filter }, Vector(7), RetrievalKind.Vector, default);
            Assert.Equal(5, results.Count);

            // set_config(..., is_local) lasts as long as the batch's implicit transaction: the next command sees the server's values.
            Assert.Equal(before, await ScalarAsync(single, settingsSql));
        }

        Assert.Equal("2 on 40 off 20000", before);
    }

    [Fact]
    public async Task PlanAsync_NoFilter_IsUnfilteredOnlyWhenTheRequestsTenantHoldsEveryRow()
    {
        var dataSource = await postgres.CreateDatabaseAsync();
        var byText = Enumerable.Range(0, 400).ToDictionary(i => $"Document {i}\nBody {i}.", Vector);
        var options = Options(PgVectorStorage.Float32);
        options.ExactSearchMaxRows = 50;
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, new TestEmbedder(Dimensions, text => byText[text]), options);
        KnowledgeDocument Document(int i, string? tenant) => new($"doc{i}", $"Document {i}", $"Body {i}.") { TenantId = tenant };
        await knowledgeBase.UpsertAsync(Enumerable.Range(0, 200).Select(i => Document(i, "acme")));

        async Task<string> RegimeAsync(string? tenant)
        {
            var plan = await knowledgeBase.ExplainAsync(new RetrievalRequest("anything") { TopK = 5, TenantId = tenant }, Vector(1), RetrievalKind.Vector, dataSource, default);
            return plan[0];
        }

        // Only acme's rows: its requests read the graph without an iterative scan.
        Assert.StartsWith("-- regime Unfiltered", await RegimeAsync("acme"), StringComparison.Ordinal);
        var settings = await knowledgeBase.ExplainAsync(new RetrievalRequest("anything") { TopK = 5, TenantId = "acme" }, Vector(1), RetrievalKind.Vector, dataSource, default);
        Assert.DoesNotContain(settings, line => line.Contains("iterative_scan", StringComparison.Ordinal));

        // Rows of no tenant beside acme's (a new store, so no cached count): the untenanted share is planned by its count.
        await knowledgeBase.UpsertAsync(Enumerable.Range(200, 200).Select(i => Document(i, null)));
        await using (var analyze = dataSource.CreateCommand("ANALYZE plan_chunks"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        knowledgeBase = new PgVectorKnowledgeBase(dataSource, new TestEmbedder(Dimensions, text => byText[text]), options);
        Assert.StartsWith("-- regime Broad: 200 eligible rows, share 0.5", await RegimeAsync(null), StringComparison.Ordinal);
        Assert.StartsWith("-- regime Broad: 200 eligible rows", await RegimeAsync("acme"), StringComparison.Ordinal);
        Assert.StartsWith("-- regime Exact: 0 eligible rows", await RegimeAsync("nobody"), StringComparison.Ordinal);
        var results = await knowledgeBase.SearchAsync(new RetrievalRequest("anything") { TopK = 5 }, Vector(1), RetrievalKind.Vector, default);
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.Null(r.TenantId));
    }

    [Fact]
    public void Choose_ByRowsAndShare_ExactThenIterativeThenBroad()
    {
        var command = new PgVectorSearchCommand(new PgVectorSchema(new PgVectorKnowledgeBaseOptions { ExactSearchMaxRows = 3000 }, 384));
        Assert.Equal(PgVectorSearchCommand.Regime.Exact, command.Choose(100, 0.001).Regime);
        Assert.Equal(PgVectorSearchCommand.Regime.Exact, command.Choose(3000, 0.03).Regime);
        Assert.Equal(PgVectorSearchCommand.Regime.Iterative, command.Choose(3001, 0.03).Regime);
        Assert.Equal(PgVectorSearchCommand.Regime.Iterative, command.Choose(10_000, 0.1).Regime);
        Assert.Equal(PgVectorSearchCommand.Regime.Broad, command.Choose(90_000, 0.9).Regime);
    }

    private static async Task<string> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static Dictionary<string, string> Metadata(int i) => new()
    {
        ["status"] = i % 10 != 0 ? "published" : "draft",
        ["segment"] = "s" + (i % 10),
        ["tag"] = i % 100 == 7 ? "rare" : "common",
    };

    private static string[] Labels(int i) => [i % 10 != 0 ? "wide" : "narrow", "l" + (i % 10), i % 100 == 7 ? "few" : "many"];

    private static float[] Vector(int i) => TestEmbedder.RandomVector(Dimensions, i);

    /// <summary>A unit vector a small step from <paramref name="center"/> towards <paramref name="direction"/> (distinct, so HNSW links them).</summary>
    private static float[] Near(float[] center, float[] direction)
    {
        var near = center.Zip(direction, (c, d) => c + (0.05f * d)).ToArray();
        var norm = MathF.Sqrt(near.Sum(x => x * x));
        return [.. near.Select(x => x / norm)];
    }

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();

    /// <summary>The vector as the table holds it: halfvec rounds every element to the nearest half-precision float.</summary>
    private static float[] Stored(float[] vector, PgVectorStorage storage) =>
        storage == PgVectorStorage.Float16 ? [.. vector.Select(x => (float)(Half)x)] : vector;

    private async Task<(NpgsqlDataSource, PgVectorKnowledgeBase)> CorpusAsync(PgVectorStorage storage)
    {
        await Corpus.Lock.WaitAsync();
        try
        {
            if (!Corpus.Values.TryGetValue(storage, out var corpus))
            {
                var dataSource = await postgres.CreateDatabaseAsync();
                var byText = Enumerable.Range(0, Rows).ToDictionary(i => $"Document {i}\nBody {i}.", Vector);
                var knowledgeBase = new PgVectorKnowledgeBase(dataSource, new TestEmbedder(Dimensions, text => byText[text]), Options(storage));
                await knowledgeBase.UpsertAsync(Enumerable.Range(0, Rows).Select(i => new KnowledgeDocument($"doc{i}", $"Document {i}", $"Body {i}.") { Metadata = Metadata(i), MultiValuedMetadata = new Dictionary<string, IReadOnlyList<string>> { ["labels"] = Labels(i) } }));
                corpus = (dataSource, knowledgeBase);
                Corpus.Values[storage] = corpus;
            }

            corpus.Item1.Clear();
            return corpus;
        }
        finally
        {
            Corpus.Lock.Release();
        }
    }

    private static class Corpus
    {
        public static readonly SemaphoreSlim Lock = new(1, 1);

        public static Dictionary<PgVectorStorage, (NpgsqlDataSource, PgVectorKnowledgeBase)> Values { get; } = [];
    }
}

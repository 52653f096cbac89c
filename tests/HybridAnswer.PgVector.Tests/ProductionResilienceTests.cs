using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit.Abstractions;

namespace HybridAnswer.PgVector.Tests;

/// <summary>Load while an ingest rewrites the knowledge base, and PostgreSQL stopped under asks and under an ingest.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ProductionResilienceTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int Manuals = 16;

    [GeneratedRegex(@"revision (\d+)\b")]
    private static partial Regex Revision();

    private static KnowledgeDocument Manual(int manual, int revision)
    {
        // Four sections of ~250 characters: four chunks per document, each naming the revision, so a reader that saw
        // half an update would get chunks of two revisions.
        var sections = Enumerable.Range(1, 4).Select(part => string.Create(CultureInfo.InvariantCulture,
            $"## Part {part}\n\nManual {manual} codeword zq{manual}x, part {part}, revision {revision}. This part explains step {part} of assembling the appliance and the safety notes that come with it, in revision {revision} of the text."));
        return new KnowledgeDocument(string.Create(CultureInfo.InvariantCulture, $"manual-{manual}"), $"Manual {manual}", string.Join("\n\n", sections));
    }

    private static PgVectorKnowledgeBase KnowledgeBase(NpgsqlDataSource dataSource, IEmbeddingGenerator<string, Embedding<float>>? embedder = null) =>
        new(dataSource, embedder ?? TestEmbedder.Hashing(), chunking: new ChunkingOptions { TargetSize = 300, Overlap = 0 });

    [Fact]
    public async Task AnswerAsync_64AskersWhileIngestRewrites_EveryAnswerSeesOneWholeRevision()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = KnowledgeBase(dataSource);
        await knowledgeBase.UpsertAsync(Enumerable.Range(0, Manuals).Select(m => Manual(m, 0)));
        var answerer = new HybridAnswerer(knowledgeBase, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));
        var duration = TimeSpan.FromSeconds(8);
        using var stop = new CancellationTokenSource(duration);
        var problems = new ConcurrentQueue<string>();
        long answers = 0;

        var writer = Task.Run(async () =>
        {
            var revision = 0;
            while (!stop.IsCancellationRequested)
            {
                revision++;
                var result = await knowledgeBase.UpsertAsync(Enumerable.Range(0, Manuals).Select(m => Manual(m, revision)));
                if (result.Updated != Manuals)
                {
                    problems.Enqueue($"rewrite {revision} reported {result}");
                }
            }

            return revision;
        });

        var askers = Enumerable.Range(0, 64).Select(asker => Task.Run(async () =>
        {
            var random = new Random(asker);
            while (!stop.IsCancellationRequested)
            {
                var manual = random.Next(Manuals);
                var answer = await answerer.AnswerAsync(
                    string.Create(CultureInfo.InvariantCulture, $"zq{manual}x manual {manual} assembling revision"),
                    new AnswerOptions { TopK = 8, MinScore = -1 });
                var own = answer.Sources.Where(s => s.DocumentId == $"manual-{manual}").ToList();
                var revisions = own.Select(s => Revision().Match(s.Content).Groups[1].Value).Distinct().ToList();
                if (own.Count == 0)
                {
                    problems.Enqueue($"manual-{manual} missing from an answer");
                }
                else if (revisions.Count != 1)
                {
                    problems.Enqueue($"manual-{manual} mixed revisions {string.Join(",", revisions)}");
                }

                Interlocked.Increment(ref answers);
            }
        })).ToList();

        var watch = Stopwatch.StartNew();
        await Task.WhenAll(askers);
        var rewrites = await writer;
        watch.Stop();

        output.WriteLine($"64 askers for {watch.Elapsed.TotalSeconds:0.0} s: {answers} answers ({answers / watch.Elapsed.TotalSeconds:0} answers/s) while {rewrites} full rewrites of {Manuals} documents committed");
        Assert.Empty(problems);
        Assert.True(answers > 64, $"only {answers} answers");
        Assert.True(rewrites >= 2, $"only {rewrites} rewrites");

        // Every connection went back to the pool: nothing is left running or holding a transaction open.
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')");
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task UpsertAsync_ServerStoppedDuringTheWrite_PreviousVersionIntactAndRerunSucceeds()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        await KnowledgeBase(dataSource).UpsertAsync(Enumerable.Range(0, Manuals).Select(m => Manual(m, 1)));

        // The embedding model answers, then the database goes away before the write: the ingest must fail as a whole.
        var stopping = new StoppingEmbedder(TestEmbedder.Hashing(), () => postgres.StopServerAsync());
        var knowledgeBase = KnowledgeBase(dataSource, stopping);
        PgVectorStoreException error;
        try
        {
            error = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.UpsertAsync(Enumerable.Range(0, Manuals).Select(m => Manual(m, 2))));
        }
        finally
        {
            await postgres.StartServerAsync();
        }

        output.WriteLine($"ingest with the server stopped: {error.Message}");
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
        Assert.True(error.IsTransient);
        dataSource.Clear();

        // Previous version intact: every document, every chunk, revision 1 only.
        var reader = KnowledgeBase(dataSource);
        Assert.Equal(Manuals, await reader.CountAsync());
        await using (var command = dataSource.CreateCommand("SELECT count(*) FILTER (WHERE content LIKE '%revision 1 %'), count(*) FROM hybridanswer_chunks"))
        await using (var rows = await command.ExecuteReaderAsync())
        {
            await rows.ReadAsync();
            Assert.Equal(Manuals * 4L, rows.GetInt64(0));
            Assert.Equal(Manuals * 4L, rows.GetInt64(1));
        }

        // And the ingest can simply be run again.
        stopping.Disarm();
        Assert.Equal((0, Manuals, 0, 0), (await knowledgeBase.UpsertAsync(Enumerable.Range(0, Manuals).Select(m => Manual(m, 2)))).Counts());
        var results = await reader.RetrieveAsync(new RetrievalRequest("zq3x manual 3") { TopK = 4 });
        Assert.Contains(results, r => r.DocumentId == "manual-3" && r.Content.Contains("revision 2 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnswerAsync_AsksDuringServerRestart_FailClearlyThenRecover()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = KnowledgeBase(dataSource);
        await knowledgeBase.UpsertAsync(Enumerable.Range(0, Manuals).Select(m => Manual(m, 1)));
        var answerer = new HybridAnswerer(knowledgeBase, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));
        var errors = new ConcurrentQueue<Exception>();
        using var stop = new CancellationTokenSource();

        var askers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await answerer.AnswerAsync("zq2x manual 2 assembling", new AnswerOptions { MinScore = -1 });
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                    await Task.Delay(20);
                }
            }
        })).ToList();

        await Task.Delay(300);
        await postgres.RestartServerAsync();
        await Task.Delay(1000);
        await stop.CancelAsync();
        await Task.WhenAll(askers);

        output.WriteLine($"{errors.Count} asks failed during the restart: {string.Join(" | ", errors.Select(e => e.GetType().Name + ": " + e.Message).Distinct().Take(3))}");
        Assert.All(errors, e =>
        {
            Assert.True(Assert.IsType<PgVectorStoreException>(e).IsTransient);
            Assert.IsAssignableFrom<NpgsqlException>(e.InnerException);
        });

        // Recovered: asks succeed again without any intervention.
        var answer = await answerer.AnswerAsync("zq2x manual 2 assembling", new AnswerOptions { MinScore = -1 });
        Assert.Contains(answer.Sources, s => s.DocumentId == "manual-2");
    }

    /// <summary>Embeds with an inner generator, then (once) runs an action — stopping the server — before returning the embeddings.</summary>
    private sealed class StoppingEmbedder(IEmbeddingGenerator<string, Embedding<float>> inner, Func<Task> afterEmbedding) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private int _armed = 1;

        public void Disarm() => Volatile.Write(ref _armed, 0);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var result = await inner.GenerateAsync(values, options, cancellationToken);
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                await afterEmbedding();
            }

            return result;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

        public void Dispose() => inner.Dispose();
    }
}

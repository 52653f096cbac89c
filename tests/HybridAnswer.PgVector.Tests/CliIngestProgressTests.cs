using System.Text.Json;
using HybridAnswer.Cli;

namespace HybridAnswer.PgVector.Tests;

/// <summary><c>ingest</c> into PostgreSQL reports its progress on stderr once it runs long, and keeps stdout to its result. A test clock, no timing.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CliIngestProgressTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Ingest_SlowIngest_ProgressOnStderrAndOnlyTheCountsOnStdout()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var docs = Directory.CreateTempSubdirectory("ha-ingest-progress-");
        try
        {
            for (var i = 0; i < 130; i++)
            {
                await File.WriteAllTextAsync(Path.Combine(docs.FullName, $"product-{i}.md"), $"# Product {i}\n\nProduct {i} carries a warranty of {i % 5 + 1} years.\n");
            }

            using var output = new StringWriter();
            using var error = new StringWriter();

            // Every reading of the clock is three seconds later: each batch of 64 looks slow.
            var code = await CliApp.RunAsync(
                ["ingest", "--docs", docs.FullName, "--connection", dataSource.ConnectionString, "--embedder", "hashing", "--json"], output, error, new SteppingClock(TimeSpan.FromSeconds(3)));

            Assert.True(code == 0, error.ToString());
            Assert.Equal(
                [
                    "ingest: 64/130 documents (3 s, 21.3 documents/s, about 3 s left)",
                    "ingest: 128/130 documents (6 s, 21.3 documents/s, about 0 s left)",
                    "ingest: 130/130 documents (9 s, 14.4 documents/s)",
                ],
                error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.Equal(CliPgVectorCommandsTests.Counts(130, 0, 0, 0), JsonSerializer.Deserialize<Dictionary<string, int>>(output.ToString()));
        }
        finally
        {
            docs.Delete(recursive: true);
        }
    }

    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);

        // Its timers never fire: the progress lines come from the batches alone, whatever the real time the test takes.
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new SilentTimer();

        private sealed class SilentTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}

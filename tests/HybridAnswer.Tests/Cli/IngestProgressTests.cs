using System.Text.Json;
using HybridAnswer.Cli;

namespace HybridAnswer.Tests.Cli;

/// <summary>Ingest progress goes to stderr once an ingest has run for a while, never to stdout. The clock is a test clock: no timing in the tests.</summary>
public sealed class IngestProgressTests : IDisposable
{
    private readonly DirectoryInfo _docs = Directory.CreateTempSubdirectory("hybrid-answer-progress-");

    public void Dispose() => _docs.Delete(recursive: true);

    [Fact]
    public async Task ReportAsync_WithinTheQuietPeriod_PrintsNothing()
    {
        var clock = new ManualClock();
        using var error = new StringWriter();
        var progress = new IngestProgress(error, 128, clock);

        clock.Advance(TimeSpan.FromSeconds(0.9));
        await progress.ReportAsync(64);
        await progress.ReportAsync(128);

        Assert.Equal(string.Empty, error.ToString());
    }

    [Fact]
    public async Task ReportAsync_SlowButDoneInOneBatch_PrintsNothing()
    {
        var clock = new ManualClock();
        using var error = new StringWriter();
        var progress = new IngestProgress(error, 2, clock);

        clock.Advance(TimeSpan.FromSeconds(3));
        await progress.ReportAsync(2);

        Assert.Equal(string.Empty, error.ToString());
    }

    [Fact]
    public async Task ReportAsync_AfterTheQuietPeriod_PrintsAtMostOnceASecondAndTheLastCount()
    {
        var clock = new ManualClock();
        using var error = new StringWriter();
        var progress = new IngestProgress(error, 256, clock);

        clock.Advance(TimeSpan.FromSeconds(2.5));
        await progress.ReportAsync(64);
        clock.Advance(TimeSpan.FromSeconds(0.4));
        await progress.ReportAsync(128);
        clock.Advance(TimeSpan.FromSeconds(0.7));
        await progress.ReportAsync(192);
        await progress.ReportAsync(256);

        Assert.Equal(
            [
                "ingest: 64/256 documents (3 s, 25.6 documents/s, about 8 s left)",
                "ingest: 192/256 documents (4 s, 53.3 documents/s, about 1 s left)",
                "ingest: 256/256 documents (4 s, 71.1 documents/s)",
            ],
            Lines(error.ToString()));
    }

    [Fact]
    public async Task Ask_SlowIngestOfAFolder_ProgressOnStderrAndStdoutIsOnlyTheJson()
    {
        WriteDocuments(130);

        // Every reading of the clock is three seconds later: each batch looks slow.
        var (exit, output, error) = await RunAsync(new ManualClock(TimeSpan.FromSeconds(3)), "ask", "How long is the warranty of product 7?", "--docs", _docs.FullName, "--embedder", "hashing", "--json");

        Assert.True(exit == 0, error);
        Assert.Equal(
            [
                "ingest: 64/130 documents (3 s, 21.3 documents/s, about 3 s left)",
                "ingest: 128/130 documents (6 s, 21.3 documents/s, about 0 s left)",
                "ingest: 130/130 documents (9 s, 14.4 documents/s)",
            ],
            Lines(error));
        using var json = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
    }

    [Fact]
    public async Task Ask_QuickIngestOfAFolder_NoProgress()
    {
        WriteDocuments(130);

        var (exit, output, error) = await RunAsync(new ManualClock(), "ask", "How long is the warranty of product 7?", "--docs", _docs.FullName, "--embedder", "hashing");

        Assert.True(exit == 0, error);
        Assert.Equal(string.Empty, error);
        Assert.DoesNotContain("ingest:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_FirstBatchStillEmbedding_FirstLineWithinTwoSecondsThenAHeartbeat()
    {
        var clock = new ManualClock();
        using var error = new StringWriter();
        using var progress = new IngestProgress(error, 130, clock);
        progress.Start();

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["ingest: 0/130 documents (1 s, embedding the first batch)"], Lines(error.ToString()));

        // A batch still running: no line a second, one every heartbeat.
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Single(Lines(error.ToString()));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("ingest: 0/130 documents (6 s, embedding the first batch)", Lines(error.ToString())[^1]);

        clock.Advance(TimeSpan.FromSeconds(2));
        await progress.ReportAsync(64);
        Assert.Equal("ingest: 64/130 documents (8 s, 8.0 documents/s, about 8 s left)", Lines(error.ToString())[^1]);
    }

    [Fact]
    public async Task Start_Terminal_BarRedrawnInPlaceWithRateAndTimeLeftAndClosedByANewline()
    {
        var clock = new ManualClock();
        using var error = new StringWriter();
        using (var progress = new IngestProgress(error, 200, clock, terminal: true))
        {
            progress.Start();
            clock.Advance(TimeSpan.FromSeconds(1));
            clock.Advance(TimeSpan.FromSeconds(3));
            await progress.ReportAsync(100);
            clock.Advance(TimeSpan.FromSeconds(0.25));
            await progress.ReportAsync(200);
        }

        var text = error.ToString();
        // Each frame is padded over the longer one before it: compare without the padding.
        var frames = text.TrimEnd('\n').Split('\r', StringSplitOptions.RemoveEmptyEntries).Select(f => f.TrimEnd()).ToArray();
        Assert.Equal("ingest [------------------------] 0/200  0:01 (embedding the first batch)", frames[0]);
        Assert.Contains("ingest [############------------] 100/200  25.0 documents/s  0:04 left", frames, StringComparer.Ordinal);
        Assert.StartsWith("ingest [########################] 200/200", frames[^1], StringComparison.Ordinal);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Dispose_IngestFailedMidway_StopsTheClock()
    {
        var clock = new ManualClock();
        using var error = new StringWriter();
        var progress = new IngestProgress(error, 130, clock);
        progress.Start();
        clock.Advance(TimeSpan.FromSeconds(1));
        progress.Dispose();

        clock.Advance(TimeSpan.FromSeconds(30));
        await Task.Yield();

        Assert.Single(Lines(error.ToString()));
    }

    private void WriteDocuments(int count)
    {
        for (var i = 0; i < count; i++)
        {
            File.WriteAllText(Path.Combine(_docs.FullName, $"product-{i}.md"), $"# Product {i}\n\nProduct {i} carries a warranty of {i % 5 + 1} years.\n");
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(TimeProvider clock, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error, clock);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>
    /// A clock that moves only when told, or by a fixed step at every reading. Its timers fire when <see cref="Advance"/> passes their
    /// due time, never on their own; with a fixed step (a clock that jumps at every reading) they never fire.
    /// </summary>
    private sealed class ManualClock(TimeSpan step = default) : TimeProvider
    {
        private readonly List<ManualTimer> _timers = [];
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);

        public void Advance(TimeSpan by)
        {
            var to = Interlocked.Add(ref _ticks, by.Ticks);
            foreach (var timer in _timers.ToList())
            {
                timer.FireUntil(to);
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(callback, state, Interlocked.Read(ref _ticks) + dueTime.Ticks, period.Ticks);
            _timers.Add(timer);
            return timer;
        }

        private sealed class ManualTimer(TimerCallback callback, object? state, long due, long period) : ITimer
        {
            private bool _disposed;

            public void FireUntil(long now)
            {
                while (!_disposed && period > 0 && due <= now)
                {
                    due += period;
                    callback(state);
                }
            }

            public bool Change(TimeSpan dueTime, TimeSpan period) => throw new NotSupportedException();

            public void Dispose() => _disposed = true;

            public ValueTask DisposeAsync()
            {
                _disposed = true;
                return ValueTask.CompletedTask;
            }
        }
    }
}

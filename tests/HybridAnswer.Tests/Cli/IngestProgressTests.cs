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

        clock.Advance(TimeSpan.FromSeconds(1.9));
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

        Assert.Equal(["ingest: 64/256 documents (3 s)", "ingest: 192/256 documents (4 s)", "ingest: 256/256 documents (4 s)"], Lines(error.ToString()));
    }

    [Fact]
    public async Task Ask_SlowIngestOfAFolder_ProgressOnStderrAndStdoutIsOnlyTheJson()
    {
        WriteDocuments(130);

        // Every reading of the clock is three seconds later: each batch looks slow.
        var (exit, output, error) = await RunAsync(new ManualClock(TimeSpan.FromSeconds(3)), "ask", "How long is the warranty of product 7?", "--docs", _docs.FullName, "--embedder", "hashing", "--json");

        Assert.True(exit == 0, error);
        Assert.Equal(["ingest: 64/130 documents (3 s)", "ingest: 128/130 documents (6 s)", "ingest: 130/130 documents (9 s)"], Lines(error));
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

    /// <summary>A clock that moves only when told, or by a fixed step at every reading.</summary>
    private sealed class ManualClock(TimeSpan step = default) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}

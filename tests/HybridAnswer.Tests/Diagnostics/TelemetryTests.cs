using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using HybridAnswer.InMemory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Tests.Diagnostics;

// Listeners are process-wide: keep these tests out of parallel collections that also answer questions.
[Collection(nameof(TelemetryTests))]
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryTests
{
    private const string Secret = "Zebra-Secret-Content-4471";

    private static async Task<HybridAnswerer> AnswererAsync(ILogger<HybridAnswerer>? logger = null)
    {
        var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        await kb.UpsertAsync([TestData.Doc("returns", $"You can return items within 30 days of delivery. {Secret}")]);
        return new HybridAnswerer(kb, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()), logger: logger);
    }

    [Fact]
    public async Task AnswerAsync_EmitsAnswerSpanWithRetrievalEmbeddingAndGenerationChildren()
    {
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == HybridAnswerTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var answerer = await AnswererAsync();

        await answerer.AnswerAsync("How many days do I have to return items?");

        var root = Assert.Single(stopped, a => a.OperationName == "hybrid_answer.answer");
        var children = stopped.Where(a => a.ParentSpanId == root.SpanId).Select(a => a.OperationName).ToHashSet();
        Assert.Contains("hybrid_answer.retrieve", children);
        Assert.Contains("hybrid_answer.generate", children);
        var retrieve = stopped.Single(a => a.OperationName == "hybrid_answer.retrieve" && a.ParentSpanId == root.SpanId);
        Assert.Contains(stopped, a => a.OperationName == "hybrid_answer.embed" && a.ParentSpanId == retrieve.SpanId);
        Assert.Equal("Rag", root.GetTagItem("hybrid_answer.mode"));
        Assert.Equal(5, root.GetTagItem("hybrid_answer.top_k"));
        Assert.Equal(1, root.GetTagItem("hybrid_answer.hits"));
        Assert.Equal(true, root.GetTagItem("hybrid_answer.answered"));
        Assert.Equal("extractive", root.GetTagItem("gen_ai.request.model"));
        Assert.DoesNotContain(stopped.SelectMany(a => a.TagObjects), t => t.Value is string s && s.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnswerAsync_RecordsCountersAndStageHistograms()
    {
        var measurements = new ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == HybridAnswerTelemetry.SourceName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();
        var answerer = await AnswererAsync();

        await answerer.AnswerAsync("How many days do I have to return items?");
        await answerer.AnswerAsync("quantum chromodynamics lattice", new AnswerOptions { MinScore = 0.9 });

        Assert.Contains(measurements, m => m.Instrument == "hybrid_answer.answers" && Equals(m.Tags["hybrid_answer.answered"], true));
        Assert.Contains(measurements, m => m.Instrument == "hybrid_answer.refusals" && Equals(m.Tags["hybrid_answer.refusal_reason"], "NoRelevantSources"));
        foreach (var stage in new[] { "retrieval", "generation", "total" })
        {
            Assert.Contains(measurements, m => m.Instrument == "hybrid_answer.duration" && Equals(m.Tags["hybrid_answer.stage"], stage) && m.Value >= 0);
        }

        Assert.Contains(measurements, m => m.Instrument == "hybrid_answer.cost" && m.Value == 0);
    }

    [Fact]
    public async Task AnswerAsync_InformationLogs_NeverContainQuestionOrContent()
    {
        var logger = new CapturingLogger();
        var answerer = await AnswererAsync(logger);

        var answer = await answerer.AnswerAsync("How many days do I have to return items? my-email@example.com");

        Assert.Contains(Secret, string.Concat(answer.Sources.Select(s => s.Content)), StringComparison.Ordinal);
        var entry = Assert.Single(logger.Entries, e => e.Level == LogLevel.Information);
        Assert.Contains("Rag", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains(Secret, StringComparison.Ordinal) || e.Message.Contains("my-email", StringComparison.Ordinal) || e.Message.Contains("return items", StringComparison.Ordinal));
    }

    private sealed class CapturingLogger : ILogger<HybridAnswerer>
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception)));
    }
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Tests.Caching;

/// <summary>UseCaching() through the container, as a host uses it: answers and embeddings cached, edits invalidating exactly what they could change.</summary>
public sealed class AnswerCachingTests
{
    private const string Question = "How many days do I have to return an item?";

    /// <summary>A chat model that answers with the first source of its prompt, cited: a stale answer shows the old text.</summary>
    private sealed class EchoModel() : IChatClient
    {
        public int Calls;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Calls);
            var lines = messages.Last().Text.Split('\n');
            var first = Array.FindIndex(lines, l => l.StartsWith("<source id=\"1\"", StringComparison.Ordinal));
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, lines[first + 1] + " [1]"))
            {
                ModelId = options?.ModelId,
                Usage = new UsageDetails { InputTokenCount = 200, OutputTokenCount = 20 },
            });
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
            {
                yield return update;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class Host : IAsyncDisposable
    {
        public required ServiceProvider Provider { get; init; }

        public required EchoModel Model { get; init; }

        public required CountingEmbeddingGenerator Embedder { get; init; }

        public IKnowledgeBase Knowledge => Provider.GetRequiredService<IKnowledgeBase>();

        public HybridAnswerer Answerer => Provider.GetRequiredService<HybridAnswerer>();

        public ValueTask DisposeAsync() => Provider.DisposeAsync();
    }

    private static async Task<Host> HostAsync(Action<HybridAnswerCachingOptions>? configure = null)
    {
        var model = new EchoModel();
        var embedder = new CountingEmbeddingGenerator(256);
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(embedder);
        services.AddHybridAnswering(o =>
            {
                o.BaseModel = "gpt-4o-mini";
                o.Pricing.Models["gpt-4o-mini"] = new ModelPrice { InputUsdPerMillionTokens = 0.15m, OutputUsdPerMillionTokens = 0.6m };
            })
            .UseInMemoryKnowledgeBase(o => o.MultiTenant = true)
            .UseBaseModel(model)
            .UseCaching(configure);
        var host = new Host { Provider = services.BuildServiceProvider(), Model = model, Embedder = embedder };
        await host.Knowledge.UpsertAsync(
        [
            Doc("returns", "You can return most items within 30 days of delivery for a full refund.", "acme", ("product", "shoes")),
            Doc("returns-hats", "Hats can be returned within 14 days of delivery for a full refund.", "acme", ("product", "hats")),
            Doc("returns", "You can return most items within 90 days of delivery for a full refund.", "globex", ("product", "shoes")),
        ]);
        return host;
    }

    private static KnowledgeDocument Doc(string id, string content, string tenant, params (string Key, string Value)[] metadata) =>
        new(id, id, content) { TenantId = tenant, Metadata = metadata.ToDictionary(p => p.Key, p => p.Value) };

    private static AnswerOptions Scope(string tenant, string? product = null) => new()
    {
        TenantId = tenant,
        Filter = product is null ? null : new Dictionary<string, string> { ["product"] = product },
    };

    [Fact]
    public async Task AnswerAsync_SameQuestionTwice_SecondIsServedFromTheCacheAtZeroCostWithoutAModelCall()
    {
        await using var host = await HostAsync();

        var first = await host.Answerer.AnswerAsync(Question, Scope("acme", "shoes"));
        var second = await host.Answerer.AnswerAsync(Question, Scope("acme", "shoes"));

        Assert.False(first.FromCache);
        Assert.True(first.CostUsd > 0m);
        Assert.True(second.FromCache);
        Assert.Equal(0m, second.CostUsd);
        Assert.Null(second.Usage);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Citations.Select(c => c.ChunkId), second.Citations.Select(c => c.ChunkId));
        Assert.Equal(1, host.Model.Calls);
    }

    [Fact]
    public async Task AnswerAsync_DocumentEditedThroughTheKnowledgeBase_NextAnswerIsTheNewOneNotTheCachedOne()
    {
        await using var host = await HostAsync();
        Assert.Contains("30 days", (await host.Answerer.AnswerAsync(Question, Scope("acme"))).Text, StringComparison.Ordinal);

        await host.Knowledge.UpsertAsync([Doc("returns", "You can return most items within 45 days of delivery for a full refund.", "acme", ("product", "shoes"))]);
        var after = await host.Answerer.AnswerAsync(Question, Scope("acme"));

        Assert.False(after.FromCache);
        Assert.Contains("45 days", after.Text, StringComparison.Ordinal);
        Assert.Equal(2, host.Model.Calls);
    }

    [Fact]
    public async Task AnswerAsync_DocumentDeleted_NextAnswerDoesNotCiteIt()
    {
        await using var host = await HostAsync();
        Assert.Contains("30 days", (await host.Answerer.AnswerAsync(Question, Scope("acme", "shoes"))).Text, StringComparison.Ordinal);

        Assert.Equal(1, await host.Knowledge.DeleteAsync(["returns"], "acme"));
        var after = await host.Answerer.AnswerAsync(Question, Scope("acme", "shoes"));

        Assert.False(after.FromCache);
        Assert.False(after.Answered);
        Assert.DoesNotContain(after.Sources, s => s.DocumentId == "returns");
    }

    [Fact]
    public async Task AnswerAsync_EditInAnotherTenantOrUnderAnotherFilter_KeepsTheCachedAnswer()
    {
        await using var host = await HostAsync();
        await host.Answerer.AnswerAsync(Question, Scope("acme", "shoes"));
        await host.Answerer.AnswerAsync(Question, Scope("acme", "hats"));
        await host.Answerer.AnswerAsync(Question, Scope("acme"));

        await host.Knowledge.UpsertAsync([Doc("returns", "You can return most items within 120 days of delivery for a full refund.", "globex", ("product", "shoes"))]);
        await host.Knowledge.UpsertAsync([Doc("returns-hats", "Hats can be returned within 21 days of delivery for a full refund.", "acme", ("product", "hats"))]);

        var shoes = await host.Answerer.AnswerAsync(Question, Scope("acme", "shoes"));
        var hats = await host.Answerer.AnswerAsync(Question, Scope("acme", "hats"));
        var unfiltered = await host.Answerer.AnswerAsync(Question, Scope("acme"));

        Assert.True(shoes.FromCache);
        Assert.False(hats.FromCache);
        Assert.Contains("21 days", hats.Text, StringComparison.Ordinal);
        Assert.False(unfiltered.FromCache);
    }

    [Fact]
    public async Task AnswerAsync_DocumentMovedToAnotherFilterValue_AnswersUnderTheOldValueMissToo()
    {
        await using var host = await HostAsync();
        Assert.Contains("30 days", (await host.Answerer.AnswerAsync(Question, Scope("acme", "shoes"))).Text, StringComparison.Ordinal);

        await host.Knowledge.UpsertAsync([Doc("returns", "You can return most items within 30 days of delivery for a full refund.", "acme", ("product", "boots"))]);
        var shoes = await host.Answerer.AnswerAsync(Question, Scope("acme", "shoes"));

        Assert.False(shoes.FromCache);
        Assert.DoesNotContain(shoes.Sources, s => s.DocumentId == "returns");
    }

    [Fact]
    public async Task UpsertAsync_UnchangedDocument_KeepsTheCachedAnswers()
    {
        await using var host = await HostAsync();
        await host.Answerer.AnswerAsync(Question, Scope("acme", "shoes"));

        var result = await host.Knowledge.UpsertAsync([Doc("returns", "You can return most items within 30 days of delivery for a full refund.", "acme", ("product", "shoes"))]);

        Assert.Equal(1, result.Unchanged);
        Assert.True((await host.Answerer.AnswerAsync(Question, Scope("acme", "shoes"))).FromCache);
    }

    [Fact]
    public async Task AnswerStreamingAsync_SecondStream_IsReplayedFromTheCache()
    {
        await using var host = await HostAsync();
        var first = await CompletedAsync(host.Answerer.AnswerStreamingAsync(Question, Scope("acme", "shoes")));

        var updates = new List<AnswerUpdate>();
        await foreach (var update in host.Answerer.AnswerStreamingAsync(Question, Scope("acme", "shoes")))
        {
            updates.Add(update);
        }

        var second = updates[^1].Completed!;
        Assert.True(second.FromCache);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(first.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.NotEmpty(updates[0].Sources!);
        Assert.Equal(1, host.Model.Calls);

        static async Task<Answer> CompletedAsync(IAsyncEnumerable<AnswerUpdate> stream)
        {
            Answer? completed = null;
            await foreach (var update in stream)
            {
                completed = update.Completed ?? completed;
            }

            return completed!;
        }
    }

    [Fact]
    public async Task AnswerAsync_ForACustomer_IsNeverCached()
    {
        await using var host = await HostAsync();

        await host.Answerer.AnswerAsync(Question, Scope("acme") with { CustomerId = "c-1" });
        var second = await host.Answerer.AnswerAsync(Question, Scope("acme") with { CustomerId = "c-1" });

        Assert.False(second.FromCache);
        Assert.Equal(2, host.Model.Calls);
    }

    [Fact]
    public async Task AnswerAsync_SameQuestionUnderAnotherFilter_EmbedsTheQueryOnce()
    {
        await using var host = await HostAsync(o => o.CacheAnswers = false);
        var before = host.Embedder.Texts;

        await host.Answerer.AnswerAsync(Question, Scope("acme", "shoes"));
        await host.Answerer.AnswerAsync(Question, Scope("acme", "hats"));
        await host.Answerer.AnswerAsync(Question, Scope("globex"));

        Assert.Equal(1, host.Embedder.Texts - before);
        Assert.Equal(3, host.Model.Calls);
    }

    [Fact]
    public async Task UpsertAsync_SameTextAgain_IsNotEmbeddedAgain()
    {
        await using var host = await HostAsync();
        var before = host.Embedder.Texts;

        await host.Knowledge.DeleteAsync(["returns-hats"], "acme");
        await host.Knowledge.UpsertAsync([Doc("returns-hats", "Hats can be returned within 14 days of delivery for a full refund.", "acme", ("product", "hats"))]);

        Assert.Equal(before, host.Embedder.Texts);
    }

    [Fact]
    public async Task AnswerAsync_HitsAndMisses_AreCountedOnTheHybridAnswerMeter()
    {
        var counts = new Dictionary<(string Instrument, string? Cache), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HybridAnswerTelemetry.SourceName && instrument.Name.StartsWith("hybrid_answer.cache.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? cache = null;
            foreach (var tag in tags)
            {
                cache = tag.Key == "hybrid_answer.cache" ? tag.Value as string : cache;
            }

            lock (counts)
            {
                counts[(instrument.Name, cache)] = counts.GetValueOrDefault((instrument.Name, cache)) + value;
            }
        });
        listener.Start();
        await using var host = await HostAsync();

        // A unique question: other tests running in parallel measure on the same static meter.
        var question = $"How many days do I have to return an item, case {Guid.NewGuid():N}?";
        await host.Answerer.AnswerAsync(question, Scope("acme", "shoes"));
        await host.Answerer.AnswerAsync(question, Scope("acme", "shoes"));
        await host.Answerer.AnswerAsync(question, Scope("acme", "shoes"));

        lock (counts)
        {
            Assert.True(counts.GetValueOrDefault(("hybrid_answer.cache.hits", "answer")) >= 2);
            Assert.True(counts.GetValueOrDefault(("hybrid_answer.cache.misses", "answer")) >= 1);
            Assert.True(counts.GetValueOrDefault(("hybrid_answer.cache.misses", "embedding")) >= 1);
        }
    }

    [Fact]
    public void UseCaching_NonPositiveExpiration_FailsAtStartNamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering().UseCaching(o => o.AnswerExpiration = TimeSpan.Zero);
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<HybridAnswerer>());
        Assert.Contains("AnswerExpiration", e.Message, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace HybridAnswer.Tests.DependencyInjection;

/// <summary>
/// HybridAnswer in a container built the way ASP.NET Core builds it in development (scope validation and build-time
/// validation on), with the parts a real service brings: its own chat client, a scoped customer provider.
/// </summary>
public sealed class AspNetCoreHostTests
{
    private static readonly ServiceProviderOptions AspNetCoreDevelopment = new() { ValidateScopes = true, ValidateOnBuild = true };

    [Fact]
    public async Task AnswerStreamingAsync_DuplicateSources_StreamsThePromptSourcesInCitationNumbering()
    {
        // Two documents with identical text and a third: the prompt drops the duplicate, so [2] counts the prompt's sources, not the retrieval.
        var chat = new Mock<IChatClient>();
        chat.Setup(c => c.GetStreamingResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .Returns(() => Updates("Refunds take 5 days [2]."));
        chat.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Refunds take 5 days [2].")));
        var services = new ServiceCollection().AddSingleton(chat.Object);
        services.AddHybridAnswering(o => o.MinScore = 0);
        await using var provider = services.BuildServiceProvider(AspNetCoreDevelopment);
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(
        [
            TestData.Doc("refunds-a", "Refunds are paid back within 5 days of the return."),
            TestData.Doc("refunds-b", "Refunds are paid back within 5 days of the return."),
            TestData.Doc("refunds-card", "Refunds to a card take 5 days; refunds as store credit are instant."),
        ]);
        var answerer = provider.GetRequiredService<HybridAnswerer>();

        var updates = new List<AnswerUpdate>();
        await foreach (var update in answerer.AnswerStreamingAsync("How many days do refunds take?"))
        {
            updates.Add(update);
        }

        var streamed = updates[0].Sources!;
        var completed = updates[^1].Completed!;
        Assert.Equal(2, streamed.Count);
        Assert.Single(streamed, s => s.DocumentId == "refunds-card");
        var cited = Assert.Single(completed.Citations);
        Assert.Equal(2, cited.Index);
        Assert.Equal(cited.ChunkId, streamed[1].ChunkId);

        // The non-streaming answer says the same: Citation.Index is a 1-based position in Answer.Sources.
        Assert.Equal(streamed.Select(s => s.ChunkId), completed.Sources.Select(s => s.ChunkId));
        var answer = await answerer.AnswerAsync("How many days do refunds take?");
        Assert.Equal(2, answer.Sources.Count);
        Assert.Equal(cited.ChunkId, answer.Citations[0].ChunkId);
        Assert.Equal(answer.Citations[0].ChunkId, answer.Sources[answer.Citations[0].Index - 1].ChunkId);
    }

    [Fact]
    public async Task AnswerAsync_ScopedCustomerProvider_IsResolvedInAScopePerCall()
    {
        var services = new ServiceCollection();
        services.AddScoped<CustomerDirectory>();
        services.AddScoped<ICustomerContextProvider, ScopedCustomerProvider>();
        services.AddHybridAnswering();
        await using var provider = services.BuildServiceProvider(AspNetCoreDevelopment);
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync([TestData.Doc("returns", "You can return items within 30 days of delivery.")]);
        var answerer = provider.GetRequiredService<HybridAnswerer>();

        var first = await answerer.AnswerAsync("How many days do I have to return items?", new AnswerOptions { CustomerId = "c-1" });
        var second = await answerer.AnswerAsync("How many days do I have to return items?", new AnswerOptions { CustomerId = "c-2" });

        Assert.True(first.Answered);
        Assert.True(second.Answered);
        Assert.Equal(["c-1", "c-2"], ScopedCustomerProvider.Asked);
        Assert.Equal(2, CustomerDirectory.Disposed);
    }

    [Fact]
    public async Task AddHybridAnswering_OnlyAKeyedEmbeddingGenerator_FailsAtStartSayingHowToChooseIt()
    {
        var services = new ServiceCollection();
        services.AddKeyedEmbeddingGenerator("embeddings", new CountingEmbeddingGenerator(32));
        services.AddHybridAnswering();
        await using var provider = services.BuildServiceProvider(AspNetCoreDevelopment);

        var startup = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<Microsoft.Extensions.Options.IAsyncStartupValidator>().ValidateAsync());
        Assert.Contains("UseEmbeddingGenerator(serviceKey: \"embeddings\")", startup.Message, StringComparison.Ordinal);

        // Without a host that validates at start, the knowledge base still refuses to embed with the hashing fallback.
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<IKnowledgeBase>());
    }

    [Fact]
    public async Task UseEmbeddingGenerator_ServiceKey_EmbedsWithTheKeyedGenerator()
    {
        var embedder = new CountingEmbeddingGenerator(32);
        var services = new ServiceCollection();
        services.AddKeyedEmbeddingGenerator("embeddings", embedder);
        services.AddHybridAnswering().UseEmbeddingGenerator(serviceKey: "embeddings");
        await using var provider = services.BuildServiceProvider(AspNetCoreDevelopment);
        await provider.GetRequiredService<Microsoft.Extensions.Options.IAsyncStartupValidator>().ValidateAsync();

        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync([TestData.Doc("returns", "You can return items within 30 days of delivery.")]);
        var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync("How many days do I have to return items?");

        Assert.True(answer.Answered);
        Assert.Equal(2, embedder.Calls);
    }

    [Theory]
    [InlineData("instance")]
    [InlineData("factory")]
    public async Task UseEmbeddingGenerator_InstanceOrFactory_EmbedsWithIt(string how)
    {
        var embedder = new CountingEmbeddingGenerator(32);
        var services = new ServiceCollection();
        services.AddKeyedEmbeddingGenerator("unrelated", new CountingEmbeddingGenerator(16));
        var builder = services.AddHybridAnswering();
        _ = how == "instance" ? builder.UseEmbeddingGenerator(embedder) : builder.UseEmbeddingGenerator(_ => embedder);
        await using var provider = services.BuildServiceProvider(AspNetCoreDevelopment);
        await provider.GetRequiredService<Microsoft.Extensions.Options.IAsyncStartupValidator>().ValidateAsync();

        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync([TestData.Doc("returns", "You can return items within 30 days of delivery.")]);

        Assert.Equal(1, embedder.Calls);
    }

    [Fact]
    public async Task AnswerAsync_HostClientAlreadyTraced_OneChatSpanAndTokenTagsOnlyOnIt()
    {
        var model = "traced-" + Guid.NewGuid().ToString("N");
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var inner = new Mock<IChatClient>();
        inner.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Within 30 days [1].")) { Usage = new UsageDetails { InputTokenCount = 120, OutputTokenCount = 9 } });
        var services = new ServiceCollection();
        services.AddChatClient(inner.Object).UseOpenTelemetry(sourceName: "Host.Chat");
        services.AddHybridAnswering(o => o.BaseModel = model);
        await using var provider = services.BuildServiceProvider(AspNetCoreDevelopment);
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync([TestData.Doc("returns", "You can return items within 30 days of delivery.")]);

        // Tests run in parallel and the listener hears every source: keep the spans of this test's own trace only.
        using var testSource = new ActivitySource("HybridAnswer.Tests." + nameof(AnswerAsync_HostClientAlreadyTraced_OneChatSpanAndTokenTagsOnlyOnIt));
        Answer answer;
        ActivityTraceId trace;
        using (var root = testSource.StartActivity("test")!)
        {
            trace = root.TraceId;
            answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync("How many days do I have to return items?");
        }

        Assert.True(answer.Answered);
        List<Activity> ours;
        lock (spans)
        {
            ours = [.. spans.Where(a => a.TraceId == trace && a.Source.Name != testSource.Name)];
        }

        Assert.Contains(ours, a => a.Source.Name == HybridAnswerTelemetry.SourceName);

        var chat = Assert.Single(ours, a => Equals(a.GetTagItem("gen_ai.operation.name"), "chat"));
        Assert.Equal("Host.Chat", chat.Source.Name);
        Assert.Equal(120, chat.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.DoesNotContain(ours.Where(a => a != chat), a => a.Tags.Any(t => t.Key.StartsWith("gen_ai.usage.", StringComparison.Ordinal)));
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Updates(string text)
    {
        foreach (var word in text.Split(' '))
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ");
        }
    }

    /// <summary>Stands for a scoped DbContext: one per scope, disposed with it.</summary>
    private sealed class CustomerDirectory : IDisposable
    {
        public static int Disposed { get; private set; }

        public void Dispose() => Disposed++;
    }

    private sealed class ScopedCustomerProvider(CustomerDirectory directory) : ICustomerContextProvider
    {
        public static List<string> Asked { get; } = [];

        public Task<CustomerContext?> GetCustomerContextAsync(string customerId, CancellationToken cancellationToken = default)
        {
            Assert.NotNull(directory);
            Asked.Add(customerId);
            return Task.FromResult<CustomerContext?>(new CustomerContext { CustomerId = customerId, Tier = "Gold" });
        }
    }
}

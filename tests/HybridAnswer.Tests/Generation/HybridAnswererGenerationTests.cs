using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Moq;

namespace HybridAnswer.Tests.Generation;

/// <summary>HybridAnswerer over ChatClientGenerator with a mocked IChatClient: routing, prompt, refusal, citations, fallback, streaming, cost.</summary>
public sealed class HybridAnswererGenerationTests
{
    private const string BaseModel = "gpt-4o-mini";
    private const string FineTunedModel = "ft:gpt-4o-mini:acme::abc123";

    private static readonly RetrievedChunk Returns = FakeRetriever.Chunk("returns", "Items can be returned within 30 days of delivery.", 0.9, "Returns policy");
    private static readonly RetrievedChunk Shipping = FakeRetriever.Chunk("shipping", "Standard shipping takes 3 to 5 business days.", 0.7, "Shipping");

    private readonly List<(List<ChatMessage> Messages, ChatOptions? Options)> _calls = [];

    [Theory]
    [InlineData(AnswerMode.Rag, BaseModel, true, false)]
    [InlineData(AnswerMode.FineTuned, FineTunedModel, false, false)]
    [InlineData(AnswerMode.Hybrid, FineTunedModel, true, true)]
    public async Task AnswerAsync_Mode_RoutesToModelWithOrWithoutSources(AnswerMode mode, string expectedModel, bool expectSources, bool expectBrandVoice)
    {
        var client = Client("Returns are accepted within 30 days [1].");
        var retriever = new FakeRetriever(Returns);
        var answerer = Answerer(retriever, client.Object);

        var answer = await answerer.AnswerAsync("How long do I have to return an item?", new AnswerOptions { Mode = mode });

        var (messages, options) = Assert.Single(_calls);
        Assert.Equal(expectedModel, options?.ModelId);
        Assert.Equal(expectedModel, answer.ModelId);
        Assert.Equal(mode, answer.Mode);
        Assert.Equal(expectSources ? 1 : 0, retriever.Calls);
        var user = messages.Single(m => m.Role == ChatRole.User).Text;
        Assert.Equal(expectSources, user.Contains("<sources>", StringComparison.Ordinal));
        Assert.Equal(expectSources, user.Contains("<source id=\"1\" title=\"Returns policy\">\nItems can be returned within 30 days of delivery.\n</source>", StringComparison.Ordinal));
        var system = messages.Single(m => m.Role == ChatRole.System).Text;
        Assert.Equal(expectBrandVoice, system.Contains("brand voice", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(expectSources, system.Contains("ONLY from the documents", StringComparison.Ordinal));
        Assert.Empty(expectSources ? [] : answer.Sources);
    }

    [Fact]
    public async Task AnswerAsync_TwoClients_FineTunedModeUsesTheKeyedFineTunedClient()
    {
        var baseClient = Client("base");
        var fineTunedClient = new Mock<IChatClient>();
        fineTunedClient.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ChatResponse(new ChatMessage(ChatRole.Assistant, "from the fine-tuned client")));
        var answerer = Answerer(new FakeRetriever(Returns), baseClient.Object, fineTunedClient.Object);

        var answer = await answerer.AnswerAsync("Tell me about returns", new AnswerOptions { Mode = AnswerMode.FineTuned });

        Assert.Equal("from the fine-tuned client", answer.Text);
        baseClient.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
        fineTunedClient.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.Is<ChatOptions?>(o => o!.ModelId == FineTunedModel), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AnswerAsync_NoRelevantSources_RefusesWithoutCallingTheModel()
    {
        var client = Client("should not be called");
        var answerer = Answerer(new FakeRetriever(FakeRetriever.Chunk("noise", "Unrelated text.", score: 0.01)), client.Object);

        var answer = await answerer.AnswerAsync("What is the warranty on the blender?");

        Assert.False(answer.Answered);
        Assert.Equal(NoAnswerReason.NoRelevantSources, answer.NoAnswerReason);
        Assert.Equal(HybridAnsweringOptions.DefaultNoAnswerText, answer.Text);
        Assert.Null(answer.ModelId);
        Assert.Equal(0m, answer.CostUsd);
        client.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
        client.Verify(c => c.GetStreamingResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task AnswerStreamingAsync_NoRelevantSources_RefusesWithoutCallingTheModel()
    {
        var client = Client("should not be called");
        var answerer = Answerer(new FakeRetriever(), client.Object);

        var updates = await Collect(answerer.AnswerStreamingAsync("What is the warranty on the blender?"));

        Assert.Equal(NoAnswerReason.NoRelevantSources, updates[^1].Completed!.NoAnswerReason);
        client.Verify(c => c.GetStreamingResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("I don't have that information.")]
    [InlineData("I don’t have that information")]
    [InlineData("I don't have that information. Please contact support.")]
    public async Task AnswerAsync_ModelAnswersTheNoAnswerText_IsModelDeclined(string reply)
    {
        var answerer = Answerer(new FakeRetriever(Returns), Client(reply).Object);

        var answer = await answerer.AnswerAsync("What is the warranty on the blender?");

        Assert.False(answer.Answered);
        Assert.Equal(NoAnswerReason.ModelDeclined, answer.NoAnswerReason);
        Assert.Equal(BaseModel, answer.ModelId);
        Assert.Empty(answer.Citations);
    }

    [Fact]
    public async Task AnswerAsync_Citations_MappedInOrderAndInvalidMarkersDroppedAndFlagged()
    {
        var answerer = Answerer(new FakeRetriever(Returns, Shipping), Client("Shipping takes 3-5 days [2]. Returns within 30 days [1, 7]. See also [9].").Object);

        var answer = await answerer.AnswerAsync("How long do shipping and returns take?");

        Assert.True(answer.Answered);
        Assert.Equal(["shipping", "returns"], answer.Citations.Select(c => c.DocumentId));
        Assert.Equal([2, 1], answer.Citations.Select(c => c.Index));
        Assert.Equal("Shipping", answer.Citations[0].Title);
        Assert.Equal([7, 9], answer.InvalidCitationMarkers);
        Assert.Equal("Shipping takes 3-5 days [2]. Returns within 30 days [1]. See also.", answer.Text);
        Assert.Equal(2, answer.Sources.Count);
    }

    [Fact]
    public async Task AnswerAsync_FineTunedFailsAndFallbackEnabled_BaseModelAnswersAndAnswerReportsIt()
    {
        var client = new Mock<IChatClient>();
        client.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.Is<ChatOptions?>(o => o!.ModelId == FineTunedModel), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("boom", null, System.Net.HttpStatusCode.BadGateway));
        client.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.Is<ChatOptions?>(o => o!.ModelId == BaseModel), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Within 30 days [1].")) { Usage = new UsageDetails { InputTokenCount = 100, OutputTokenCount = 10 } });
        var answerer = Answerer(new FakeRetriever(Returns), client.Object, configure: o => o.Generation.FallbackToBaseModel = true);

        var answer = await answerer.AnswerAsync("How long do I have to return an item?", new AnswerOptions { Mode = AnswerMode.Hybrid });

        Assert.True(answer.Answered);
        Assert.True(answer.UsedFallback);
        Assert.Equal(BaseModel, answer.ModelId);
        Assert.Equal(AnswerMode.Hybrid, answer.Mode);

        // The fine-tuned call is retried (a 502 is transient) before failing over: 1 + MaxRetryAttempts.
        client.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.Is<ChatOptions?>(o => o!.ModelId == FineTunedModel), It.IsAny<CancellationToken>()), Times.Exactly(3));
        client.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.Is<ChatOptions?>(o => o!.ModelId == BaseModel), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AnswerAsync_FineTunedFailsWithoutFallback_ThrowsAnswerGenerationExceptionWithModeAndModel()
    {
        var client = new Mock<IChatClient>();
        client.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("model not found"));
        var answerer = Answerer(new FakeRetriever(Returns), client.Object);

        var error = await Assert.ThrowsAsync<AnswerGenerationException>(() => answerer.AnswerAsync("Returns?", new AnswerOptions { Mode = AnswerMode.FineTuned }));

        Assert.Equal(AnswerMode.FineTuned, error.Mode);
        Assert.Equal(FineTunedModel, error.ModelId);
        Assert.IsType<InvalidOperationException>(error.InnerException);

        // Not transient: no retry.
        client.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AnswerAsync_PricedModel_ComputesCostFromUsagePlusRetrieval()
    {
        var answerer = Answerer(new FakeRetriever(Returns), Client("Within 30 days [1].", inputTokens: 2000, outputTokens: 500).Object, configure: o =>
        {
            o.Pricing.Models[BaseModel] = new ModelPrice { InputUsdPerMillionTokens = 0.15m, OutputUsdPerMillionTokens = 0.6m };
            o.Pricing.EmbeddingUsdPerQuery = 0.00001m;
            o.Pricing.SearchUsdPerQuery = 0.0001m;
        });

        var answer = await answerer.AnswerAsync("How long do I have to return an item?");

        Assert.Equal(new TokenUsage { InputTokens = 2000, OutputTokens = 500 }, answer.Usage);
        Assert.Equal((2000 * 0.15m / 1_000_000m) + (500 * 0.6m / 1_000_000m) + 0.00001m + 0.0001m, answer.CostUsd);
    }

    [Fact]
    public async Task AnswerAsync_UnpricedModel_CostIsNullNotZero()
    {
        var answerer = Answerer(new FakeRetriever(Returns), Client("Within 30 days [1].", inputTokens: 2000, outputTokens: 500).Object);

        var answer = await answerer.AnswerAsync("How long do I have to return an item?");

        Assert.NotNull(answer.Usage);
        Assert.Null(answer.CostUsd);
    }

    [Fact]
    public async Task AnswerAsync_MaxAnswerTokens_SentAsMaxOutputTokens()
    {
        var answerer = Answerer(new FakeRetriever(Returns), Client("ok [1]").Object, configure: o => o.Prompt.MaxAnswerTokens = 321);

        await answerer.AnswerAsync("Returns?");

        Assert.Equal(321, Assert.Single(_calls).Options?.MaxOutputTokens);
    }

    [Fact]
    public async Task AnswerAsync_CustomTemplates_UsedInThePrompt()
    {
        var answerer = Answerer(new FakeRetriever(Returns), Client("ok [1]").Object, configure: o =>
        {
            o.Prompt.GroundedInstructions = "ACME bot. Use the sources only. Else say: {NoAnswerText}";
            o.NoAnswerText = "No idea, sorry.";
        });

        await answerer.AnswerAsync("Returns?");

        Assert.Equal("ACME bot. Use the sources only. Else say: No idea, sorry.", Assert.Single(_calls).Messages[0].Text);
    }

    [Fact]
    public async Task AnswerAsync_PromptMadeOnceByTheAnswerer_GeneratorSendsItWithItsOwnPromptOptionsUnused()
    {
        // One owner of the prompt: the answerer packs and builds with its options; the generator sends what it received.
        var options = new HybridAnsweringOptions { BaseModel = BaseModel };
        options.Prompt.GroundedInstructions = "Answerer's instructions. Else: {NoAnswerText}";
        var generatorPrompt = new PromptOptions { GroundedInstructions = "Generator's instructions. Else: {NoAnswerText}" };
        var generator = new ChatClientGenerator(Client("ok [1]").Object, BaseModel, prompt: generatorPrompt);
        var answerer = new HybridAnswerer(new FakeRetriever(Returns, Returns with { ChunkId = "copy" }), generator, Options.Create(options));

        var answer = await answerer.AnswerAsync("Returns?");

        var (messages, _) = Assert.Single(_calls);
        Assert.StartsWith("Answerer's instructions.", messages[0].Text, StringComparison.Ordinal);
        // The duplicate was dropped when packing, once: the model saw one source, and [1] is that source.
        Assert.Contains("<source id=\"1\"", messages[1].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<source id=\"2\"", messages[1].Text, StringComparison.Ordinal);
        Assert.Equal("returns#0", Assert.Single(answer.Citations).ChunkId);
    }

    [Fact]
    public async Task GenerateAsync_CalledDirectly_MakesThePromptTheSameWayPackedToTheBudget()
    {
        var generator = new ChatClientGenerator(Client("ok").Object, BaseModel, prompt: new PromptOptions { MaxPromptTokens = 400, MaxAnswerTokens = 100 });
        var sources = Enumerable.Range(0, 30).Select(i => FakeRetriever.Chunk("c" + i, string.Join(' ', Enumerable.Repeat($"Sentence number {i} about returns.", 10)))).ToList();

        await generator.GenerateAsync(new GenerationRequest { Question = "Returns?", Mode = AnswerMode.Rag, Sources = sources, NoAnswerText = "No." });

        var (messages, _) = Assert.Single(_calls);
        Assert.InRange(PromptBuilder.CountTokens(messages), 1, 300);
        Assert.Contains("<source id=\"1\"", messages[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerAsync_CustomerContext_InItsOwnBlockAfterTheSources()
    {
        var customers = new Mock<ICustomerContextProvider>();
        customers.Setup(c => c.GetCustomerContextAsync("c-42", It.IsAny<CancellationToken>()))
            .ReturnsAsync(new CustomerContext { CustomerId = "c-42", Tier = "Gold", OrderCount = 17, MemberSince = new DateOnly(2021, 3, 4) });
        var answerer = Answerer(new FakeRetriever(Returns), Client("ok [1]").Object, customers: customers.Object);

        await answerer.AnswerAsync("Returns?", new AnswerOptions { CustomerId = "c-42" });

        var user = Assert.Single(_calls).Messages[1].Text;
        var customerStart = user.IndexOf("<customer>", StringComparison.Ordinal);
        Assert.True(customerStart > user.IndexOf("</sources>", StringComparison.Ordinal));
        Assert.Contains("<customer>\nTier: Gold\nOrders: 17\nMember since: 2021-03-04\n</customer>", user, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerStreamingAsync_SourcesFirstThenDeltasThenFinalWithCitationsUsageCostTimings()
    {
        var client = new Mock<IChatClient>();
        client.Setup(c => c.GetStreamingResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .Returns(Stream(
                new ChatResponseUpdate(ChatRole.Assistant, "Within 30 "),
                new ChatResponseUpdate(ChatRole.Assistant, "days [1]."),
                new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 1000, OutputTokenCount = 100 })] }));
        var answerer = Answerer(new FakeRetriever(Returns, Shipping), client.Object, configure: o =>
            o.Pricing.Models[BaseModel] = new ModelPrice { InputUsdPerMillionTokens = 1_000m, OutputUsdPerMillionTokens = 2_000m });

        var updates = await Collect(answerer.AnswerStreamingAsync("How long do I have to return an item?"));

        Assert.Equal(2, updates[0].Sources!.Count);
        Assert.Null(updates[0].Completed);
        Assert.Equal(["Within 30 ", "days [1]."], updates.Skip(1).Take(2).Select(u => u.Text));
        var final = updates[^1].Completed!;
        Assert.Equal(4, updates.Count);
        Assert.Equal("Within 30 days [1].", final.Text);
        Assert.Equal("returns", Assert.Single(final.Citations).DocumentId);
        Assert.Equal(new TokenUsage { InputTokens = 1000, OutputTokens = 100 }, final.Usage);
        Assert.Equal(1.2m, final.CostUsd);
        Assert.Equal(BaseModel, final.ModelId);
        Assert.True(final.Timings.Total >= final.Timings.Generation);
    }

    [Fact]
    public async Task AnswerAsync_Cancelled_PropagatesOperationCanceled()
    {
        var client = new Mock<IChatClient>();
        client.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .Returns<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken>(async (_, _, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return new ChatResponse();
            });
        var answerer = Answerer(new FakeRetriever(Returns), client.Object);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answerer.AnswerAsync("Returns?", cancellationToken: cancel.Token));
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Stream(params ChatResponseUpdate[] updates)
    {
        foreach (var update in updates)
        {
            await Task.Yield();
            yield return update;
        }
    }

    private static async Task<List<AnswerUpdate>> Collect(IAsyncEnumerable<AnswerUpdate> updates)
    {
        var list = new List<AnswerUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }

    private Mock<IChatClient> Client(string reply, long inputTokens = 10, long outputTokens = 5)
    {
        var client = new Mock<IChatClient>();
        client.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .Callback<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken>((m, o, _) => _calls.Add(([.. m], o)))
            .ReturnsAsync(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)) { Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens } });
        return client;
    }

    private static HybridAnswerer Answerer(IRetriever retriever, IChatClient baseClient, IChatClient? fineTunedClient = null, Action<HybridAnsweringOptions>? configure = null, ICustomerContextProvider? customers = null)
    {
        var options = new HybridAnsweringOptions { BaseModel = BaseModel, FineTunedModel = FineTunedModel };
        options.Generation.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
        options.Generation.MaxRetryDelay = TimeSpan.FromMilliseconds(5);
        options.Generation.MaxRetryAttempts = 2;
        configure?.Invoke(options);
        var generator = new ChatClientGenerator(baseClient, options.BaseModel, options.FineTunedModel, fineTunedClient, options.Generation, options.Prompt);
        return new HybridAnswerer(retriever, generator, Options.Create(options), customers);
    }
}

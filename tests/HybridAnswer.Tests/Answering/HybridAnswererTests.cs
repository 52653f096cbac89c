using HybridAnswer.InMemory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Moq;

namespace HybridAnswer.Tests.Answering;

public sealed class HybridAnswererTests
{
    private static async Task<InMemoryKnowledgeBase> KnowledgeBaseAsync()
    {
        var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        await kb.UpsertAsync(
        [
            TestData.Doc("returns", "You can return most items within 30 days of delivery for a full refund.", "published"),
            TestData.Doc("returns-draft", "You can return most items within 60 days of delivery for a full refund.", "draft"),
            TestData.Doc("shipping", "Standard shipping takes 3 to 5 business days and is free over $49.", "published"),
        ]);
        return kb;
    }

    private static Mock<IChatClient> ChatClient(string reply = "Items can be returned within 30 days [1].")
    {
        var chat = new Mock<IChatClient>();
        chat.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IEnumerable<ChatMessage> _, ChatOptions? o, CancellationToken _) =>
                new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)) { ModelId = o?.ModelId, Usage = new UsageDetails { InputTokenCount = 120, OutputTokenCount = 12 } });
        return chat;
    }

    /// <summary>A retriever that fails any retrieval; asking it for capabilities (GetService, at construction) is allowed and finds none.</summary>
    private static IRetriever NoRetrieval()
    {
        var retriever = new Mock<IRetriever>(MockBehavior.Strict);
        retriever.Setup(r => r.GetService(It.IsAny<Type>(), It.IsAny<object?>())).Returns((object?)null);
        return retriever.Object;
    }

    private static HybridAnswerer Answerer(IRetriever retriever, IGenerator generator, Action<HybridAnsweringOptions>? configure = null)
    {
        var options = new HybridAnsweringOptions { FineTunedModel = "ft:gpt-4o-mini:acme::abc123" };
        configure?.Invoke(options);
        return new HybridAnswerer(retriever, generator, Options.Create(options));
    }

    private static RetrievedChunk[] LongSourceAndDuplicate()
    {
        var filler = string.Join(' ', Enumerable.Range(1, 60).Select(i => $"Paragraph {i} describes the lobby decor and the carpet colours."));
        var blender = Generation.FakeRetriever.Chunk("blender", filler + " The blender motor warranty lasts 8 years.", 0.9, "Blender");
        return [blender, blender with { ChunkId = "blender-copy#0", DocumentId = "blender-copy" }, Generation.FakeRetriever.Chunk("kettle", "The kettle boils 1.7 litres.", 0.5, "Kettle")];
    }

    [Fact]
    public async Task AnswerAsync_ExtractiveGenerator_SourcesNotCutToAChatModelsBudget_DuplicatesStillDropped()
    {
        // The prompt budget is a chat model's context window. The extractive generator sends no prompt: counting every source's
        // tokens for it was wasted work, and a small budget dropped the very source it quotes.
        var answerer = Answerer(new Generation.FakeRetriever(LongSourceAndDuplicate()), new ExtractiveGenerator(), o =>
        {
            o.Prompt.MaxPromptTokens = 300;
            o.Prompt.MaxAnswerTokens = 16;
        });

        var answer = await answerer.AnswerAsync("How long is the blender motor warranty?");

        Assert.True(answer.Answered, answer.Text);
        Assert.Contains("8 years", answer.Text, StringComparison.Ordinal);
        Assert.Equal(["blender", "kettle"], answer.Sources.Select(s => s.DocumentId));
    }

    [Fact]
    public async Task AnswerAsync_ChatGenerator_SourcesStillPackedToTheBudget()
    {
        var chat = ChatClient("The kettle boils 1.7 litres [1].");
        var answerer = Answerer(new Generation.FakeRetriever(LongSourceAndDuplicate()), new ChatClientGenerator(chat.Object, "gpt-4o-mini"), o =>
        {
            o.Prompt.MaxPromptTokens = 300;
            o.Prompt.MaxAnswerTokens = 16;
        });

        var answer = await answerer.AnswerAsync("How long is the blender motor warranty?");

        Assert.Equal(["kettle"], answer.Sources.Select(s => s.DocumentId));
        chat.Verify(c => c.GetResponseAsync(It.Is<IEnumerable<ChatMessage>>(m => PromptBuilder.CountTokens(m) <= 284), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AnswerAsync_NothingRelevant_RefusesWithoutCallingTheModel()
    {
        var chat = ChatClient();
        var answerer = Answerer(await KnowledgeBaseAsync(), new ChatClientGenerator(chat.Object, "gpt-4o-mini"));

        var answer = await answerer.AnswerAsync("quantum chromodynamics lattice gauge", new AnswerOptions { MinScore = 0.5 });

        Assert.False(answer.Answered);
        Assert.Equal(NoAnswerReason.NoRelevantSources, answer.NoAnswerReason);
        Assert.Equal(HybridAnsweringOptions.DefaultNoAnswerText, answer.Text);
        Assert.Empty(answer.Citations);
        Assert.Null(answer.ModelId);
        chat.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("status", "publshed")] // a typo in the value
    [InlineData("staus", "published")] // a typo in the key
    public async Task AnswerAsync_FilterMatchesNoDocument_FilterMatchedNothingWithoutCallingTheModel(string key, string value)
    {
        var chat = ChatClient();
        var answerer = Answerer(await KnowledgeBaseAsync(), new ChatClientGenerator(chat.Object, "gpt-4o-mini"));
        var options = new AnswerOptions { Filter = new Dictionary<string, string> { [key] = value } };

        var answer = await answerer.AnswerAsync("How many days do I have to return an item?", options);
        var streamed = new List<AnswerUpdate>();
        await foreach (var update in answerer.AnswerStreamingAsync("How many days do I have to return an item?", options))
        {
            streamed.Add(update);
        }

        Assert.False(answer.Answered);
        Assert.Equal(NoAnswerReason.FilterMatchedNothing, answer.NoAnswerReason);
        Assert.Equal(NoAnswerReason.FilterMatchedNothing, streamed[^1].Completed!.NoAnswerReason);
        Assert.Empty(answer.Sources);
        chat.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task AnswerAsync_FilterMatchesDocumentsButNothingRelevant_NoRelevantSources()
    {
        var answerer = Answerer(await KnowledgeBaseAsync(), new ChatClientGenerator(ChatClient().Object, "gpt-4o-mini"));

        var answer = await answerer.AnswerAsync("quantum chromodynamics lattice gauge", new AnswerOptions { MinScore = 0.5, Filter = new Dictionary<string, string> { ["status"] = "published" } });

        Assert.Equal(NoAnswerReason.NoRelevantSources, answer.NoAnswerReason);
    }

    [Fact]
    public async Task AnswerAsync_FilterMatchesOnlyAnotherTenant_FilterMatchedNothing()
    {
        var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator(), options: new InMemoryKnowledgeBaseOptions { MultiTenant = true });
        await kb.UpsertAsync([TestData.Doc("returns", "You can return most items within 30 days of delivery.", "published", tenant: "acme")]);
        await kb.UpsertAsync([TestData.Doc("returns", "You can return most items within 30 days of delivery.", "draft", tenant: "globex")]);
        var answerer = Answerer(kb, new ChatClientGenerator(ChatClient().Object, "gpt-4o-mini"));

        var published = await answerer.AnswerAsync("How many days to return an item?", new AnswerOptions { TenantId = "globex", Filter = new Dictionary<string, string> { ["status"] = "published" } });
        var draft = await answerer.AnswerAsync("How many days to return an item?", new AnswerOptions { TenantId = "globex", Filter = new Dictionary<string, string> { ["status"] = "draft" } });

        Assert.Equal(NoAnswerReason.FilterMatchedNothing, published.NoAnswerReason);
        Assert.True(draft.Answered);
    }

    [Fact]
    public async Task AnswerAsync_RetrieverThatCannotTell_NoRelevantSources()
    {
        var retriever = new Mock<IRetriever>();
        retriever.Setup(r => r.RetrieveAsync(It.IsAny<RetrievalRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        var answerer = Answerer(retriever.Object, new ChatClientGenerator(ChatClient().Object, "gpt-4o-mini"));

        var answer = await answerer.AnswerAsync("How many days?", new AnswerOptions { Filter = new Dictionary<string, string> { ["status"] = "publshed" } });

        Assert.Equal(NoAnswerReason.NoRelevantSources, answer.NoAnswerReason);
    }

    [Theory]
    [InlineData(AnswerMode.Rag, "gpt-4o-mini", true)]
    [InlineData(AnswerMode.Hybrid, "ft:gpt-4o-mini:acme::abc123", true)]
    [InlineData(AnswerMode.FineTuned, "ft:gpt-4o-mini:acme::abc123", false)]
    public async Task AnswerAsync_Mode_RoutesToModelAndRetrievesOnlyWhenNeeded(AnswerMode mode, string expectedModel, bool retrieves)
    {
        var chat = ChatClient();
        var retriever = new Mock<IRetriever>();
        var kb = await KnowledgeBaseAsync();
        retriever.Setup(r => r.RetrieveAsync(It.IsAny<RetrievalRequest>(), It.IsAny<CancellationToken>()))
            .Returns((RetrievalRequest r, CancellationToken ct) => kb.RetrieveAsync(r, ct));
        var answerer = Answerer(retriever.Object, new ChatClientGenerator(chat.Object, "gpt-4o-mini", "ft:gpt-4o-mini:acme::abc123"));

        var answer = await answerer.AnswerAsync("How many days do I have to return an item?", new AnswerOptions { Mode = mode });

        Assert.True(answer.Answered);
        Assert.Equal(mode, answer.Mode);
        Assert.Equal(expectedModel, answer.ModelId);
        chat.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.Is<ChatOptions?>(o => o!.ModelId == expectedModel), It.IsAny<CancellationToken>()), Times.Once);
        retriever.Verify(r => r.RetrieveAsync(It.IsAny<RetrievalRequest>(), It.IsAny<CancellationToken>()), retrieves ? Times.Once() : Times.Never());
        Assert.Equal(retrieves, answer.Sources.Count > 0);
    }

    [Fact]
    public async Task AnswerAsync_ModelAnswers_CitationsMappedAndUsageReported()
    {
        var answerer = Answerer(await KnowledgeBaseAsync(), new ChatClientGenerator(ChatClient("Within 30 days [1], shipping is free over $49 [2][9].").Object, "gpt-4o-mini"));

        var answer = await answerer.AnswerAsync("return window and free shipping", new AnswerOptions { Filter = new Dictionary<string, string> { ["status"] = "published" } });

        Assert.True(answer.Answered);
        Assert.Equal([1, 2], answer.Citations.Select(c => c.Index));
        Assert.Equal(answer.Sources[0].DocumentId, answer.Citations[0].DocumentId);
        Assert.Equal(answer.Sources[1].DocumentId, answer.Citations[1].DocumentId);
        Assert.DoesNotContain(answer.Sources, s => s.DocumentId == "returns-draft");
        Assert.Equal(new TokenUsage { InputTokens = 120, OutputTokens = 12 }, answer.Usage);
        Assert.True(answer.Timings.Total >= answer.Timings.Retrieval);
    }

    [Fact]
    public async Task AnswerAsync_ModelRepliesNoAnswerText_IsModelDeclined()
    {
        var answerer = Answerer(await KnowledgeBaseAsync(), new ChatClientGenerator(ChatClient("I don't have that information.").Object, "gpt-4o-mini"));

        var answer = await answerer.AnswerAsync("How many days do I have to return an item?");

        Assert.False(answer.Answered);
        Assert.Equal(NoAnswerReason.ModelDeclined, answer.NoAnswerReason);
        Assert.Equal("gpt-4o-mini", answer.ModelId);
    }

    [Fact]
    public async Task AnswerAsync_ExtractiveGenerator_AnswersWithCitationAndRefusesUnsupported()
    {
        var answerer = Answerer(await KnowledgeBaseAsync(), new ExtractiveGenerator(), o => o.DefaultFilter["status"] = "published");

        var answered = await answerer.AnswerAsync("How many days do I have to return an item?");
        var refused = await answerer.AnswerAsync("Do you ship to Antarctica by submarine?");

        Assert.True(answered.Answered);
        Assert.Contains("30 days", answered.Text, StringComparison.Ordinal);
        Assert.Equal("returns", Assert.Single(answered.Citations).DocumentId);
        Assert.False(refused.Answered);
        Assert.NotNull(refused.NoAnswerReason);
    }

    [Fact]
    public async Task AnswerStreamingAsync_YieldsSourcesThenTextThenCompletedAnswer()
    {
        var answerer = Answerer(await KnowledgeBaseAsync(), new ExtractiveGenerator());

        var updates = new List<AnswerUpdate>();
        await foreach (var update in answerer.AnswerStreamingAsync("How many days do I have to return an item?"))
        {
            updates.Add(update);
        }

        Assert.NotNull(updates[0].Sources);
        Assert.NotEmpty(updates[0].Sources!);
        var completed = updates[^1].Completed;
        Assert.NotNull(completed);
        Assert.Equal(string.Concat(updates.Select(u => u.Text)), completed!.Text);
        Assert.NotEmpty(completed.Citations);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \t\n")]
    public async Task AnswerAsync_EmptyQuestion_ThrowsNamingQuestion(string question)
    {
        var answerer = Answerer(await KnowledgeBaseAsync(), new ExtractiveGenerator());
        var e = await Assert.ThrowsAsync<ArgumentException>(() => answerer.AnswerAsync(question));
        Assert.Equal("question", e.ParamName);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnswerAsync_BadFilterValue_ThrowsNamingOptionsAtThePublicBoundaryBeforeRetrieval(bool loneSurrogate)
    {
        // Built here, not in InlineData: xUnit's serialisation of test data turns a lone surrogate into U+FFFD.
        var value = loneSurrogate ? "published" + '\ud800' : "published\0x";
        // Checked once, where the call enters: the retriever (here one that fails any retrieval) is never reached.
        var answerer = Answerer(NoRetrieval(), new ExtractiveGenerator());

        var e = await Assert.ThrowsAsync<ArgumentException>(() => answerer.AnswerAsync("Returns?", new AnswerOptions { Filter = new Dictionary<string, string> { ["status"] = value } }));

        Assert.Equal("options", e.ParamName);
    }

    [Fact]
    public async Task AnswerAsync_DecoratorChangesTheCheckedRequest_TheStoreChecksTheCopyAgain()
    {
        // The answerer's request is not checked again at the store; a copy a decorator made (here with a NUL) is.
        var answerer = Answerer(new AppendingRetriever(await KnowledgeBaseAsync(), "\0"), new ExtractiveGenerator());

        var e = await Assert.ThrowsAsync<ArgumentException>(() => answerer.AnswerAsync("How long do I have to return an item?"));

        Assert.Equal("request", e.ParamName);
        Assert.Contains("NUL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerAsync_TooLongQuestion_ThrowsBeforeRetrieval()
    {
        var answerer = Answerer(NoRetrieval(), new ExtractiveGenerator(), o => o.MaxQuestionLength = 50);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => answerer.AnswerAsync(new string('a', 51)));

        Assert.Contains("MaxQuestionLength", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => answerer.AnswerStreamingAsync(new string('a', 51)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task AnswerAsync_TopKOutOfRange_Throws(int topK)
    {
        var answerer = Answerer(NoRetrieval(), new ExtractiveGenerator());
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => answerer.AnswerAsync("q", new AnswerOptions { TopK = topK }));
        Assert.Contains("TopK", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheOption()
    {
        var options = new HybridAnsweringOptions { Mode = AnswerMode.Hybrid, TopK = 0 };
        var e = Assert.Throws<OptionsValidationException>(() => new HybridAnswerer(new Mock<IRetriever>().Object, new ExtractiveGenerator(), Options.Create(options)));
        Assert.Contains("HybridAnswering:TopK", e.Message, StringComparison.Ordinal);
        Assert.Contains("HybridAnswering:FineTunedModel", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerAsync_Cancelled_Throws()
    {
        var answerer = Answerer(await KnowledgeBaseAsync(), new ExtractiveGenerator());
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answerer.AnswerAsync("return window", cancellationToken: cts.Token));
    }

    private sealed class AppendingRetriever(IRetriever inner, string suffix) : DelegatingRetriever(inner)
    {
        public override Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default) =>
            base.RetrieveAsync(new RetrievalRequest(request.Query + suffix) { TopK = request.TopK, Filter = request.Filter, MinScore = request.MinScore }, cancellationToken);
    }
}

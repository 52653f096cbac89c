using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace HybridAnswer.Tests.OpenAiStub;

/// <summary>The real Microsoft.Extensions.AI.OpenAI client against the local stub: what goes over the wire, and how failures come back.</summary>
public sealed class OpenAiWireTests
{
    private const string BaseModel = "gpt-4o-mini";
    private const string FineTunedModel = "ft:gpt-4o-mini:acme::abc123";

    private static readonly RetrievedChunk Source = new()
    {
        ChunkId = "returns#0",
        DocumentId = "returns",
        Ordinal = 0,
        Title = "Returns",
        Content = "Items can be returned within 30 days.",
        Score = 0.9,
    };

    [Fact]
    public async Task GenerateAsync_Rag_SendsBaseModelIdApiKeyAndNoStreamAndParsesUsage()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Text: "Within 30 days [1].", PromptTokens: 120, CompletionTokens: 9));
        var generator = new ChatClientGenerator(Client(stub, BaseModel, "sk-secret"), BaseModel, generation: FastRetries());

        var answer = await generator.GenerateAsync(Request(AnswerMode.Rag));

        var sent = Assert.Single(stub.Requests);
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal(BaseModel, sent.Model);
        Assert.Equal("Bearer sk-secret", sent.Authorization);
        Assert.False(sent.Stream);
        Assert.Contains("<source id=\"1\" title=\"Returns\">\nItems can be returned within 30 days.\n</source>", sent.Prompt, StringComparison.Ordinal);
        Assert.Equal("Within 30 days [1].", answer.Text);
        Assert.Equal(BaseModel, answer.ModelId);
        Assert.Equal(new TokenUsage { InputTokens = 120, OutputTokens = 9 }, answer.Usage);
        Assert.False(answer.UsedFallback);
    }

    [Fact]
    public async Task GenerateAsync_FineTunedWithItsOwnChatClient_SendsFineTunedModelIdWithoutSources()
    {
        await using var stub = new OpenAiStubServer();
        var generator = new ChatClientGenerator(Client(stub, BaseModel), BaseModel, FineTunedModel, Client(stub, FineTunedModel), FastRetries());

        var answer = await generator.GenerateAsync(Request(AnswerMode.FineTuned) with { Sources = [] });

        var sent = Assert.Single(stub.Requests);
        Assert.Equal(FineTunedModel, sent.Model);
        Assert.DoesNotContain("<sources>", sent.Prompt, StringComparison.Ordinal);
        Assert.Equal(FineTunedModel, answer.ModelId);
    }

    [Fact]
    public async Task GenerateAsync_OneClientTwoModelIds_SendsTheRoutedModelId()
    {
        await using var stub = new OpenAiStubServer();
        var generator = new ChatClientGenerator(Client(stub, BaseModel), BaseModel, FineTunedModel, generation: FastRetries());

        await generator.GenerateAsync(Request(AnswerMode.Hybrid));
        await generator.GenerateAsync(Request(AnswerMode.Rag));

        Assert.Equal([FineTunedModel, BaseModel], stub.Requests.Select(r => r.Model));
    }

    [Fact]
    public async Task GenerateStreamingAsync_SendsStreamTrue_YieldsDeltasAndUsage()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Text: "Items can be returned within 30 days [1].", PromptTokens: 50, CompletionTokens: 12));
        var generator = new ChatClientGenerator(Client(stub, BaseModel), BaseModel, generation: FastRetries());

        var updates = new List<GenerationUpdate>();
        await foreach (var update in generator.GenerateStreamingAsync(Request(AnswerMode.Rag)))
        {
            updates.Add(update);
        }

        var sent = Assert.Single(stub.Requests);
        Assert.True(sent.Stream);
        Assert.True(updates.Count(u => u.Text.Length > 0) > 1, "the text should arrive in several deltas");
        Assert.Equal("Items can be returned within 30 days [1].", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(new TokenUsage { InputTokens = 50, OutputTokens = 12 }, updates.Select(u => u.Usage).Last(u => u is not null));
        Assert.All(updates, u => Assert.Equal(BaseModel, u.ModelId));
    }

    [Fact]
    public async Task GenerateAsync_429ThenOk_RetriesAndAnswers()
    {
        await using var stub = new OpenAiStubServer((_, n) => n == 0 ? new StubReply(Status: 429, RetryAfter: "0") : new StubReply(Text: "fine"));
        var generator = new ChatClientGenerator(Client(stub, BaseModel), BaseModel, generation: FastRetries());

        var answer = await generator.GenerateAsync(Request(AnswerMode.Rag));

        Assert.Equal("fine", answer.Text);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task GenerateStreamingAsync_503ThenOk_RetriesBeforeTheFirstDelta()
    {
        await using var stub = new OpenAiStubServer((_, n) => n == 0 ? new StubReply(Status: 503) : new StubReply(Text: "streamed fine"));
        var generator = new ChatClientGenerator(Client(stub, BaseModel), BaseModel, generation: FastRetries());

        var text = string.Empty;
        await foreach (var update in generator.GenerateStreamingAsync(Request(AnswerMode.Rag)))
        {
            text += update.Text;
        }

        Assert.Equal("streamed fine", text);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_500Forever_ThrowsAnswerGenerationExceptionAfterBoundedRetries()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Status: 500));
        var generator = new ChatClientGenerator(Client(stub, BaseModel), BaseModel, FineTunedModel, generation: FastRetries(maxRetries: 2));

        var error = await Assert.ThrowsAsync<AnswerGenerationException>(() => generator.GenerateAsync(Request(AnswerMode.Hybrid)));

        Assert.Equal(AnswerMode.Hybrid, error.Mode);
        Assert.Equal(FineTunedModel, error.ModelId);
        Assert.Equal(500, error.StatusCode);
        Assert.False(error.IsTimeout);
        Assert.Contains(FineTunedModel, error.Message, StringComparison.Ordinal);
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task GenerateAsync_400_IsNotRetried()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Status: 400));
        var generator = new ChatClientGenerator(Client(stub, BaseModel), BaseModel, generation: FastRetries());

        var error = await Assert.ThrowsAsync<AnswerGenerationException>(() => generator.GenerateAsync(Request(AnswerMode.Rag)));

        Assert.Equal(400, error.StatusCode);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task GenerateAsync_SlowModel_TimesOutAsAnswerGenerationException()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Delay: TimeSpan.FromSeconds(5)));
        var options = FastRetries(maxRetries: 0);
        options.Timeout = TimeSpan.FromMilliseconds(200);
        var generator = new ChatClientGenerator(Client(stub, BaseModel), BaseModel, generation: options);

        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<AnswerGenerationException>(() => generator.GenerateAsync(Request(AnswerMode.Rag)));

        Assert.True(error.IsTimeout);
        Assert.Equal(BaseModel, error.ModelId);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4), "the timeout should cut the call short");
    }

    [Fact]
    public async Task GenerateAsync_CallerCancels_ThrowsOperationCanceledNotAFailure()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Delay: TimeSpan.FromSeconds(5)));
        var generator = new ChatClientGenerator(Client(stub, BaseModel), BaseModel, generation: FastRetries());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(Request(AnswerMode.Rag), cancel.Token));

        Assert.True(cancel.IsCancellationRequested);
        Assert.IsNotType<AnswerGenerationException>(error);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task GenerateAsync_FineTunedFailsWithFallback_BaseModelAnswersAndItIsReported()
    {
        await using var stub = new OpenAiStubServer((r, _) => r.Model == FineTunedModel ? new StubReply(Status: 503) : new StubReply(Text: "from base"));
        var options = FastRetries(maxRetries: 1);
        options.FallbackToBaseModel = true;
        var generator = new ChatClientGenerator(Client(stub, BaseModel), BaseModel, FineTunedModel, Client(stub, FineTunedModel), options);

        var answer = await generator.GenerateAsync(Request(AnswerMode.Hybrid));

        Assert.Equal("from base", answer.Text);
        Assert.True(answer.UsedFallback);
        Assert.Equal(BaseModel, answer.ModelId);
        Assert.Equal([FineTunedModel, FineTunedModel, BaseModel], stub.Requests.Select(r => r.Model));
    }

    internal static IChatClient Client(OpenAiStubServer stub, string model, string apiKey = "test-key") =>
        new OpenAIClient(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = stub.Endpoint, RetryPolicy = new ClientRetryPolicy(maxRetries: 0) })
            .GetChatClient(model)
            .AsIChatClient();

    internal static GenerationOptions FastRetries(int maxRetries = 3) => new()
    {
        MaxRetryAttempts = maxRetries,

        // Client() turns the SDK's own retries off, so the library retries the SDK's failures.
        RetrySdkFailures = true,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        Timeout = TimeSpan.FromSeconds(20),
    };

    private static GenerationRequest Request(AnswerMode mode) => new()
    {
        Question = "How long do I have to return an item?",
        Mode = mode,
        Sources = [Source],
        NoAnswerText = HybridAnsweringOptions.DefaultNoAnswerText,
    };
}

using System.ClientModel;
using HybridAnswer.InMemory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace HybridAnswer.Tests.OpenAiStub;

/// <summary>The retries of the library and of the OpenAI SDK do not multiply: HTTP attempts per answer are bounded.</summary>
public sealed class RetryBoundTests
{
    private static async Task<HybridAnswerer> AnswererAsync(IChatClient client, GenerationOptions generation)
    {
        var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        await kb.UpsertAsync([TestData.Doc("returns", "You can return items within 30 days of delivery.")]);
        return new HybridAnswerer(kb, new ChatClientGenerator(client, "gpt-4o-mini", generation: generation), Options.Create(new HybridAnsweringOptions()));
    }

    [Fact]
    public async Task AnswerAsync_SdkWithDefaultRetriesAndServerDown_AtMostFourHttpAttempts()
    {
        // The OpenAI SDK as a host builds it: its own retry policy on (3 retries), the library's defaults (3 retries).
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Status: 503, RetryAfter: "0"));
        var client = new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = stub.Endpoint })
            .GetChatClient("gpt-4o-mini").AsIChatClient();
        var options = OpenAiWireTests.FastRetries(maxRetries: 3);
        options.RetrySdkFailures = false; // the default
        var answerer = await AnswererAsync(client, options);

        var error = await Assert.ThrowsAsync<AnswerGenerationException>(() => answerer.AnswerAsync("How many days do I have to return items?"));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(4, stub.Requests.Count);
    }

    [Fact]
    public async Task AnswerAsync_SdkRetriesOffAndLibraryRetriesSdkFailures_AtMostOnePlusMaxRetryAttempts()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Status: 503, RetryAfter: "0"));
        var options = OpenAiWireTests.FastRetries(maxRetries: 3);
        options.RetrySdkFailures = true;
        var answerer = await AnswererAsync(OpenAiWireTests.Client(stub, "gpt-4o-mini"), options);

        await Assert.ThrowsAsync<AnswerGenerationException>(() => answerer.AnswerAsync("How many days do I have to return items?"));

        Assert.Equal(4, stub.Requests.Count);
    }

    [Fact]
    public async Task AnswerAsync_LibraryRetriesOff_OneAttempt()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Status: 503, RetryAfter: "0"));
        var options = OpenAiWireTests.FastRetries(maxRetries: 0);
        options.RetrySdkFailures = true;
        var answerer = await AnswererAsync(OpenAiWireTests.Client(stub, "gpt-4o-mini"), options);

        await Assert.ThrowsAsync<AnswerGenerationException>(() => answerer.AnswerAsync("How many days do I have to return items?"));

        Assert.Single(stub.Requests);
    }
}

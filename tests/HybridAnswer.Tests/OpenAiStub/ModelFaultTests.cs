using HybridAnswer.InMemory;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Tests.OpenAiStub;

/// <summary>The model misbehaving behind the real OpenAI client: garbage bodies and broken streams are errors, never answers.</summary>
public sealed class ModelFaultTests
{
    private static async Task<HybridAnswerer> AnswererAsync(OpenAiStubServer stub)
    {
        var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        await kb.UpsertAsync([TestData.Doc("returns", "You can return items within 30 days of delivery.")]);
        var generator = new ChatClientGenerator(OpenAiWireTests.Client(stub, "gpt-4o-mini"), "gpt-4o-mini", generation: OpenAiWireTests.FastRetries(maxRetries: 2));
        return new HybridAnswerer(kb, generator, Options.Create(new HybridAnsweringOptions()));
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("{\"id\": 1, \"choices\": \"nope\"}")]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    public async Task AnswerAsync_GarbageBody_ThrowsAnswerGenerationExceptionNotAnAnswer(string garbage)
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Garbage: garbage));
        var answerer = await AnswererAsync(stub);

        var e = await Assert.ThrowsAsync<AnswerGenerationException>(() => answerer.AnswerAsync("How many days do I have to return items?"));

        Assert.Equal(AnswerMode.Rag, e.Mode);
        Assert.Equal("gpt-4o-mini", e.ModelId);
        Assert.InRange(stub.Requests.Count, 1, 3);
    }

    [Fact]
    public async Task AnswerStreamingAsync_StreamBreaksWithGarbage_ThrowsAndNeverCompletes()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Text: "You can return items within", Garbage: "{{{ not an event"));
        var answerer = await AnswererAsync(stub);
        var updates = new List<AnswerUpdate>();

        await Assert.ThrowsAsync<AnswerGenerationException>(async () =>
        {
            await foreach (var update in answerer.AnswerStreamingAsync("How many days do I have to return items?"))
            {
                updates.Add(update);
            }
        });

        Assert.DoesNotContain(updates, u => u.Completed is not null);
    }

    [Fact]
    public async Task AnswerAsync_EmptyReply_IsAModelDeclinedRefusalNotAnEmptyAnswer()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Text: "   "));
        var answerer = await AnswererAsync(stub);

        var answer = await answerer.AnswerAsync("How many days do I have to return items?");

        Assert.False(answer.Answered);
        Assert.Equal(NoAnswerReason.ModelDeclined, answer.NoAnswerReason);
        Assert.Equal(HybridAnsweringOptions.DefaultNoAnswerText, answer.Text);
    }

    [Fact]
    public async Task AnswerAsync_FailuresThenRecovery_NextCallAnswers()
    {
        await using var stub = new OpenAiStubServer((_, index) => index < 3 ? new StubReply(Status: 500) : new StubReply(Text: "Within 30 days [1]."));
        var answerer = await AnswererAsync(stub);

        await Assert.ThrowsAsync<AnswerGenerationException>(() => answerer.AnswerAsync("How many days do I have to return items?"));
        var answer = await answerer.AnswerAsync("How many days do I have to return items?");

        Assert.True(answer.Answered);
        Assert.Equal(4, stub.Requests.Count);
    }
}

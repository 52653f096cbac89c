using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using HybridAnswer.Tests.Generation;
using Moq;

namespace HybridAnswer.Tests.Hostile;

/// <summary>Issue 23, failure 6: a lone surrogate in a question or tenant is refused at the boundary, in every mode.</summary>
public sealed partial class HostileContentTests
{
    [Theory]
    [InlineData("How long # do returns take?", null, AnswerMode.Rag, "question")]
    [InlineData("How long do returns take?", "acme#", AnswerMode.Rag, "tenant id")]
    [InlineData("How long # do returns take?", null, AnswerMode.FineTuned, "question")]
    public async Task AnswerAsync_LoneSurrogateInQuestionOrTenant_ArgumentExceptionNothingRetrievedOrSent(string question, string? tenant, AnswerMode mode, string what)
    {
        // Attribute arguments are stored as UTF-8, which turns a lone surrogate into U+FFFD: put it in here.
        question = question.Replace("#", "\ud800", StringComparison.Ordinal);
        tenant = tenant?.Replace("#", "\udc00", StringComparison.Ordinal);
        var client = new Mock<IChatClient>();
        var retriever = new FakeRetriever(FakeRetriever.Chunk("returns", "Items can be returned within 30 days.", 0.9));
        var options = new HybridAnsweringOptions { FineTunedModel = "ft:m" };
        var answerer = new HybridAnswerer(retriever, new ChatClientGenerator(client.Object, options.BaseModel, options.FineTunedModel, generation: options.Generation, prompt: options.Prompt), Options.Create(options));

        var e = await Assert.ThrowsAsync<ArgumentException>(() => answerer.AnswerAsync(question, new AnswerOptions { TenantId = tenant, Mode = mode }));

        Assert.Contains($"The {what} has a lone UTF-16 surrogate", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, retriever.Calls);
        client.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;

namespace HybridAnswer.Tests.DependencyInjection;

/// <summary>
/// Chat clients registered under a key (<c>AddKeyedChatClient("chat", ...)</c>, as .NET Aspire does): chosen with
/// <c>UseChatClient(serviceKey)</c> and <c>UseFineTunedModel(modelId, serviceKey)</c>; never silently replaced by the extractive generator.
/// </summary>
public sealed class KeyedChatClientTests
{
    private static readonly ServiceProviderOptions Strict = new() { ValidateScopes = true, ValidateOnBuild = true };

    [Fact]
    public async Task AddHybridAnswering_OnlyAKeyedChatClient_StartupFailsNamingUseChatClientWithTheKey()
    {
        var chat = Client("from the model [1]");
        var services = new ServiceCollection();
        services.AddKeyedChatClient("chat", chat.Object);
        services.AddHybridAnswering();
        await using var provider = services.BuildServiceProvider(Strict);

        var startup = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync());
        Assert.Contains("UseChatClient(serviceKey: \"chat\")", startup.Message, StringComparison.Ordinal);

        // A host that does not validate at start still gets no answer from the extractive generator.
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<HybridAnswerer>());
        chat.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task UseChatClient_ServiceKey_AnswersWithTheKeyedClientAndItsModelId()
    {
        var chat = Client("You can return items within 30 days [1].");
        var services = new ServiceCollection();
        services.AddKeyedChatClient("chat", chat.Object);
        services.AddHybridAnswering().UseChatClient("chat", "gpt-4o-mini");
        await using var provider = services.BuildServiceProvider(Strict);
        await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync();
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync([TestData.Doc("returns", "You can return items within 30 days of delivery.")]);

        var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync("How many days do I have to return items?");

        Assert.StartsWith("You can return items within 30 days", answer.Text, StringComparison.Ordinal);
        Assert.Equal("gpt-4o-mini", answer.ModelId);
        chat.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.Is<ChatOptions?>(o => o!.ModelId == "gpt-4o-mini"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task UseFineTunedModel_ServiceKeyPerModel_EachModeAnswersWithItsOwnKeyedClient()
    {
        var baseChat = Client("base answer [1]");
        var tunedChat = Client("tuned answer [1]");
        var services = new ServiceCollection();
        services.AddKeyedChatClient("base", baseChat.Object);
        services.AddKeyedChatClient("tuned", tunedChat.Object);
        services.AddHybridAnswering(o => o.BaseModel = "base-model")
            .UseChatClient("base")
            .UseFineTunedModel("ft:base-model:acme::1", serviceKey: "tuned");
        await using var provider = services.BuildServiceProvider(Strict);
        await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync();
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync([TestData.Doc("returns", "You can return items within 30 days of delivery.")]);
        var answerer = provider.GetRequiredService<HybridAnswerer>();

        var rag = await answerer.AnswerAsync("How many days do I have to return items?", new AnswerOptions { Mode = AnswerMode.Rag });
        var hybrid = await answerer.AnswerAsync("How many days do I have to return items?", new AnswerOptions { Mode = AnswerMode.Hybrid });
        var tuned = await answerer.AnswerAsync("How many days do I have to return items?", new AnswerOptions { Mode = AnswerMode.FineTuned });

        Assert.StartsWith("base answer", rag.Text, StringComparison.Ordinal);
        Assert.StartsWith("tuned answer", hybrid.Text, StringComparison.Ordinal);
        Assert.StartsWith("tuned answer", tuned.Text, StringComparison.Ordinal);
        baseChat.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.Is<ChatOptions?>(o => o!.ModelId == "base-model"), It.IsAny<CancellationToken>()), Times.Once);
        tunedChat.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.Is<ChatOptions?>(o => o!.ModelId == "ft:base-model:acme::1"), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task AddHybridAnswering_KeyedChatClientBesideAnUnkeyedOne_UsesTheUnkeyedOneWithoutFailing()
    {
        var unkeyed = Client("unkeyed [1]");
        var services = new ServiceCollection();
        services.AddChatClient(unkeyed.Object);
        services.AddKeyedChatClient("other", Client("other [1]").Object);
        services.AddHybridAnswering();
        await using var provider = services.BuildServiceProvider(Strict);
        await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync();
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync([TestData.Doc("returns", "You can return items within 30 days of delivery.")]);

        var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync("How many days do I have to return items?");

        Assert.StartsWith("unkeyed", answer.Text, StringComparison.Ordinal);
    }

    private static Mock<IChatClient> Client(string text)
    {
        var chat = new Mock<IChatClient>();
        chat.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)));
        chat.Setup(c => c.GetService(It.IsAny<Type>(), It.IsAny<object?>())).Returns(null!);
        return chat;
    }
}

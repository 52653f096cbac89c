using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace HybridAnswer.Tests.Generation;

public sealed class HybridAnsweringBuilderModelTests
{
    [Fact]
    public async Task UseBaseAndFineTunedModel_TwoKeyedClientsWithFallback_HybridFallsBackToBase()
    {
        var baseClient = new Mock<IChatClient>();
        baseClient.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Within 30 days [1].")));
        var fineTunedClient = new Mock<IChatClient>();
        fineTunedClient.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("deployment not found"));

        var services = new ServiceCollection();
        services.AddSingleton<IRetriever>(new FakeRetriever(FakeRetriever.Chunk("returns", "Items can be returned within 30 days.", 0.9)));
        services.AddHybridAnswering(o => o.Mode = AnswerMode.Hybrid)
            .UseBaseModel(baseClient.Object, "gpt-4o-mini")
            .UseFineTunedModel("ft:gpt-4o-mini:acme::abc123", fineTunedClient.Object)
            .UseFallbackToBaseModel();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync("How long do I have to return an item?");

        Assert.True(answer.Answered);
        Assert.True(answer.UsedFallback);
        Assert.Equal("gpt-4o-mini", answer.ModelId);
        fineTunedClient.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.Is<ChatOptions?>(o => o!.ModelId == "ft:gpt-4o-mini:acme::abc123"), It.IsAny<CancellationToken>()), Times.Once);
        Assert.IsType<ChatClientGenerator>(provider.GetRequiredService<IGenerator>());
    }

    [Fact]
    public async Task ConfigureResilience_AppliesToGenerationOptions()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering().ConfigureResilience(o =>
        {
            o.MaxRetryAttempts = 7;
            o.Timeout = TimeSpan.FromSeconds(5);
        });
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<HybridAnsweringOptions>>().Value;

        Assert.Equal(7, options.Generation.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Generation.Timeout);
    }
}

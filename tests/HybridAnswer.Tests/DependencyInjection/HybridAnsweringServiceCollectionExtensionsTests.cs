using HybridAnswer.InMemory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;

namespace HybridAnswer.Tests.DependencyInjection;

public sealed class HybridAnsweringServiceCollectionExtensionsTests
{
    /// <summary>
    /// The offline generator ranks and supports sentences with the knowledge base's embedder, the one chosen with
    /// <c>UseEmbeddingGenerator</c> (a keyed registration) — not the unkeyed hashing fallback, which would switch the
    /// meaning-based support off and refuse every question worded differently from the documents.
    /// </summary>
    [Fact]
    public async Task UseEmbeddingGenerator_SemanticEmbedder_ExtractiveGeneratorSupportsByMeaning()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering().UseEmbeddingGenerator(new Mock<IEmbeddingGenerator<string, Embedding<float>>>().Object);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.True(Assert.IsType<ExtractiveGenerator>(provider.GetRequiredService<IGenerator>()).UsesEmbeddings);
    }

    [Fact]
    public async Task AddHybridAnswering_Defaults_ExtractiveGeneratorIsLexical()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.False(Assert.IsType<ExtractiveGenerator>(provider.GetRequiredService<IGenerator>()).UsesEmbeddings);
    }

    [Fact]
    public async Task AddHybridAnswering_Defaults_AnswersFromInMemoryKnowledgeBase()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.IsType<InMemoryKnowledgeBase>(provider.GetRequiredService<IKnowledgeBase>());
        Assert.Same(provider.GetRequiredService<IKnowledgeBase>(), provider.GetRequiredService<IRetriever>());
        Assert.IsType<ExtractiveGenerator>(provider.GetRequiredService<IGenerator>());
        Assert.Same(provider.GetRequiredService<HybridAnswerer>(), provider.GetRequiredService<HybridAnswerer>());

        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync([TestData.Doc("returns", "You can return items within 30 days of delivery.")]);
        var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync("How many days do I have to return items?");
        Assert.True(answer.Answered);
        Assert.Equal("returns", answer.Citations[0].DocumentId);
    }

    [Fact]
    public async Task AddHybridAnswering_BindsConfigurationSection_ThenAppliesDelegate()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HybridAnswering:TopK"] = "7",
            ["HybridAnswering:Mode"] = "Hybrid",
            ["HybridAnswering:FineTunedModel"] = "ft:gpt-4o-mini:acme::abc123",
            ["HybridAnswering:DefaultFilter:status"] = "published",
            ["HybridAnswering:NoAnswerText"] = "Sorry, no idea.",
            ["HybridAnswering:Chunking:TargetSize"] = "800",
            ["HybridAnswering:InMemory:RetrievalKind"] = "Keyword",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHybridAnswering(o => o.NoAnswerText = "Overridden.");
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<HybridAnsweringOptions>>().Value;
        Assert.Equal(7, options.TopK);
        Assert.Equal(AnswerMode.Hybrid, options.Mode);
        Assert.Equal("published", options.DefaultFilter["status"]);
        Assert.Equal("Overridden.", options.NoAnswerText);
        Assert.Equal(800, options.Chunking.TargetSize);
        Assert.Equal(RetrievalKind.Keyword, provider.GetRequiredService<IOptions<InMemoryKnowledgeBaseOptions>>().Value.RetrievalKind);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("1", false)]
    public async Task AddHybridAnswering_ExtractiveSection_SetsTheSupportThreshold(string? minCoverage, bool answered)
    {
        // "wombat" is not in the source: 3 of the 4 content words are covered, which the default threshold (0.6) accepts.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["HybridAnswering:Extractive:MinQuestionCoverage"] = minCoverage,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHybridAnswering();
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync([TestData.Doc("returns", "You can return items within 30 days of delivery.")]);

        var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync("How many days to return items by wombat?");

        Assert.Equal(answered, answer.Answered);
        Assert.Equal(answered ? null : NoAnswerReason.InsufficientSupport, answer.NoAnswerReason);
    }

    [Fact]
    public async Task AddHybridAnswering_ConfigurationReloaded_NextAnswerUsesTheNewTopKMinScoreAndFilter()
    {
        var source = new Dictionary<string, string?> { ["HybridAnswering:TopK"] = "1" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(source).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHybridAnswering();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(
        [
            TestData.Doc("returns", "You can return items within 30 days of delivery.", "published"),
            TestData.Doc("refunds", "Refunds for returned items arrive within 5 days.", "published"),
            TestData.Doc("draft", "Draft: returned items may be exchanged within 60 days.", "draft"),
        ]);
        var answerer = provider.GetRequiredService<HybridAnswerer>();
        const string question = "How many days do I have to return items?";
        Assert.Single((await answerer.AnswerAsync(question, new AnswerOptions { MinScore = -1 })).Sources);

        // What an appsettings.json edit does in a running host: the provider's data changes and the configuration reloads.
        configuration["HybridAnswering:TopK"] = "3";
        configuration["HybridAnswering:MinScore"] = "-1";
        configuration["HybridAnswering:DefaultFilter:status"] = "published";
        configuration.Reload();

        var answer = await answerer.AnswerAsync(question);
        Assert.Equal(["refunds", "returns"], answer.Sources.Select(s => s.DocumentId).Order(StringComparer.Ordinal));
        Assert.Same(answerer, provider.GetRequiredService<HybridAnswerer>());

        // An invalid edit is refused by validation (the reload reports it) and the answerer keeps the last valid options.
        configuration["HybridAnswering:TopK"] = "0";
        Assert.ThrowsAny<Exception>(configuration.Reload);
        Assert.Equal(2, (await answerer.AnswerAsync(question)).Sources.Count);
    }

    [Fact]
    public async Task AddHybridAnswering_InvalidOptions_FailValidationNamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddHybridAnswering(o =>
        {
            o.TopK = 500;
            o.Mode = AnswerMode.FineTuned;
        });
        await using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<HybridAnsweringOptions>>().Value);
        Assert.Contains("HybridAnswering:TopK", e.Message, StringComparison.Ordinal);
        Assert.Contains("HybridAnswering:FineTunedModel", e.Message, StringComparison.Ordinal);

        // ValidateOnStart: hosts run the registered startup validator when they start.
        var startup = provider.GetRequiredService<IAsyncStartupValidator>();
        await Assert.ThrowsAsync<OptionsValidationException>(() => startup.ValidateAsync());
    }

    [Fact]
    public async Task AddHybridAnswering_ChatClientRegistered_GeneratesWithItAndModelIds()
    {
        var chat = new Mock<IChatClient>();
        chat.Setup(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.IsAny<ChatOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ChatResponse(new ChatMessage(ChatRole.Assistant, "30 days [1].")));
        var services = new ServiceCollection().AddSingleton(chat.Object);
        services.AddHybridAnswering(o => o.BaseModel = "base-model").UseFineTunedModel("ft-model");
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync([TestData.Doc("returns", "Return items within 30 days.")]);

        var answerer = provider.GetRequiredService<HybridAnswerer>();
        await answerer.AnswerAsync("return items days");
        await answerer.AnswerAsync("return items days", new AnswerOptions { Mode = AnswerMode.Hybrid });

        Assert.IsType<ChatClientGenerator>(provider.GetRequiredService<IGenerator>());
        chat.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.Is<ChatOptions?>(o => o!.ModelId == "base-model"), It.IsAny<CancellationToken>()), Times.Once);
        chat.Verify(c => c.GetResponseAsync(It.IsAny<IEnumerable<ChatMessage>>(), It.Is<ChatOptions?>(o => o!.ModelId == "ft-model"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AddHybridAnswering_HostRegisteredParts_AreKept()
    {
        var retriever = new Mock<IRetriever>().Object;
        var embedder = new HashingEmbeddingGenerator(32);
        var services = new ServiceCollection()
            .AddSingleton(retriever)
            .AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(embedder);
        services.AddHybridAnswering();
        services.AddHybridAnswering();
        await using var provider = services.BuildServiceProvider();

        Assert.Same(retriever, provider.GetRequiredService<IRetriever>());
        Assert.Same(embedder, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Single(provider.GetServices<IConfigureOptions<HybridAnsweringOptions>>(), c => c.GetType().Name.StartsWith("ConfigurationSectionSetup", StringComparison.Ordinal));
    }
}

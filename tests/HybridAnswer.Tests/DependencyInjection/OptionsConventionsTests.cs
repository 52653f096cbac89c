using HybridAnswer.Agents;
using HybridAnswer.InMemory;
using HybridAnswer.Tests.VectorData;
using HybridAnswer.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;

namespace HybridAnswer.Tests.DependencyInjection;

/// <summary>
/// The options conventions at the seams: every options class that binds configuration carries its <c>SectionName</c>, and an
/// invalid option throws <see cref="OptionsValidationException"/> naming its configuration key wherever it is checked — through
/// the container and when the options are passed to a constructor. (PgVector's and MiniLM's options are proved in their own tests:
/// PgVectorKnowledgeBaseOptionsValidatorTests, MiniLMEmbeddingGeneratorTests.)
/// </summary>
public sealed class OptionsConventionsTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "HybridAnsweringOptions", "HybridAnswering:MinScore" },
        { "ChunkingOptions", "HybridAnswering:Chunking:TargetSize" },
        { "PromptOptions", "HybridAnswering:Prompt:MaxPromptTokens" },
        { "GenerationOptions", "HybridAnswering:Generation:MaxRetryAttempts" },
        { "ExtractiveGeneratorOptions", "HybridAnswering:Extractive:MinQuestionCoverage" },
        { "InMemoryKnowledgeBaseOptions", "HybridAnswering:InMemory:RrfK" },
        { "MaximalMarginalRelevanceOptions", "HybridAnswering:MaximalMarginalRelevance:Lambda" },
        { "HybridAnswerCachingOptions", "HybridAnswering:Caching:AnswerExpiration" },
        { "KnowledgeLoaderOptions", "KnowledgeLoaderOptions:MaxFileBytes" },
        { "VectorDataChunkStoreOptions", "VectorDataChunkStoreOptions:PageSize" },
        { "HybridAnswerContextProviderOptions", "HybridAnswerContextProviderOptions:MaxQueryLength" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task InvalidOption_PassedToItsConstructor_ThrowsOptionsValidationExceptionNamingTheKey(string options, string key)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => CheckAsync(options));

        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HybridAnswering:Chunking:TargetSize", "10")]
    [InlineData("HybridAnswering:Prompt:MaxPromptTokens", "1")]
    [InlineData("HybridAnswering:Generation:MaxRetryAttempts", "-1")]
    [InlineData("HybridAnswering:Extractive:MinQuestionCoverage", "2")]
    [InlineData("HybridAnswering:InMemory:RrfK", "0")]
    public void InvalidOption_FromConfiguration_ThrowsOptionsValidationExceptionNamingTheKey(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHybridAnswering();
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<HybridAnswerer>());

        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SectionNames_AreTheConfigurationPathsTheOptionsBindFrom()
    {
        Assert.Equal("HybridAnswering", HybridAnsweringOptions.SectionName);
        Assert.Equal("HybridAnswering:Chunking", ChunkingOptions.SectionName);
        Assert.Equal("HybridAnswering:Prompt", PromptOptions.SectionName);
        Assert.Equal("HybridAnswering:Generation", GenerationOptions.SectionName);
        Assert.Equal("HybridAnswering:Extractive", ExtractiveGeneratorOptions.SectionName);
        Assert.Equal("HybridAnswering:InMemory", InMemoryKnowledgeBaseOptions.SectionName);
        Assert.Equal("HybridAnswering:MaximalMarginalRelevance", MaximalMarginalRelevanceOptions.SectionName);
        Assert.Equal("HybridAnswering:Caching", HybridAnswerCachingOptions.SectionName);
    }

    private static async Task CheckAsync(string options)
    {
        var embedder = new HashingEmbeddingGenerator(64);
        var chat = new Mock<IChatClient>().Object;
        switch (options)
        {
            case "HybridAnsweringOptions":
                _ = new HybridAnswerer(new Mock<IRetriever>().Object, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions { MinScore = 2 }));
                break;
            case "ChunkingOptions":
                _ = new InMemoryKnowledgeBase(embedder, new ChunkingOptions { TargetSize = 10 });
                break;
            case "PromptOptions":
                _ = new ChatClientGenerator(chat, "gpt-4o-mini", prompt: new PromptOptions { MaxPromptTokens = 1 });
                break;
            case "GenerationOptions":
                _ = new ChatClientGenerator(chat, "gpt-4o-mini", generation: new GenerationOptions { MaxRetryAttempts = -1 });
                break;
            case "ExtractiveGeneratorOptions":
                var answering = new HybridAnsweringOptions();
                answering.Extractive.MinQuestionCoverage = 2;
                _ = new HybridAnswerer(new Mock<IRetriever>().Object, new ExtractiveGenerator(), Options.Create(answering));
                break;
            case "InMemoryKnowledgeBaseOptions":
                _ = new InMemoryKnowledgeBase(embedder, options: new InMemoryKnowledgeBaseOptions { RrfK = 0 });
                break;
            case "MaximalMarginalRelevanceOptions":
                _ = new MaximalMarginalRelevanceRetriever(new Mock<IRetriever>().Object, new MaximalMarginalRelevanceOptions { Lambda = 2 });
                break;
            case "HybridAnswerCachingOptions":
                var services = new ServiceCollection();
                services.AddHybridAnswering().UseCaching(o => o.AnswerExpiration = TimeSpan.Zero);
                await using (var provider = services.BuildServiceProvider())
                {
                    _ = provider.GetRequiredService<IOptions<HybridAnswerCachingOptions>>().Value;
                }

                break;
            case "KnowledgeLoaderOptions":
                _ = await KnowledgeDocumentLoader.ReadDirectoryAsync(Path.GetTempPath(), new KnowledgeLoaderOptions { MaxFileBytes = 0 });
                break;
            case "VectorDataChunkStoreOptions":
                _ = new VectorDataChunkStore(new InProcessVectorCollection(), new VectorDataChunkStoreOptions { PageSize = 0 });
                break;
            case "HybridAnswerContextProviderOptions":
                var answerer = new HybridAnswerer(new Mock<IRetriever>().Object, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));
                _ = new HybridAnswerContextProvider(answerer, new HybridAnswerContextProviderOptions { MaxQueryLength = 0 });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options, "No case for these options.");
        }
    }
}

using HybridAnswer.InMemory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Tests.InMemory;

public sealed class InMemoryKnowledgeBaseOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(new InMemoryKnowledgeBaseOptionsValidator().Validate(Options.DefaultName, new InMemoryKnowledgeBaseOptions()).Succeeded);
    }

    [Fact]
    public void Validate_OutOfRangeAndUnknownEnum_NameTheConfigurationKeys()
    {
        var result = new InMemoryKnowledgeBaseOptionsValidator().Validate(
            Options.DefaultName,
            new InMemoryKnowledgeBaseOptions { EmbeddingBatchSize = 5000, RetrievalKind = (RetrievalKind)9 });

        Assert.Equal(
            [
                "HybridAnswering:InMemory:EmbeddingBatchSize must be between 1 and 2048 (was 5000).",
                $"HybridAnswering:InMemory:RetrievalKind must be one of {string.Join(", ", Enum.GetNames<RetrievalKind>())} (was 9).",
            ],
            result.Failures);
    }

    [Fact]
    public async Task AddHybridAnswering_BadConfigurationValue_StartupFailureNamesTheConfigurationKey()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["HybridAnswering:InMemory:RrfK"] = "0" })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddHybridAnswering();
        await using var provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync());

        Assert.Equal("HybridAnswering:InMemory:RrfK must be between 1 and 1000 (was 0).", Assert.Single(error.Failures));
    }
}

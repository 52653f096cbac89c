using System.ClientModel;
using HybridAnswer.Agents;
using HybridAnswer.Evaluation;
using HybridAnswer.FineTuning;
using HybridAnswer.InMemory;
using HybridAnswer.Tests.VectorData;
using HybridAnswer.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using OpenAI;

namespace HybridAnswer.Tests.DependencyInjection;

/// <summary>
/// The options conventions at the seams: every options class that binds configuration carries its <c>SectionName</c>, and an
/// invalid option throws <see cref="OptionsValidationException"/> naming its configuration key wherever it is checked — through
/// the container and when the options are passed to a constructor. (PgVector's and MiniLM's options are proved in their own tests:
/// PgVectorKnowledgeBaseOptionsValidatorTests, MiniLMEmbeddingGeneratorTests.) The decision framework's five options classes are
/// checked the same way by the tool that takes them.
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
        { "EvaluationOptions", "HybridAnswering:Evaluation:TopK" },
        { "EvaluationOptions (calibration)", "HybridAnswering:Evaluation:TopK" },
        { "ModeComparisonOptions", "HybridAnswering:ModeComparison:Modes" },
        { "FineTuningValidationOptions", "HybridAnswering:FineTuning:Validation:ValidationFraction" },
        { "TrainingDataHarvestOptions", "HybridAnswering:FineTuning:Harvest:NoAnswerText" },
        { "FineTuningJobRunnerOptions", "HybridAnswering:FineTuning:Jobs:PollInterval" },
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

    /// <summary>
    /// The decision framework's options are passed in code, but bind from their section like the others; a bad bound value
    /// fails where the tool checks it, naming the key it was read from.
    /// </summary>
    [Theory]
    [InlineData("EvaluationOptions", "HybridAnswering:Evaluation:TopK", "101")]
    [InlineData("ModeComparisonOptions", "HybridAnswering:ModeComparison:QualityTolerance", "2")]
    [InlineData("FineTuningValidationOptions", "HybridAnswering:FineTuning:Validation:Epochs", "51")]
    [InlineData("TrainingDataHarvestOptions", "HybridAnswering:FineTuning:Harvest:SystemPrompt", " ")]
    [InlineData("FineTuningJobRunnerOptions", "HybridAnswering:FineTuning:Jobs:PollInterval", "-00:00:01")]
    public async Task DecisionFrameworkOption_BoundFromItsSection_ThrowsOptionsValidationExceptionNamingTheKey(string options, string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        Task check = options switch
        {
            "EvaluationOptions" => CalibrateAsync(Bind<EvaluationOptions>(configuration, EvaluationOptions.SectionName)),
            "ModeComparisonOptions" => CompareAsync(Bind<ModeComparisonOptions>(configuration, ModeComparisonOptions.SectionName)),
            "FineTuningValidationOptions" => Task.Run(() => new FineTuningValidator(Bind<FineTuningValidationOptions>(configuration, FineTuningValidationOptions.SectionName))),
            "TrainingDataHarvestOptions" => Task.Run(() => new TrainingDataHarvester(Bind<TrainingDataHarvestOptions>(configuration, TrainingDataHarvestOptions.SectionName))),
            "FineTuningJobRunnerOptions" => Task.Run(() => new FineTuningJobRunner(OpenAi(), Bind<FineTuningJobRunnerOptions>(configuration, FineTuningJobRunnerOptions.SectionName))),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options, "No case for these options."),
        };

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => check);

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
        Assert.Equal("HybridAnswering:Evaluation", EvaluationOptions.SectionName);
        Assert.Equal("HybridAnswering:ModeComparison", ModeComparisonOptions.SectionName);
        Assert.Equal("HybridAnswering:FineTuning:Validation", FineTuningValidationOptions.SectionName);
        Assert.Equal("HybridAnswering:FineTuning:Harvest", TrainingDataHarvestOptions.SectionName);
        Assert.Equal("HybridAnswering:FineTuning:Jobs", FineTuningJobRunnerOptions.SectionName);
    }

    // A section with one key binds (init-only properties included); the others keep their defaults.
    private static TOptions Bind<TOptions>(IConfiguration configuration, string section)
        where TOptions : class =>
        configuration.GetSection(section).Get<TOptions>() ?? throw new InvalidOperationException($"Nothing bound from {section}.");

    private static HybridAnswerer Answerer() =>
        new(new Mock<IRetriever>().Object, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));

    private static Task CalibrateAsync(EvaluationOptions options) =>
        RefusalCalibrator.CalibrateAsync([new EvaluationQuestion { Question = "Q?" }], new Mock<IRetriever>().Object, new ExtractiveGenerator(), options);

    private static Task CompareAsync(ModeComparisonOptions options) =>
        new ModeComparer(Answerer()).CompareAsync([new EvaluationQuestion { Question = "Q?" }], options);

    private static OpenAIClient OpenAi() =>
        new(new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = new Uri("http://127.0.0.1:9/v1") });

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
            case "EvaluationOptions":
                _ = await new Evaluator(Answerer()).EvaluateAsync([new EvaluationQuestion { Question = "Q?" }], new EvaluationOptions { TopK = 0 });
                break;
            case "EvaluationOptions (calibration)":
                await CalibrateAsync(new EvaluationOptions { TopK = RetrievalRequest.MaxTopK + 1 });
                break;
            case "ModeComparisonOptions":
                await CompareAsync(new ModeComparisonOptions { Modes = [] });
                break;
            case "FineTuningValidationOptions":
                _ = new FineTuningValidator(new FineTuningValidationOptions { ValidationFraction = 0.9 });
                break;
            case "TrainingDataHarvestOptions":
                _ = new TrainingDataHarvester(new TrainingDataHarvestOptions { NoAnswerText = "" });
                break;
            case "FineTuningJobRunnerOptions":
                _ = new FineTuningJobRunner(OpenAi(), new FineTuningJobRunnerOptions { PollInterval = TimeSpan.Zero });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options, "No case for these options.");
        }
    }
}

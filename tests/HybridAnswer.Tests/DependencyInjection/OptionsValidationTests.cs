using Microsoft.Extensions.Options;

namespace HybridAnswer.Tests.DependencyInjection;

public sealed class OptionsValidationTests
{
    [Fact]
    public void HybridAnsweringOptions_TimeSpanAndDecimalBounds_AreWrittenPlainly()
    {
        var options = new HybridAnsweringOptions();
        options.Generation.Timeout = TimeSpan.FromDays(2);
        options.Pricing.EmbeddingUsdPerQuery = -1m;

        var failures = new HybridAnsweringOptionsValidator().Validate(Options.DefaultName, options).Failures ?? [];

        // RangeAttribute converts its string bounds to the operand type on first use: TimeSpans in the constant ("c") format.
        Assert.Contains("HybridAnswering:Generation:Timeout must be between 00:00:00.0100000 and 1.00:00:00 (was 2.00:00:00).", failures);
        Assert.Contains("HybridAnswering:Pricing:EmbeddingUsdPerQuery must be between 0 and 1000 (was -1).", failures);
    }

    [Fact]
    public void MaximalMarginalRelevanceOptions_OutOfRange_NamesTheConfigurationKey()
    {
        var result = new MaximalMarginalRelevanceOptionsValidator().Validate(Options.DefaultName, new MaximalMarginalRelevanceOptions { Lambda = 1.5 });

        Assert.Equal("HybridAnswering:MaximalMarginalRelevance:Lambda must be between 0 and 1 (was 1.5).", Assert.Single(result.Failures!));
    }

    [Fact]
    public void ExtractiveGeneratorOptions_OutOfRange_NamesTheConfigurationKey()
    {
        var options = new HybridAnsweringOptions();
        options.Extractive.MinQuestionCoverage = 1.5;
        options.Extractive.MinSentenceSimilarity = -2;

        var failures = new HybridAnsweringOptionsValidator().Validate(Options.DefaultName, options).Failures ?? [];

        Assert.Contains("HybridAnswering:Extractive:MinQuestionCoverage must be between 0 and 1 (was 1.5).", failures);
        Assert.Contains("HybridAnswering:Extractive:MinSentenceSimilarity must be between -1 and 1 (was -2).", failures);
    }
}

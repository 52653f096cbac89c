namespace HybridAnswer.Tests.Pricing;

public sealed class ModelPriceTableTests
{
    private static ModelPriceTable Table()
    {
        var table = new ModelPriceTable { EmbeddingUsdPerQuery = 0.001m, SearchUsdPerQuery = 0.002m };
        table.Models["gpt-4o-mini"] = new ModelPrice { InputUsdPerMillionTokens = 150m, OutputUsdPerMillionTokens = 600m };
        return table;
    }

    [Fact]
    public void Compute_PricedModel_InputOutputPerMillionPlusRetrieval() =>
        Assert.Equal(0.3m + 0.3m + 0.003m, Table().Compute("GPT-4O-MINI", new TokenUsage { InputTokens = 2000, OutputTokens = 500 }, retrieved: true));

    [Fact]
    public void Compute_NoRetrieval_OnlyTheModel() =>
        Assert.Equal(0.6m, Table().Compute("gpt-4o-mini", new TokenUsage { InputTokens = 2000, OutputTokens = 500 }, retrieved: false));

    [Fact]
    public void Compute_CachedInputTokens_PricedAtTheCachedPriceWhenGiven()
    {
        var table = Table();
        var usage = new TokenUsage { InputTokens = 2000, CachedInputTokens = 1500, OutputTokens = 500 };

        // Without a cached price the cached tokens are ordinary input.
        Assert.Equal(0.6m, table.Compute("gpt-4o-mini", usage, retrieved: false));

        // 500 uncached at $150, 1,500 cached at $75, 500 out at $600 per million.
        table.Models["gpt-4o-mini"].CachedInputUsdPerMillionTokens = 75m;
        Assert.Equal(0.075m + 0.1125m + 0.3m, table.Compute("gpt-4o-mini", usage, retrieved: false));

        // A provider reporting more cached tokens than input tokens cannot make the input cost negative.
        Assert.Equal(0.15m + 0.3m, table.Compute("gpt-4o-mini", usage with { CachedInputTokens = 5000 }, retrieved: false));
    }

    [Fact]
    public void Compute_UnknownModel_Null() =>
        Assert.Null(Table().Compute("ft:gpt-4o-mini:acme::abc123", new TokenUsage { InputTokens = 2000, OutputTokens = 500 }, retrieved: true));

    [Fact]
    public void Compute_UnknownTokenCounts_Null() =>
        Assert.Null(Table().Compute("gpt-4o-mini", new TokenUsage { InputTokens = null, OutputTokens = 500 }, retrieved: true));

    [Fact]
    public void Compute_NoModelCall_RetrievalOnly() =>
        Assert.Equal(0.003m, Table().Compute(null, null, retrieved: true));

    [Fact]
    public void Compute_ExtractiveGenerator_FreeByDefault() =>
        Assert.Equal(0m, new ModelPriceTable().Compute(ExtractiveGenerator.ModelId, null, retrieved: true));

    [Fact]
    public void Validate_NegativePriceAndStarvedBudget_FailWithOptionNames()
    {
        var options = new HybridAnsweringOptions();
        options.Pricing.Models["m"] = new ModelPrice { InputUsdPerMillionTokens = -1m };
        options.Prompt.MaxPromptTokens = 1000;
        options.Prompt.MaxAnswerTokens = 900;

        var result = new HybridAnsweringOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures, f => f.Contains("HybridAnswering:Pricing:Models:m:InputUsdPerMillionTokens", StringComparison.Ordinal));
        Assert.Contains(result.Failures, f => f.Contains("HybridAnswering:Prompt:MaxAnswerTokens", StringComparison.Ordinal));
    }
}

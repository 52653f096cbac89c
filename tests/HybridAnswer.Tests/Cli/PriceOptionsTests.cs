using HybridAnswer.Cli;

namespace HybridAnswer.Tests.Cli;

/// <summary>The usage errors of <c>ask --price</c> and <c>--prices</c>: exit code 2, the option named, nothing answered.</summary>
public sealed class PriceOptionsTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("hybrid-answer-prices-");

    public void Dispose() => _work.Delete(recursive: true);

    [Theory]
    [InlineData("gpt-4o-mini", "is not MODEL=INPUT/OUTPUT")]
    [InlineData("gpt-4o-mini=0.15", "is not MODEL=INPUT/OUTPUT")]
    [InlineData("gpt-4o-mini=0.15/0.6/0.075/1", "is not MODEL=INPUT/OUTPUT[/CACHED]")]
    [InlineData("gpt-4o-mini=0.15/0.6/x", "the cached input price 'x' is not a number")]
    [InlineData("gpt-4o-mini=0.15/0.6/-1", "the cached input price must not be negative (was -1)")]
    [InlineData("=0.15/0.60", "is not MODEL=INPUT/OUTPUT")]
    [InlineData("gpt-4o-mini=abc/0.60", "the input price 'abc' is not a number")]
    [InlineData("gpt-4o-mini=0,15/0.60", "the input price '0,15' is not a number")]
    [InlineData("gpt-4o-mini=0.15/", "the output price '' is not a number")]
    [InlineData("gpt-4o-mini=-0.15/0.60", "the input price must not be negative (was -0.15)")]
    [InlineData("gpt-4o-mini=0.15/-1", "the output price must not be negative (was -1)")]
    [InlineData("gpt-4o-mini=2000000/1", "the input price must be at most 1,000,000 US dollars per million tokens")]
    public async Task Ask_MalformedPrice_UsageErrorNamingTheOption(string value, string expected)
    {
        var (exit, output, error) = await CliRun.RunAsync("ask", "How many days do I have to return an item?", "--price", value);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"--price '{value}'", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task Ask_SameModelPricedTwice_UsageError()
    {
        var (exit, output, error) = await CliRun.RunAsync("ask", "How many days do I have to return an item?", "--price", "gpt-4o-mini=0.15/0.60", "--price", "GPT-4o-mini=0.2/0.8");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--price: the model 'GPT-4o-mini' is priced twice", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Theory]
    [InlineData("ft:gpt-4o-mini:acme::abc123=0.3/1.2", "ft:gpt-4o-mini:acme::abc123", "0.3", "1.2")]
    [InlineData("meta-llama/Llama-3.1-8B=0/0", "meta-llama/Llama-3.1-8B", "0", "0")]
    [InlineData(" gpt-4o-mini = 0.15 / 6e-1 ", "gpt-4o-mini", "0.15", "0.6")]
    public void ParsePrice_ModelIdsWithColonsAndSlashes_SplitAtTheLastEquals(string value, string model, string input, string output)
    {
        var (parsedModel, price, error) = PriceOptions.ParsePrice(value);

        Assert.Null(error);
        Assert.Equal(model, parsedModel);
        Assert.Equal(decimal.Parse(input, System.Globalization.CultureInfo.InvariantCulture), price!.InputUsdPerMillionTokens);
        Assert.Equal(decimal.Parse(output, System.Globalization.CultureInfo.InvariantCulture), price.OutputUsdPerMillionTokens);
    }

    [Theory]
    [InlineData("gpt-4o-mini=0.15/0.60/0.075", "0.075")]
    [InlineData("gpt-4o-mini=0.15/0.60", null)]
    public void ParsePrice_OptionalThirdAmount_IsTheCachedInputPrice(string value, string? cached)
    {
        var (_, price, error) = PriceOptions.ParsePrice(value);

        Assert.Null(error);
        Assert.Equal(cached is null ? null : decimal.Parse(cached, System.Globalization.CultureInfo.InvariantCulture), price!.CachedInputUsdPerMillionTokens);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("[]", "expected a JSON object")]
    [InlineData("""{ "model": {} }""", "unknown property \"model\"")]
    [InlineData("""{ "models": { "gpt-4o-mini": { "inputUsdPerMillionTokens": -1, "outputUsdPerMillionTokens": 1 } } }""", "models.gpt-4o-mini.inputUsdPerMillionTokens must be between 0 and 1,000,000 US dollars (was -1)")]
    [InlineData("""{ "models": { "gpt-4o-mini": { "inputUsdPerMillionTokens": "0.15", "outputUsdPerMillionTokens": 1 } } }""", "models.gpt-4o-mini.inputUsdPerMillionTokens must be a number (was \"0.15\")")]
    [InlineData("""{ "models": { "gpt-4o-mini": { "inputUsdPerMillionTokens": 0.15 } } }""", "models.gpt-4o-mini needs both")]
    [InlineData("""{ "models": { "gpt-4o-mini": { "input": 0.15, "outputUsdPerMillionTokens": 1 } } }""", "models.gpt-4o-mini: unknown property \"input\"")]
    [InlineData("""{ "models": { "gpt-4o-mini": { "inputUsdPerMillionTokens": 1, "outputUsdPerMillionTokens": 1, "cachedInputUsdPerMillionTokens": -2 } } }""", "models.gpt-4o-mini.cachedInputUsdPerMillionTokens must be between 0 and 1,000,000 US dollars (was -2)")]
    [InlineData("""{ "models": { "gpt-4o-mini": { "inputUsdPerMillionTokens": 1, "outputUsdPerMillionTokens": 1 }, "GPT-4O-MINI": { "inputUsdPerMillionTokens": 2, "outputUsdPerMillionTokens": 2 } } }""", "the model 'GPT-4O-MINI' is priced twice")]
    [InlineData("""{ "embeddingUsdPerQuery": 5000 }""", "embeddingUsdPerQuery must be between 0 and 1,000 US dollars (was 5000)")]
    public async Task Ask_MalformedPricesFile_UsageErrorNamingTheOptionAndThePath(string json, string expected)
    {
        var file = Path.Combine(_work.FullName, "prices.json");
        await File.WriteAllTextAsync(file, json);

        var (exit, output, error) = await CliRun.RunAsync("ask", "How many days do I have to return an item?", "--embedder", "hashing", "--prices", file);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--prices 'prices.json'", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task Ask_MissingPricesFile_UsageError()
    {
        var (exit, _, error) = await CliRun.RunAsync("ask", "How many days do I have to return an item?", "--embedder", "hashing", "--prices", Path.Combine(_work.FullName, "missing.json"));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--prices: the file", error, StringComparison.Ordinal);
        Assert.Contains("missing.json' does not exist", error, StringComparison.Ordinal);
    }
}

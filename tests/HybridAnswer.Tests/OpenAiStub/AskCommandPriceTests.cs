using System.Text.Json;
using HybridAnswer.Cli;

namespace HybridAnswer.Tests.OpenAiStub;

/// <summary><c>ask --price</c> / <c>--prices</c> against the local OpenAI-compatible stub: costUsd from the server's token counts, read back by <c>costs --measured</c>.</summary>
public sealed class AskCommandPriceTests : IDisposable
{
    private const string Question = "How many days do I have to return items for a refund?";

    // 210 prompt tokens at $0.15 and 12 completion tokens at $0.60 per million: (31.5 + 7.2) / 1e6.
    private const decimal ExpectedCost = 0.0000387m;

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("hybrid-answer-price-");

    public AskCommandPriceTests()
    {
        File.WriteAllText(Path.Combine(_work.FullName, "returns.md"), "# Returns\n\nItems can be returned within 30 days of delivery for a full refund. Return shipping is free.\n");
    }

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Ask_Price_FillsCostUsdFromTheServersTokenCounts()
    {
        await using var stub = Stub();

        var (code, output, error) = await AskAsync(stub, "--json", "--price", "gpt-4o-mini=0.15/0.60");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(ExpectedCost, json.RootElement.GetProperty("costUsd").GetDecimal());
        Assert.Equal(string.Empty, error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ask_CachedInputTokens_PricedAtTheCachedPrice(bool pricesFile)
    {
        // 210 prompt tokens of which 160 were read from the provider's cache, 12 completion tokens.
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Text: "You have 30 days to return items [1].", PromptTokens: 210, CompletionTokens: 12, CachedTokens: 160));
        string[] price = pricesFile
            ? ["--prices", WritePrices("""{ "models": { "gpt-4o-mini": { "inputUsdPerMillionTokens": 0.15, "outputUsdPerMillionTokens": 0.60, "cachedInputUsdPerMillionTokens": 0.075 } } }""")]
            : ["--price", "gpt-4o-mini=0.15/0.60/0.075"];

        var (code, output, error) = await AskAsync(stub, ["--json", .. price]);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(160, json.RootElement.GetProperty("usage").GetProperty("cachedInputTokens").GetInt64());
        Assert.Equal(((210 - 160) * 0.15m + 160 * 0.075m + 12 * 0.60m) / 1_000_000m, json.RootElement.GetProperty("costUsd").GetDecimal());

        // Without a cached price, cached tokens cost the input price: the same as a provider that reports no cache.
        (code, output, error) = await AskAsync(stub, "--json", "--price", "gpt-4o-mini=0.15/0.60");
        Assert.True(code == 0, error);
        using var plain = JsonDocument.Parse(output);
        Assert.Equal(ExpectedCost, plain.RootElement.GetProperty("costUsd").GetDecimal());
    }

    [Fact]
    public async Task AskStream_CachedInputTokens_ReadFromTheLastEventAndPricedApart()
    {
        await using var stub = new OpenAiStubServer((_, _) => new StubReply(Text: "You have 30 days to return items [1].", PromptTokens: 210, CompletionTokens: 12, CachedTokens: 160));

        var (code, output, error) = await AskAsync(stub, "--stream", "--price", "gpt-4o-mini=10/20/5");

        // 50 uncached at $10, 160 cached at $5, 12 out at $20 per million: $0.00154.
        Assert.True(code == 0, error);
        Assert.Contains("cost $0.00154;", output, StringComparison.Ordinal);
        Assert.Contains("tokens 210 in (160 cached), 12 out", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_WithoutPrice_CostUsdIsNullNotZero()
    {
        await using var stub = Stub();

        var (code, output, error) = await AskAsync(stub, "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("costUsd").ValueKind);
    }

    [Fact]
    public async Task Ask_PricesFile_FillsCostUsdWithPerQueryPrices()
    {
        await using var stub = Stub();
        var prices = WritePrices("""
            {
              "models": { "GPT-4o-mini": { "inputUsdPerMillionTokens": 0.15, "outputUsdPerMillionTokens": 0.60 } },
              "embeddingUsdPerQuery": 0.000002,
              "searchUsdPerQuery": 0.000001
            }
            """);

        var (code, output, error) = await AskAsync(stub, "--json", "--prices", prices);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(ExpectedCost + 0.000003m, json.RootElement.GetProperty("costUsd").GetDecimal());
    }

    [Fact]
    public async Task Ask_PriceAndPricesFileForOneModel_ThePriceOptionWins()
    {
        await using var stub = Stub();
        var prices = WritePrices("""{ "models": { "gpt-4o-mini": { "inputUsdPerMillionTokens": 100, "outputUsdPerMillionTokens": 100 } } }""");

        var (code, output, error) = await AskAsync(stub, "--json", "--prices", prices, "--price", "gpt-4o-mini=0.15/0.60");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(ExpectedCost, json.RootElement.GetProperty("costUsd").GetDecimal());
    }

    [Fact]
    public async Task Ask_PriceForAnotherModel_WarnsOnStderrAndKeepsTheJsonClean()
    {
        await using var stub = Stub();

        var (code, output, error) = await AskAsync(stub, "--json", "--price", "gpt-4o=2.5/10");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("costUsd").ValueKind);
        Assert.Contains("warning: costUsd is unknown: no price for the model 'gpt-4o-mini' (add --price gpt-4o-mini=INPUT/OUTPUT)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CostsMeasured_ReadsTheCostOfPricedAskOutputs()
    {
        await using var stub = Stub();
        var answers = Path.Combine(_work.FullName, "answers.jsonl");
        for (var i = 0; i < 2; i++)
        {
            var (code, output, error) = await AskAsync(stub, "--json", "--price", "gpt-4o-mini=0.15/0.60");
            Assert.True(code == 0, error);
            await File.AppendAllTextAsync(answers, output);
        }

        var (costsCode, costs, costsError) = await RunAsync("costs", "--queries-per-day", "1000", "--measured", answers, "--json");

        Assert.True(costsCode == 0, costsError);
        using var json = JsonDocument.Parse(costs);
        var rag = Assert.Single(json.RootElement.GetProperty("projections").EnumerateArray());
        Assert.Equal("Rag", rag.GetProperty("mode").GetString());
        Assert.Equal(2, rag.GetProperty("measuredAnswers").GetInt32());
        Assert.Equal(ExpectedCost, rag.GetProperty("perQueryUsd").GetDecimal());
        Assert.Equal(Math.Round(ExpectedCost * 1000 * 30, 2), rag.GetProperty("monthlyUsd").GetDecimal());
    }

    private static OpenAiStubServer Stub() => new((_, _) => new StubReply(Text: "You have 30 days to return items [1].", PromptTokens: 210, CompletionTokens: 12));

    private string WritePrices(string json)
    {
        var path = Path.Combine(_work.FullName, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    private Task<(int Code, string Output, string Error)> AskAsync(OpenAiStubServer stub, params string[] more) =>
        RunAsync(["ask", Question, "--docs", _work.FullName, "--embedder", "hashing", "--endpoint", stub.Endpoint.ToString(), "--api-key", "k", .. more]);

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}

using System.Text.Json;
using HybridAnswer.InMemory;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Tests.Functions;

public sealed class HybridAnswererFunctionExtensionsTests
{
    private static async Task<HybridAnswerer> AnswererAsync()
    {
        var kb = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator(), options: new InMemoryKnowledgeBaseOptions { MultiTenant = true });
        await kb.UpsertAsync(
        [
            TestData.Doc("returns", "You can return most items within 30 days of delivery for a full refund.", "published", tenant: "acme"),
            TestData.Doc("returns-draft", "You can return most items within 60 days of delivery for a full refund.", "draft", tenant: "acme"),
            TestData.Doc("returns-globex", "You can return most items within 90 days of delivery for a full refund.", "published", tenant: "globex"),
        ]);
        return new HybridAnswerer(kb, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));
    }

    private static readonly AnswerOptions Acme = new() { TenantId = "acme", Filter = new Dictionary<string, string> { ["status"] = "published" } };

    /// <summary>A model that calls the function once with these arguments, then replies with what the function returned.</summary>
    private static ScriptedChatClient CallingModel(string functionName, Dictionary<string, object?> arguments) => new(
        (_, options) =>
        {
            Assert.Contains(options!.Tools!, t => t.Name == functionName);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", functionName, arguments)]));
        },
        (messages, _) =>
        {
            var result = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single(r => r.CallId == "call-1");
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, JsonSerializer.Serialize(result.Result)));
        });

    [Fact]
    public async Task AsAIFunction_CalledThroughFunctionInvokingChatClient_ReturnsNumberedSourcesOfTheBoundTenantAndFilter()
    {
        var function = (await AnswererAsync()).AsAIFunction(options: Acme);
        var model = CallingModel(function.Name, new() { ["question"] = "How many days do I have to return an item?" });
        using var client = new FunctionInvokingChatClient(model);

        var response = await client.GetResponseAsync("Can I still return my order?", new ChatOptions { Tools = [function] });

        var result = JsonDocument.Parse(response.Text).RootElement;
        Assert.True(result.GetProperty("answered").GetBoolean());
        Assert.Contains("30 days", result.GetProperty("answer").GetString(), StringComparison.Ordinal);
        var sources = result.GetProperty("sources").EnumerateArray().ToList();
        Assert.NotEmpty(sources);
        Assert.Equal(Enumerable.Range(1, sources.Count), sources.Select(s => s.GetProperty("number").GetInt32()));
        Assert.All(sources, s => Assert.Equal("returns", s.GetProperty("documentId").GetString()));
        Assert.Contains("30 days", sources[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("returns", sources[0].GetProperty("title").GetString());
        Assert.Contains("[1]", result.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, model.Requests.Count);
    }

    [Fact]
    public async Task AsAIFunction_ModelPassesTenantAndFilter_TheyAreIgnoredAndOnlyQuestionIsInTheSchema()
    {
        var function = (await AnswererAsync()).AsAIFunction(options: Acme);
        var properties = function.JsonSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["question"], properties);

        var model = CallingModel(function.Name, new() { ["question"] = "How many days do I have to return an item?", ["tenantId"] = "globex", ["filter"] = "status=draft" });
        using var client = new FunctionInvokingChatClient(model);
        var response = await client.GetResponseAsync("returns?", new ChatOptions { Tools = [function] });

        Assert.DoesNotContain("90 days", response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("60 days", response.Text, StringComparison.Ordinal);
        Assert.Contains("30 days", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsAIFunction_NothingRelevant_ReturnsTheRefusalWithItsReason()
    {
        var function = (await AnswererAsync()).AsAIFunction(options: Acme);

        var result = (JsonElement)(await function.InvokeAsync(new AIFunctionArguments { ["question"] = "Which telescope lens suits astrophotography?" }))!;

        Assert.False(result.GetProperty("answered").GetBoolean());
        Assert.Equal(nameof(NoAnswerReason.NoRelevantSources), result.GetProperty("reason").GetString());
        Assert.Equal(HybridAnsweringOptions.DefaultNoAnswerText, result.GetProperty("message").GetString());
        Assert.False(string.IsNullOrWhiteSpace(result.GetProperty("explanation").GetString()));
        Assert.False(result.TryGetProperty("answer", out _));
    }

    [Fact]
    public async Task AsAIFunction_FilterThatMatchesNothing_ReportsFilterMatchedNothing()
    {
        var function = (await AnswererAsync()).AsAIFunction(options: Acme with { Filter = new Dictionary<string, string> { ["status"] = "archived" } });

        var result = (JsonElement)(await function.InvokeAsync(new AIFunctionArguments { ["question"] = "How many days do I have to return an item?" }))!;

        Assert.Equal(nameof(NoAnswerReason.FilterMatchedNothing), result.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AsAIFunction_HostChangesItsFilterAfterCreating_FunctionKeepsTheBoundOne()
    {
        var filter = new Dictionary<string, string> { ["status"] = "published" };
        var function = (await AnswererAsync()).AsAIFunction(options: new AnswerOptions { TenantId = "acme", Filter = filter });
        filter["status"] = "draft";

        var result = (JsonElement)(await function.InvokeAsync(new AIFunctionArguments { ["question"] = "How many days do I have to return an item?" }))!;

        Assert.All(result.GetProperty("sources").EnumerateArray(), s => Assert.Equal("returns", s.GetProperty("documentId").GetString()));
    }

    [Fact]
    public async Task AsAIFunction_NameAndDescription_DefaultsAndOverrides()
    {
        var answerer = await AnswererAsync();

        var defaults = answerer.AsAIFunction();
        var named = answerer.AsAIFunction("ask_docs", "Asks the product documentation.");

        Assert.Equal(HybridAnswererFunctionExtensions.DefaultName, defaults.Name);
        Assert.Equal(HybridAnswererFunctionExtensions.DefaultDescription, defaults.Description);
        Assert.Equal("ask_docs", named.Name);
        Assert.Equal("Asks the product documentation.", named.Description);
        Assert.Throws<ArgumentException>(() => answerer.AsAIFunction(name: " "));
        Assert.Throws<ArgumentNullException>(() => ((HybridAnswerer)null!).AsAIFunction());
    }

    [Fact]
    public async Task AsAIFunction_EmptyQuestionFromTheModel_IsReportedToTheModelAsAnError()
    {
        var function = (await AnswererAsync()).AsAIFunction(options: Acme);
        var model = CallingModel(function.Name, new() { ["question"] = "   " });
        using var client = new FunctionInvokingChatClient(model) { IncludeDetailedErrors = true };

        var response = await client.GetResponseAsync("?", new ChatOptions { Tools = [function] });

        Assert.Contains("question", response.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("empty", response.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RetrieveAsync_BoundTenant_ReturnsThePromptSourcesWithoutGenerating()
    {
        var answerer = await AnswererAsync();

        var sources = await answerer.RetrieveAsync("How many days do I have to return an item?", Acme);

        Assert.NotEmpty(sources);
        Assert.All(sources, s => Assert.Equal("returns", s.DocumentId));
        Assert.Empty(await answerer.RetrieveAsync("Which telescope lens suits astrophotography?", Acme));
        await Assert.ThrowsAsync<ArgumentException>(() => answerer.RetrieveAsync(" ", Acme));
    }

    [Fact]
    public void NumberedSources_FormatAndCite_RoundTripTheNumbers()
    {
        RetrievedChunk[] sources =
        [
            new() { ChunkId = "a#0", DocumentId = "a", Ordinal = 0, Title = "A <b>", Content = "First </sources> [2] text.", Score = 0.9 },
            new() { ChunkId = "b#0", DocumentId = "b", Ordinal = 0, Title = "B", Content = "Second.", Score = 0.8 },
        ];

        var block = NumberedSources.Format(sources);
        var citations = NumberedSources.Cite("See [2] and [1, 2] and [7].", sources);

        Assert.StartsWith("<sources>", block, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(block, "</sources>"));
        Assert.Contains("<source id=\"2\" title=\"B\">", block, StringComparison.Ordinal);
        Assert.Equal(["b", "a"], citations.Select(c => c.DocumentId));
        Assert.Equal([2, 1], citations.Select(c => c.Index));

        static int CountOf(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;
    }
}

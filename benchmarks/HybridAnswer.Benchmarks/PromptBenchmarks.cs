using BenchmarkDotNet.Attributes;
using HybridAnswer.InMemory;

namespace HybridAnswer.Benchmarks;

/// <summary>
/// Building the chat prompt from a question and its top-5 sources from the sample knowledge base: the messages alone, the
/// o200k token count of the result, and packing the sources into the default token budget (what the generator does per answer).
/// </summary>
[MemoryDiagnoser]
public class PromptBenchmarks
{
    private readonly PromptOptions _options = new();
    private GenerationRequest _request = null!;
    private List<Microsoft.Extensions.AI.ChatMessage> _messages = null!;

    [GlobalSetup]
    public void Setup()
    {
        var knowledge = new InMemoryKnowledgeBase(new HashingEmbeddingGenerator());
        knowledge.UpsertAsync(SampleKnowledge.Documents).GetAwaiter().GetResult();
        const string question = "How long do I have to return a kettle I bought three weeks ago?";
        var sources = knowledge.RetrieveAsync(new RetrievalRequest(question) { TopK = 5 }).GetAwaiter().GetResult();
        if (sources.Count != 5)
        {
            throw new InvalidOperationException($"Expected 5 sources, got {sources.Count}.");
        }

        _request = new GenerationRequest
        {
            Question = question,
            Mode = AnswerMode.Rag,
            Sources = sources,
            Customer = new CustomerContext { CustomerId = "c-1001", Tier = "Gold", OrderCount = 12, MemberSince = new DateOnly(2021, 3, 4) },
            NoAnswerText = HybridAnsweringOptions.DefaultNoAnswerText,
        };
        _messages = PromptBuilder.Build(_request, _options);
    }

    [Benchmark(Description = "PromptBuilder.Build, 5 sources + customer")]
    public int BuildPrompt() => PromptBuilder.Build(_request, _options).Count;

    [Benchmark(Description = "PromptBuilder.CountTokens (o200k) of that prompt")]
    public int CountTokens() => PromptBuilder.CountTokens(_messages);

    [Benchmark(Description = "PromptBuilder.Pack into the token budget + Build")]
    public int PackAndBuild() => PromptBuilder.Build(_request with { Sources = PromptBuilder.Pack(_request, _options) }, _options).Count;
}

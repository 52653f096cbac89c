// HybridAnswer with a chat model behind any OpenAI-compatible endpoint (OpenAI, Azure OpenAI's v1 API, Ollama, vLLM,
// LM Studio) through Microsoft.Extensions.AI.OpenAI. With a fine-tuned model id the answer comes from the fine-tuned model
// grounded in the retrieved sources (hybrid mode); without, from the base model (RAG mode).
//
//   dotnet run --project examples/OpenAiCompatible -- --endpoint http://localhost:11434/v1 --base-model llama3.2 "Do you ship to Canada?"
//   OPENAI_API_KEY=sk-... dotnet run --project examples/OpenAiCompatible -- --endpoint https://api.openai.com/v1 \
//       --base-model gpt-4o-mini --fine-tuned-model ft:gpt-4o-mini:acme::abc123
using System.ClientModel;
using System.ClientModel.Primitives;
using HybridAnswer;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

string? endpoint = null, apiKey = Environment.GetEnvironmentVariable("OPENAI_API_KEY"), baseModel = "gpt-4o-mini", fineTunedModel = null;
var words = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--endpoint" when i + 1 < args.Length: endpoint = args[++i]; break;
        case "--api-key" when i + 1 < args.Length: apiKey = args[++i]; break;
        case "--base-model" when i + 1 < args.Length: baseModel = args[++i]; break;
        case "--fine-tuned-model" when i + 1 < args.Length: fineTunedModel = args[++i]; break;
        default: words.Add(args[i]); break;
    }
}

if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri))
{
    Console.WriteLine("Give the OpenAI-compatible endpoint to answer with:");
    Console.WriteLine("  dotnet run --project examples/OpenAiCompatible -- --endpoint URL [--api-key KEY] [--base-model ID] [--fine-tuned-model ID] [question]");
    Console.WriteLine("The API key defaults to OPENAI_API_KEY; local servers accept any.");
    return 0;
}

// One OpenAI client, one IChatClient per model id (the OpenAI SDK binds the model to the chat client). SDK retries are off:
// the library retries transient failures itself, with bounded delays (HybridAnswering:Generation).
var openAi = new OpenAIClient(
    new ApiKeyCredential(string.IsNullOrWhiteSpace(apiKey) ? "unused" : apiKey),
    new OpenAIClientOptions { Endpoint = endpointUri, RetryPolicy = new ClientRetryPolicy(maxRetries: 0) });

var services = new ServiceCollection();
var hybrid = services.AddHybridAnswering(o => o.Mode = fineTunedModel is null ? AnswerMode.Rag : AnswerMode.Hybrid)
    .UseBaseModel(openAi.GetChatClient(baseModel).AsIChatClient(), baseModel);
if (fineTunedModel is not null)
{
    hybrid.UseFineTunedModel(fineTunedModel, openAi.GetChatClient(fineTunedModel).AsIChatClient());
}

await using var provider = services.BuildServiceProvider();
await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(
[
    new KnowledgeDocument("policies/returns", "Returns", "You can return any item within 30 days of delivery for a full refund."),
    new KnowledgeDocument("policies/shipping", "Shipping", "We ship to the United States and Canada. Delivery takes 3 to 5 business days."),
]);

var question = words.Count > 0 ? string.Join(' ', words) : "Do you ship to Canada?";
var answer = await provider.GetRequiredService<HybridAnswerer>().AnswerAsync(question);
Console.WriteLine(answer.Answered ? answer.Text : $"No answer ({answer.NoAnswerReason}): {answer.Text}");
foreach (var citation in answer.Citations)
{
    Console.WriteLine($"[{citation.Index}] {citation.Title} ({citation.DocumentId})");
}

Console.WriteLine($"{answer.Mode} with {answer.ModelId}: {answer.Usage?.InputTokens} input and {answer.Usage?.OutputTokens} output tokens, {answer.Timings.Total.TotalMilliseconds:0} ms");
return 0;

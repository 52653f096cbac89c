// HybridAnswer in an agent, two ways:
//  1. HybridAnswerContextProvider (package HybridAnswer.Agents): before each model call the agent gets numbered sources for
//     the user's last message, with the host's tenant and filter; afterwards its [n] markers map back to citations.
//  2. answerer.AsAIFunction(...) (core package): a tool the model calls when it decides to look something up.
//
//   dotnet run --project examples/Agents                                    (offline: a scripted stand-in model)
//   OPENAI_API_KEY=sk-... dotnet run --project examples/Agents -- --endpoint https://api.openai.com/v1 --model gpt-4o-mini
using System.ClientModel;
using System.Text.Json;
using HybridAnswer;
using HybridAnswer.Agents;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

string? endpoint = null, model = "gpt-4o-mini";
for (var i = 0; i + 1 < args.Length; i++)
{
    switch (args[i])
    {
        case "--endpoint": endpoint = args[++i]; break;
        case "--model": model = args[++i]; break;
    }
}

IChatClient chat = Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
    ? new OpenAIClient(new ApiKeyCredential(Environment.GetEnvironmentVariable("OPENAI_API_KEY") ?? "unused"), new OpenAIClientOptions { Endpoint = uri })
        .GetChatClient(model).AsIChatClient()
    : new OfflineModel();

// The answerer itself stays offline here (extractive generator); only the agent talks to the chat model.
var services = new ServiceCollection();
services.AddHybridAnswering().UseInMemoryKnowledgeBase(o => o.MultiTenant = true);
await using var provider = services.BuildServiceProvider();
await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(
[
    new KnowledgeDocument("returns", "Returns", "You can return any item within 30 days of delivery for a full refund.") { TenantId = "acme" },
    new KnowledgeDocument("shipping", "Shipping", "We ship to the United States and Canada. Delivery takes 3 to 5 business days.") { TenantId = "acme" },
    new KnowledgeDocument("returns", "Returns", "Returns are accepted within 90 days.") { TenantId = "globex" },
]);
var answerer = provider.GetRequiredService<HybridAnswerer>();

// The host binds the tenant (from its authentication, never from the conversation).
var acme = new AnswerOptions { TenantId = "acme" };

// 1. The context provider.
var grounding = new HybridAnswerContextProvider(answerer, new HybridAnswerContextProviderOptions { AnswerOptions = acme });
var agent = new ChatClientAgent(chat, new ChatClientAgentOptions
{
    Name = "support",
    ChatOptions = new ChatOptions { Instructions = "You are Acme's support agent. Be brief." },
    AIContextProviders = [grounding],
});
var session = await agent.CreateSessionAsync();
var reply = await agent.RunAsync("Do you ship to Canada?", session);
Console.WriteLine($"agent: {reply.Text}");
foreach (var citation in grounding.GetCitations(session))
{
    Console.WriteLine($"  [{citation.Index}] {citation.Title} ({citation.DocumentId})");
}

// 2. The function: any IChatClient with function calling (here through FunctionInvokingChatClient).
var lookup = answerer.AsAIFunction(description: "Answers questions about Acme's policies, with numbered sources.", options: acme);
using var tools = new FunctionInvokingChatClient(chat is OfflineModel ? new OfflineModel() : chat);
var toolReply = await tools.GetResponseAsync("How long do I have to return something?", new ChatOptions { Tools = [lookup] });
Console.WriteLine($"tool-calling model: {toolReply.Text}");
return 0;

/// <summary>
/// A scripted stand-in for a chat model, so the example runs without one: it calls the first tool it is offered, then cites
/// the first source it was given (from the tool's result or from the provider's sources block).
/// </summary>
internal sealed class OfflineModel : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        if (history.SelectMany(m => m.Contents).OfType<FunctionResultContent>().LastOrDefault() is { Result: JsonElement result })
        {
            var text = result.GetProperty("answered").GetBoolean() ? result.GetProperty("answer").GetString() : result.GetProperty("message").GetString();
            return Reply(text ?? string.Empty);
        }

        if (options?.Tools?.OfType<AIFunction>().FirstOrDefault() is { } tool)
        {
            var question = history.Last(m => m.Role == ChatRole.User).Text;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", tool.Name, new Dictionary<string, object?> { ["question"] = question })])));
        }

        var sources = history.Select(m => m.Text).LastOrDefault(t => t.Contains("<source id=\"1\"", StringComparison.Ordinal));
        if (sources is null)
        {
            return Reply("I don't have that information.");
        }

        var lines = sources.Split('\n');
        return Reply(lines[Array.FindIndex(lines, l => l.StartsWith("<source id=\"1\"", StringComparison.Ordinal)) + 1] + " [1]");
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static Task<ChatResponse> Reply(string text) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)));
}

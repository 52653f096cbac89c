// The host as a .NET team writes it: the container validates scopes and the graph at build (the ASP.NET Core
// development defaults), the chat client is the host's own and already traced (UseOpenTelemetry), customer facts come
// from a scoped service over a scoped "DbContext", and answers are streamed. Prints key=value lines for the test.
using System.Diagnostics;
using HybridAnswer;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

var stopped = new List<Activity>();
using var listener = new ActivityListener
{
    ShouldListenTo = _ => true,
    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    ActivityStopped = a =>
    {
        lock (stopped)
        {
            stopped.Add(a);
        }
    },
};
ActivitySource.AddActivityListener(listener);

var modelCalls = 0;
var customerInPrompt = 0;
var services = new ServiceCollection();
services.AddSingleton<IChatClient>(_ => new ChatClientBuilder(new EchoChatClient())
    .UseOpenTelemetry(sourceName: "Host.Chat")
    .Use(async (messages, options, next, cancellationToken) =>
    {
        // Every request that reaches the model: the count of chat spans must equal it.
        Interlocked.Increment(ref modelCalls);
        if (messages.Any(m => m.Text.Contains("Tier: Gold", StringComparison.Ordinal)))
        {
            Interlocked.Increment(ref customerInPrompt);
        }

        await next(messages, options, cancellationToken);
    })
    .Build());
services.AddScoped<CustomerDirectory>();
services.AddScoped<ICustomerContextProvider, DirectoryCustomerProvider>();
services.AddHybridAnswering(o => o.BaseModel = "host-base-model");

await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync();
Console.WriteLine("container=validated");

await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync(
[
    new KnowledgeDocument("returns", "Returns policy", "You can return any item within 30 days of delivery for a full refund. Items must be unused and in their original packaging."),
    new KnowledgeDocument("shipping", "Shipping", "We ship to the United States and Canada. Standard delivery takes 3 to 5 business days."),
]);
var answerer = provider.GetRequiredService<HybridAnswerer>();

var answer = await answerer.AnswerAsync("How many days do I have to return an item?", new AnswerOptions { CustomerId = "c-1" });
Console.WriteLine($"answer answered={answer.Answered} model={answer.ModelId} citations={answer.Citations.Count} cited={string.Join(",", answer.Citations.Select(c => c.DocumentId))}");

IReadOnlyList<RetrievedChunk>? streamedSources = null;
var deltas = new List<string>();
Answer? completed = null;
var updates = 0;
await foreach (var update in answerer.AnswerStreamingAsync("How many days do I have to return an item?", new AnswerOptions { CustomerId = "c-2" }))
{
    if (updates++ == 0)
    {
        streamedSources = update.Sources;
    }

    if (update.Text.Length > 0)
    {
        deltas.Add(update.Text);
    }

    completed ??= update.Completed;
}

var citation = completed?.Citations.FirstOrDefault();
var citesStreamedSource = citation is not null && streamedSources is not null && citation.Index >= 1 && citation.Index <= streamedSources.Count
    && streamedSources[citation.Index - 1].ChunkId == citation.ChunkId;
Console.WriteLine($"stream first-update-sources={streamedSources?.Count ?? -1} deltas={deltas.Count} text-matches={string.Concat(deltas).Trim() == completed?.Text} answered={completed?.Answered} cites-streamed-source={citesStreamedSource}");
Console.WriteLine($"customers asked={string.Join(",", DirectoryCustomerProvider.Asked)} directories-disposed={CustomerDirectory.Disposed} in-prompt={customerInPrompt}");

List<Activity> spans;
lock (stopped)
{
    spans = [.. stopped];
}

var chat = spans.Where(a => Equals(a.GetTagItem("gen_ai.operation.name"), "chat")).ToList();
var usageElsewhere = spans.Where(a => !chat.Contains(a)).Count(a => a.Tags.Any(t => t.Key.StartsWith("gen_ai.usage.", StringComparison.Ordinal)));
Console.WriteLine($"telemetry model-calls={modelCalls} chat-spans={chat.Count} chat-sources={string.Join(",", chat.Select(a => a.Source.Name).Distinct())} usage-tags-outside-chat={usageElsewhere} hybrid-answer-spans={spans.Count(a => a.Source.Name == HybridAnswerTelemetry.SourceName)}");

/// <summary>Stands for a scoped DbContext: one per scope, disposed with it.</summary>
internal sealed class CustomerDirectory : IDisposable
{
    private bool _disposed;

    public static int Disposed { get; private set; }

    public string TierOf(string customerId) => _disposed ? throw new ObjectDisposedException(nameof(CustomerDirectory)) : customerId.Length > 0 ? "Gold" : "None";

    public void Dispose()
    {
        _disposed = true;
        Disposed++;
    }
}

/// <summary>The host's customer provider, scoped because its directory is.</summary>
internal sealed class DirectoryCustomerProvider(CustomerDirectory directory) : ICustomerContextProvider
{
    public static List<string> Asked { get; } = [];

    public Task<CustomerContext?> GetCustomerContextAsync(string customerId, CancellationToken cancellationToken = default)
    {
        Asked.Add(customerId);
        return Task.FromResult<CustomerContext?>(new CustomerContext { CustomerId = customerId, Tier = directory.TierOf(customerId) });
    }
}

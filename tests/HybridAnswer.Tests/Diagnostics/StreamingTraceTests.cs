using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Tests.Diagnostics;

/// <summary>
/// The span tree of a streamed answer is the tree of a plain one: <c>hybrid_answer.answer</c> under the caller's span, retrieval and
/// <c>hybrid_answer.generate</c> under it, and the model's <c>chat</c> span (a real Microsoft.Extensions.AI OpenTelemetryChatClient)
/// under the generation span, not under the caller's (an async iterator loses Activity.Current at every yield).
/// </summary>
public sealed class StreamingTraceTests
{
    [Fact]
    public async Task AnswerStreamingAsync_TracedChatClient_SameSpanTreeAsAnswerAsyncWithChatUnderGenerate()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var services = new ServiceCollection();
        services.AddChatClient(new SlowStreamingChatClient("You can return items within 30 days [1].")).UseOpenTelemetry(sourceName: "Host.Chat");
        services.AddHybridAnswering(o => o.BaseModel = "base-model");
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IKnowledgeBase>().UpsertAsync([TestData.Doc("returns", "You can return items within 30 days of delivery.")]);
        var answerer = provider.GetRequiredService<HybridAnswerer>();
        using var testSource = new ActivitySource("HybridAnswer.Tests." + nameof(StreamingTraceTests));
        const string question = "How many days do I have to return items?";

        ActivityTraceId plainTrace, streamTrace;
        using (var request = testSource.StartActivity("http request")!)
        {
            plainTrace = request.TraceId;
            Assert.True((await answerer.AnswerAsync(question)).Answered);
        }

        Answer? streamed = null;
        using (var request = testSource.StartActivity("http request")!)
        {
            streamTrace = request.TraceId;
            await foreach (var update in answerer.AnswerStreamingAsync(question))
            {
                streamed = update.Completed ?? streamed;
            }
        }

        Assert.True(streamed!.Answered);
        List<Activity> all;
        lock (spans)
        {
            all = [.. spans];
        }

        var plain = Tree(all, plainTrace);
        var stream = Tree(all, streamTrace);
        Assert.Contains(("hybrid_answer.answer", "http request"), stream);
        Assert.Contains(("hybrid_answer.retrieve", "hybrid_answer.answer"), stream);
        Assert.Contains(("hybrid_answer.generate", "hybrid_answer.answer"), stream);
        Assert.Contains(("chat", "hybrid_answer.generate"), stream);
        Assert.Equal(plain, stream);
    }

    /// <summary>Each span of the trace as (name, parent's name), the chat span named by its gen_ai.operation.name; sorted.</summary>
    private static List<(string Name, string? Parent)> Tree(List<Activity> spans, ActivityTraceId trace)
    {
        var ours = spans.Where(a => a.TraceId == trace).ToList();
        var bySpan = ours.ToDictionary(a => a.SpanId);
        static string Name(Activity a) => a.GetTagItem("gen_ai.operation.name") as string ?? a.OperationName;
        return [.. ours.Select(a => (Name(a), bySpan.TryGetValue(a.ParentSpanId, out var parent) ? Name(parent) : null)).Order()];
    }

    /// <summary>A model that streams word by word, each word after a real asynchronous hop, as a network client does.</summary>
    private sealed class SlowStreamingChatClient(string text) : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { ModelId = options?.ModelId };
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var word in text.Split(' '))
            {
                await Task.Delay(1, cancellationToken);
                yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ") { ModelId = options?.ModelId };
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}

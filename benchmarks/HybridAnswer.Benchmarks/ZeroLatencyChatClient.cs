using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace HybridAnswer.Benchmarks;

/// <summary>
/// A chat model that answers instantly with one fixed response, so a benchmark of <see cref="HybridAnswerer.AnswerAsync"/>
/// measures the library and nothing else. (A Moq mock would add its own interception cost to every call.)
/// </summary>
public sealed class ZeroLatencyChatClient : IChatClient
{
    private readonly ChatResponse _response;
    private readonly Task<ChatResponse> _completed;

    public ZeroLatencyChatClient(string text)
    {
        _response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = "zero-latency",
            Usage = new UsageDetails { InputTokenCount = 900, OutputTokenCount = 40, TotalTokenCount = 940 },
        };
        _completed = Task.FromResult(_response);
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => _completed;

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in _response.ToChatResponseUpdates())
        {
            yield return update;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
        // Nothing to release.
    }
}

using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

/// <summary>
/// The host's own chat model: answers from the numbered sources when the prompt has them, from "training" otherwise,
/// and says which model id it was asked for (ChatOptions.ModelId), so the caller can see how each mode was routed.
/// </summary>
internal sealed class EchoChatClient : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var prompt = string.Join("\n", messages.Select(m => m.Text));
        var text = prompt.Contains("<sources>", StringComparison.Ordinal)
            ? $"From the docs (model {options?.ModelId}): you can return an item within 30 days of delivery. [1]"
            : $"From my training (model {options?.ModelId}): returns are accepted within 30 days.";
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = options?.ModelId,
            Usage = new UsageDetails { InputTokenCount = prompt.Length / 4, OutputTokenCount = text.Length / 4 },
        };
        return Task.FromResult(response);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HybridAnswer;

/// <summary>
/// Which chat client answers: the one chosen with <c>UseChatClient(...)</c> / <c>UseBaseModel(...)</c> / <c>UseFineTunedModel(...)</c>
/// (registered under <see cref="HybridAnsweringServiceKeys.BaseModel"/> or <see cref="HybridAnsweringServiceKeys.FineTunedModel"/>),
/// else the host's unkeyed one, else the extractive generator — but never the extractive generator while the host registered a chat
/// client under some other key (<c>AddKeyedChatClient("chat", ...)</c>): that fails validation at start, with the call that fixes it,
/// since answering from the offline generator instead of the model the host set up would look like a working service.
/// </summary>
internal sealed class ChatClientSelection(IServiceCollection services, Func<IServiceProvider, IGenerator> defaultGenerator) : IValidateOptions<HybridAnsweringOptions>
{
    public ValidateOptionsResult Validate(string? name, HybridAnsweringOptions options)
    {
        // A generator of the host's own does not use the chat clients.
        if (services.Any(d => d.ServiceType == typeof(IGenerator) && !d.IsKeyedService && !ReferenceEquals(d.ImplementationFactory, defaultGenerator)))
        {
            return ValidateOptionsResult.Skip;
        }

        var registered = services.Where(d => d.ServiceType == typeof(IChatClient)).ToList();
        if (registered.Any(d => !d.IsKeyedService || Equals(d.ServiceKey, HybridAnsweringServiceKeys.BaseModel) || Equals(d.ServiceKey, HybridAnsweringServiceKeys.FineTunedModel)))
        {
            return ValidateOptionsResult.Skip;
        }

        var keys = registered.Select(d => d.ServiceKey).ToList();
        if (keys.Count == 0)
        {
            return ValidateOptionsResult.Skip;
        }

        var listed = string.Join(", ", keys.Select(k => k is string s ? $"\"{s}\"" : k?.ToString() ?? "null"));
        return ValidateOptionsResult.Fail(
            $"An IChatClient is registered under the key {listed}, but HybridAnswer uses the unkeyed one and would answer with its " +
            $"offline extractive generator. Choose it with AddHybridAnswering().UseChatClient(serviceKey: {listed.Split(", ")[0]}) " +
            "(the fine-tuned model's with UseFineTunedModel(modelId, serviceKey: ...)), or register the client without a key.");
    }
}

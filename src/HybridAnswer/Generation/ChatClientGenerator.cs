using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace HybridAnswer;

/// <summary>
/// Generates with <see cref="IChatClient"/> models: the base model in <see cref="AnswerMode.Rag"/> mode, the
/// fine-tuned model in <see cref="AnswerMode.FineTuned"/> and <see cref="AnswerMode.Hybrid"/> modes. The two may be one
/// client with two model ids (<see cref="ChatOptions.ModelId"/>) or two clients.
/// </summary>
public sealed class ChatClientGenerator : IGenerator
{
    private readonly IChatClient _baseClient;
    private readonly IChatClient _fineTunedClient;
    private readonly string _baseModel;
    private readonly string? _fineTunedModel;

    /// <summary>Initializes a new generator.</summary>
    /// <param name="baseClient">The client of the base model.</param>
    /// <param name="baseModel">The base model id.</param>
    /// <param name="fineTunedModel">The fine-tuned model id; required for the FineTuned and Hybrid modes.</param>
    /// <param name="fineTunedClient">The client of the fine-tuned model; <paramref name="baseClient"/> when <see langword="null"/>.</param>
    public ChatClientGenerator(IChatClient baseClient, string baseModel, string? fineTunedModel = null, IChatClient? fineTunedClient = null)
    {
        ArgumentNullException.ThrowIfNull(baseClient);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseModel);
        _baseClient = baseClient;
        _fineTunedClient = fineTunedClient ?? baseClient;
        _baseModel = baseModel;
        _fineTunedModel = fineTunedModel;
    }

    /// <inheritdoc />
    public async Task<GeneratedAnswer> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (client, model) = Route(request.Mode);
        var response = await client.GetResponseAsync(PromptBuilder.Build(request), new ChatOptions { ModelId = model }, cancellationToken).ConfigureAwait(false);
        return new GeneratedAnswer
        {
            Text = response.Text,
            ModelId = response.ModelId ?? model,
            Usage = response.Usage is { } usage ? new TokenUsage(usage.InputTokenCount, usage.OutputTokenCount) : null,
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<GenerationUpdate> GenerateStreamingAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (client, model) = Route(request.Mode);
        string? modelId = null;
        await foreach (var update in client.GetStreamingResponseAsync(PromptBuilder.Build(request), new ChatOptions { ModelId = model }, cancellationToken).ConfigureAwait(false))
        {
            modelId ??= update.ModelId;
            var usage = update.Contents.OfType<UsageContent>().Select(u => new TokenUsage(u.Details.InputTokenCount, u.Details.OutputTokenCount)).LastOrDefault();
            yield return new GenerationUpdate { Text = update.Text, ModelId = modelId ?? model, Usage = usage };
        }
    }

    private (IChatClient Client, string Model) Route(AnswerMode mode) => mode switch
    {
        AnswerMode.Rag => (_baseClient, _baseModel),
        AnswerMode.FineTuned or AnswerMode.Hybrid => (_fineTunedClient, _fineTunedModel ?? throw new InvalidOperationException($"Mode {mode} needs a fine-tuned model id: set HybridAnswering:FineTunedModel.")),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown answer mode."),
    };
}

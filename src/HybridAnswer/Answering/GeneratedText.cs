using System.Text;

namespace HybridAnswer;

/// <summary>What a generator produced, whether in one response or as a stream of updates.</summary>
internal sealed record GeneratedText(string Text, string? ModelId, TokenUsage? Usage, NoAnswerReason? DeclineReason, bool UsedFallback)
{
    public static GeneratedText From(GeneratedAnswer answer) =>
        new(answer.Text, answer.ModelId, answer.Usage, answer.DeclineReason, answer.UsedFallback);

    /// <summary>Accumulates streaming updates: the text appended, the last reported model, usage and decline reason kept.</summary>
    public sealed class Builder
    {
        private readonly StringBuilder _text = new();
        private string? _modelId;
        private TokenUsage? _usage;
        private NoAnswerReason? _declined;
        private bool _usedFallback;

        public void Add(GenerationUpdate update)
        {
            _modelId = update.ModelId ?? _modelId;
            _usage = update.Usage ?? _usage;
            _declined = update.DeclineReason ?? _declined;
            _usedFallback |= update.UsedFallback;
            _text.Append(update.Text);
        }

        public GeneratedText Build() => new(_text.ToString(), _modelId, _usage, _declined, _usedFallback);
    }
}

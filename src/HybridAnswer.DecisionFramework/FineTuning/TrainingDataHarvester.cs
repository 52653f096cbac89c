using System.Text.RegularExpressions;
using HybridAnswer.DecisionFramework;

namespace HybridAnswer.FineTuning;

/// <summary>
/// Turns answered, approved question/answer pairs into chat training examples (system prompt, question, answer).
/// Refusals, unapproved and empty answers and repeats are left out, each with its reason.
/// </summary>
public sealed partial class TrainingDataHarvester
{
    private readonly TrainingDataHarvestOptions _options;

    /// <summary>Initializes a harvester.</summary>
    /// <param name="options">How to build the examples; <see langword="null"/> for the defaults.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The system prompt or the no-answer text is empty (the message names its key).</exception>
    public TrainingDataHarvester(TrainingDataHarvestOptions? options = null)
    {
        _options = options ?? new TrainingDataHarvestOptions();
        OptionsValidation.ThrowIfInvalid(TrainingDataHarvestOptionsValidator.Instance, _options);
    }

    /// <summary>Builds training examples from reviewed answers.</summary>
    /// <param name="answers">The reviewed answers.</param>
    /// <returns>The examples and what was skipped.</returns>
    public HarvestResult Harvest(IEnumerable<ReviewedAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var examples = new List<TrainingExample>();
        var skipped = new List<HarvestSkip>();
        var seen = new HashSet<(string, string)>();
        var index = -1;
        foreach (var reviewed in answers)
        {
            index++;
            ArgumentNullException.ThrowIfNull(reviewed, nameof(answers));
            var question = reviewed.Question?.Trim() ?? string.Empty;
            var answer = Clean(reviewed.Answer ?? string.Empty);
            HarvestSkipReason? reason =
                !reviewed.Answered || IsRefusal(answer) ? HarvestSkipReason.Refusal
                : !reviewed.Approved ? HarvestSkipReason.NotApproved
                : question.Length == 0 || answer.Length == 0 ? HarvestSkipReason.Empty
                : !seen.Add((question, answer)) ? HarvestSkipReason.Duplicate
                : null;
            if (reason is { } r)
            {
                skipped.Add(new HarvestSkip { Index = index, Reason = r });
                continue;
            }

            examples.Add(new TrainingExample([TrainingMessage.System(_options.SystemPrompt), TrainingMessage.User(question), TrainingMessage.Assistant(answer)]));
        }

        return new HarvestResult { Examples = examples, Skipped = skipped };
    }

    private string Clean(string answer)
    {
        var text = answer.Trim();
        if (_options.RemoveCitationMarkers)
        {
            text = SpacesBeforePunctuation().Replace(CitationMarker().Replace(text, string.Empty), "$1").Trim();
        }

        return text;
    }

    private bool IsRefusal(string answer)
    {
        static string Norm(string s) => s.Trim().TrimEnd('.', '!', ' ');
        return answer.Length > 0 && string.Equals(Norm(answer), Norm(_options.NoAnswerText), StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"\s*\[\d+(?:\s*,\s*\d+)*\]", RegexOptions.CultureInvariant)]
    private static partial Regex CitationMarker();

    [GeneratedRegex(@"\s+([.,;:!?])", RegexOptions.CultureInvariant)]
    private static partial Regex SpacesBeforePunctuation();
}

namespace HybridAnswer.FineTuning;

/// <summary>A question and the answer given to it, after a person reviewed it: the raw material of fine-tuning data.</summary>
public sealed record ReviewedAnswer
{
    /// <summary>Gets the user's question.</summary>
    public required string Question { get; init; }

    /// <summary>Gets the answer text.</summary>
    public required string Answer { get; init; }

    /// <summary>Gets a value indicating whether the question was answered (<see langword="false"/> for a refusal, which is never trained on).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Answered { get; init; } = true;

    /// <summary>Gets a value indicating whether a reviewer approved the answer as a model answer.</summary>
    public bool Approved { get; init; }

    /// <summary>Creates a reviewed answer from an <see cref="HybridAnswer.Answer"/> the answerer produced.</summary>
    /// <param name="question">The question that was asked.</param>
    /// <param name="answer">The answer.</param>
    /// <param name="approved">Whether a reviewer approved it.</param>
    /// <returns>The reviewed answer.</returns>
    public static ReviewedAnswer From(string question, Answer answer, bool approved)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(answer);
        return new ReviewedAnswer { Question = question, Answer = answer.Text, Answered = answer.Answered, Approved = approved };
    }
}

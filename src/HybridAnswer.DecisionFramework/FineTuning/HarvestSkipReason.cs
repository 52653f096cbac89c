namespace HybridAnswer.FineTuning;

/// <summary>Why <see cref="TrainingDataHarvester"/> left a reviewed answer out of the training data.</summary>
public enum HarvestSkipReason
{
    /// <summary>No reviewer approved it.</summary>
    NotApproved,

    /// <summary>It is a refusal ("I don't have that information."): training on refusals teaches the model to refuse.</summary>
    Refusal,

    /// <summary>The question or the answer is empty.</summary>
    Empty,

    /// <summary>The same question and answer were already harvested.</summary>
    Duplicate,
}

namespace HybridAnswer.Planning;

/// <summary>The decision framework's checklist: what the team knows about its use case.</summary>
public sealed class AdvisorChecklist
{
    /// <summary>Gets a value indicating whether the knowledge changes weekly or more often (prices, policies, stock, docs).</summary>
    public bool KnowledgeChangesWeekly { get; init; }

    /// <summary>Gets a value indicating whether answers must cite their sources.</summary>
    public bool NeedsCitations { get; init; }

    /// <summary>Gets a value indicating whether a consistent brand voice is critical.</summary>
    public bool BrandVoiceCritical { get; init; }

    /// <summary>Gets a value indicating whether it must be deployed within a week.</summary>
    public bool DeployWithinWeek { get; init; }

    /// <summary>Gets a value indicating whether the task is highly specialised (a format, a classification, domain reasoning the base model does poorly).</summary>
    public bool SpecializedTask { get; init; }

    /// <summary>Gets the number of quality training examples available; <see langword="null"/> when unknown.</summary>
    public int? QualityExamples { get; init; }
}

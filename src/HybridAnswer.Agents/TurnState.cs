namespace HybridAnswer.Agents;

/// <summary>What one session remembers of its last turn: the numbered sources the model was given, and the citations of its response.</summary>
internal sealed record TurnState
{
    public static readonly TurnState Empty = new();

    public List<RetrievedChunk> Sources { get; init; } = [];

    public List<Citation> Citations { get; init; } = [];
}

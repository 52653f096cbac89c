namespace HybridAnswer;

/// <summary>What <see cref="KnowledgeDocumentLoader.ReadDirectoryAsync"/> read: the documents of the good files, and each bad file with the reason.</summary>
public sealed class KnowledgeLoadResult
{
    /// <summary>Gets the documents, in ordinal order of their paths.</summary>
    public required IReadOnlyList<KnowledgeDocument> Documents { get; init; }

    /// <summary>Gets the files that could not be read or parsed, in ordinal order of their paths; empty when every file was read.</summary>
    public required IReadOnlyList<KnowledgeLoadFailure> Failures { get; init; }
}

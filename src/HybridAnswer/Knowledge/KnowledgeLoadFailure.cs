namespace HybridAnswer;

/// <summary>One file of a folder that gave no document, and why.</summary>
public sealed class KnowledgeLoadFailure
{
    /// <summary>Gets the path relative to the folder, with <c>/</c> separators.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// Gets the id the document of this file would have had (its path without extension), or <see langword="null"/> for a folder
    /// and for a symbolic link that is never followed (one out of the folder, or any with
    /// <see cref="KnowledgeLoaderOptions.FollowSymbolicLinks"/> off): that file is not part of the folder's knowledge.
    /// A document stored under a non-null id must be left alone: its file is still there, only unreadable this time.
    /// </summary>
    public string? DocumentId { get; init; }

    /// <summary>Gets why the file gave no document, for people (e.g. "is 4294967296 bytes, over the limit of 10485760").</summary>
    public required string Reason { get; init; }

    /// <summary>Gets the exception behind the failure, if any (for <see cref="KnowledgeDocumentLoader.LoadDirectoryAsync"/>).</summary>
    internal Exception? Exception { get; init; }
}

namespace HybridAnswer;

/// <summary>A document to store in a knowledge base. It is split into chunks, embedded and stored as a unit.</summary>
public sealed record KnowledgeDocument
{
    /// <summary>Initializes a new document.</summary>
    /// <param name="id">A stable id, unique within the tenant (e.g. the path of the source file). Re-ingesting the same id replaces the document.</param>
    /// <param name="title">The title shown in citations.</param>
    /// <param name="content">The text (Markdown or plain text).</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> or <paramref name="title"/> is empty or whitespace, or <paramref name="id"/> is longer than 512 characters.</exception>
    public KnowledgeDocument(string id, string title, string content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentNullException.ThrowIfNull(content);
        if (id.Length > MaxIdLength)
        {
            throw new ArgumentException($"A document id may be at most {MaxIdLength} characters; this one has {id.Length}.", nameof(id));
        }

        Id = id;
        Title = title;
        Content = content;
    }

    /// <summary>The longest document id accepted.</summary>
    public const int MaxIdLength = 512;

    /// <summary>Gets the document id.</summary>
    public string Id { get; }

    /// <summary>Gets the title shown in citations.</summary>
    public string Title { get; }

    /// <summary>Gets the text.</summary>
    public string Content { get; }

    /// <summary>Gets metadata that retrieval can filter on by equality (e.g. <c>status</c> = <c>published</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets metadata fields that hold several values, such as <c>tags</c>: the filter <c>tags</c> = <c>billing</c> matches a
    /// document whose <c>tags</c> include <c>billing</c>. A key is either here or in <see cref="Metadata"/>, never in both; values
    /// keep their order. Empty unless set (YAML lists in front matter land here, see <see cref="KnowledgeDocumentLoader"/>).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> MultiValuedMetadata { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Gets where the document came from (a URL or path), shown in citations.</summary>
    public string? SourceUri { get; init; }

    /// <summary>Gets the tenant that owns the document; <see langword="null"/> in a single-tenant knowledge base.</summary>
    public string? TenantId { get; init; }
}

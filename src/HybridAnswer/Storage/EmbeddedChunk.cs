using System.Diagnostics.CodeAnalysis;

namespace HybridAnswer.Storage;

/// <summary>A chunk ready to store: the chunk, the exact text that was embedded (title and content), and its unit-length embedding.</summary>
[Experimental(StorageDiagnostics.Experimental, UrlFormat = StorageDiagnostics.UrlFormat)]
public sealed class EmbeddedChunk
{
    /// <summary>Initializes a new <see cref="EmbeddedChunk"/>.</summary>
    /// <param name="chunk">The chunk.</param>
    /// <param name="embeddedText">The text that was embedded (a keyword index should index this text).</param>
    /// <param name="vector">The unit-length embedding; the store keeps it and must not change it.</param>
    public EmbeddedChunk(DocumentChunk chunk, string embeddedText, float[] vector)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        Chunk = chunk;
        ArgumentNullException.ThrowIfNull(embeddedText);
        EmbeddedText = embeddedText;
        ArgumentNullException.ThrowIfNull(vector);
        Vector = vector;
    }

    /// <summary>Gets the chunk.</summary>
    public DocumentChunk Chunk { get; }

    /// <summary>Gets the text that was embedded (a keyword index should index this text).</summary>
    public string EmbeddedText { get; }

    /// <summary>Gets the unit-length embedding; the store keeps it and must not change it.</summary>
    public float[] Vector { get; }
}


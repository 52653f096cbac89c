using System.Diagnostics.CodeAnalysis;

namespace HybridAnswer.Storage;

/// <summary>A chunk ready to store: the chunk, the exact text that was embedded (title and content), and its unit-length embedding.</summary>
/// <param name="Chunk">The chunk.</param>
/// <param name="EmbeddedText">The text that was embedded (a keyword index should index this text).</param>
/// <param name="Vector">The unit-length embedding; the store keeps it and must not change it.</param>
[Experimental(StorageDiagnostics.Experimental, UrlFormat = StorageDiagnostics.UrlFormat)]
public sealed record EmbeddedChunk(DocumentChunk Chunk, string EmbeddedText, float[] Vector);

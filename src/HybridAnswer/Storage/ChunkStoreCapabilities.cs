using System.Diagnostics.CodeAnalysis;

namespace HybridAnswer.Storage;

/// <summary>
/// What an <see cref="IChunkStore"/> declares it does, so that the knowledge base, the answerer and rerankers act on the
/// declaration instead of assuming it: the <see cref="ChunkStoreKnowledgeBase"/> embeds queries only for a store that searches by
/// vector, counts through the list when the store cannot count, and offers the filter probe only when the store has one.
/// </summary>
[Experimental(StorageDiagnostics.Experimental, UrlFormat = StorageDiagnostics.UrlFormat)]
[Flags]
public enum ChunkStoreCapabilities
{
    /// <summary>Nothing beyond the required members.</summary>
    None = 0,

    /// <summary><see cref="IChunkStore.ReplaceDocumentsAsync"/> replaces all chunks of each document at once: a reader sees the old or the
    /// new version of a document, never a mix of both.</summary>
    AtomicReplace = 1,

    /// <summary><see cref="IChunkStore.CountDocumentsAsync"/> counts; without it the knowledge base counts the ids <see cref="IChunkStore.ListDocumentIdsAsync"/> returns.</summary>
    CountDocuments = 2,

    /// <summary>Searches rank by vector similarity: the knowledge base embeds the query and passes the unit-length vector to <see cref="IChunkStore.SearchAsync"/>.</summary>
    VectorSearch = 4,

    /// <summary>Searches rank by keyword relevance; with <see cref="VectorSearch"/> as well, the store fuses both (hybrid search).</summary>
    KeywordSearch = 8,

    /// <summary><see cref="IChunkStore.AnyMatchAsync"/> tells whether any chunk matches a filter, so an answer can say that the filter
    /// matched no document (<see cref="NoAnswerReason.FilterMatchedNothing"/>); found through <see cref="IRetriever.GetService"/> as <see cref="IFilterProbe"/>.</summary>
    FilterProbe = 16,

    /// <summary>Search results carry the chunk's embedding (<see cref="RetrievedChunk.Embedding"/>), for rerankers that compare chunks with each other.</summary>
    ReturnsEmbeddings = 32,

    /// <summary><see cref="IChunkStore.SearchAsync"/> returns no chunk scoring below <see cref="RetrievalRequest.MinScore"/> (a store that can
    /// floor where it ranks, e.g. in SQL, saves reading those rows); without it the knowledge base drops them. Either way the floor
    /// is applied once, at the store, beneath every retriever decorator.</summary>
    ScoreFloor = 64,
}

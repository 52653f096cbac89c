namespace HybridAnswer.StoreConformance;

/// <summary>
/// What a store supplies to run the conformance suites: a way to create a fresh, empty store for one test, and what the store
/// declares about itself. A store's test project derives one fixture and passes it to a subclass of each suite it claims:
/// <code>
/// public sealed class MyStoreIngestTests() : IngestConformanceTests(new MyStoreFixture());
/// </code>
/// Every test creates its own stores and disposes them, so tests never see each other's documents.
/// </summary>
public abstract class KnowledgeStoreFixture
{
    /// <summary>Creates a new, empty store configured as <paramref name="options"/> asks.</summary>
    /// <param name="options">The embedder and settings of the store under test.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The store; the test disposes it.</returns>
    public abstract Task<ConformanceStore> CreateStoreAsync(ConformanceStoreOptions options, CancellationToken cancellationToken = default);

    /// <summary>Gets to how many decimal places a vector-ranked score equals the cosine similarity of the query and the chunk.</summary>
    /// <value>The default is 4; a store keeping half-precision vectors declares 2.</value>
    public virtual int ScorePrecision => 4;

    /// <summary>Gets whether a search without a metadata filter ranks every chunk exactly; <see langword="false"/> for a store that
    /// walks an approximate index (HNSW) then, which must still find <see cref="ApproximateRecall"/> of the exact top-K.
    /// A filtered search must be exact whatever this says, while fewer chunks match than the store's exact-scan threshold.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public virtual bool ExactUnfilteredSearch => true;

    /// <summary>Gets the share of the exact top-K an approximate unfiltered search must find (see <see cref="ExactUnfilteredSearch"/>).</summary>
    /// <value>The default is 0.9.</value>
    public virtual double ApproximateRecall => 0.9;

    /// <summary>Gets whether the store ranks by keywords alone (<see cref="RetrievalKind.Keyword"/>: no query embedding). A store that
    /// cannot (Microsoft.Extensions.VectorData has no keyword-only search) declares <see langword="false"/>; its fixture must then decline
    /// a store for <see cref="RetrievalKind.Keyword"/> with <see cref="NotSupportedException"/>, and its chunk store must declare vector
    /// search and refuse a search without the query vector. The keyword-only tests check exactly that instead of running, so a store
    /// never passes them by ranking some other way.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public virtual bool KeywordOnlySearch => true;

    /// <summary>Gets whether hybrid ranking puts a chunk that keyword ranking alone puts first, by a wide margin, at the top even when
    /// vector ranking puts it last (a fusion that weighs a decisive keyword match above chunks both lists rank in the middle); plain
    /// reciprocal rank fusion only keeps it in the top-K.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public virtual bool HybridRanksDecisiveKeywordMatchFirst => false;

    /// <summary>Gets whether the store tells an answerer that a filter matched no document at all, so a refusal says
    /// <see cref="NoAnswerReason.FilterMatchedNothing"/> rather than <see cref="NoAnswerReason.NoRelevantSources"/>: its retriever offers
    /// an <see cref="Storage.IFilterProbe"/> through <see cref="IRetriever.GetService"/> (a chunk store declaring
    /// <see cref="Storage.ChunkStoreCapabilities.FilterProbe"/>).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public virtual bool ReportsFilterMatchedNothing => true;
}

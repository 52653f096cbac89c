namespace HybridAnswer;

/// <summary>How <see cref="KnowledgeDocumentLoader.ReadDirectoryAsync"/> reads a folder.</summary>
public sealed class KnowledgeLoaderOptions
{
    /// <summary>The default of <see cref="MaxFileBytes"/>: 10 MiB, far more than any one document a model can be shown.</summary>
    public const long DefaultMaxFileBytes = 10L * 1024 * 1024;

    // The highest MaxFileBytes accepted: 1 GiB (a file is read into memory whole).
    internal const long MaxMaxFileBytes = 1L << 30;

    /// <summary>Gets or sets the largest file read, in bytes; a larger file is reported as a failure and never read.</summary>
    /// <value>The default is <see cref="DefaultMaxFileBytes"/>; from 1 to 1 GiB (1,073,741,824; a file is read into memory whole).</value>
    public long MaxFileBytes { get; set; } = DefaultMaxFileBytes;

    /// <summary>Gets or sets the tenant assigned to every document.</summary>
    /// <value>The default is <see langword="null"/> (single-tenant).</value>
    public string? TenantId { get; set; }

    /// <summary>
    /// Gets or sets whether symbolic links whose target resolves inside the folder are followed. A link whose target resolves
    /// outside the folder (after every link in the chain and every <c>..</c> is resolved) is never opened, whatever this says:
    /// it is reported as a <see cref="KnowledgeLoadFailure"/> and gives no document.
    /// </summary>
    /// <value>The default is <see langword="true"/>: links inside the folder are followed (each real file is read once);
    /// <see langword="false"/> reports every link, inside or out, and reads none.</value>
    public bool FollowSymbolicLinks { get; set; } = true;
}

namespace HybridAnswer.Storage;

/// <summary>The diagnostic id of the experimental store seam (docs/diagnostics.md).</summary>
internal static class StorageDiagnostics
{
    /// <summary>
    /// Reported where code uses the store seam (<see cref="IChunkStore"/> and the types of this namespace): its shape may still
    /// change until a third store, written outside this repository, has proved it. Suppress it with <c>&lt;NoWarn&gt;HYBRIDANSWER001&lt;/NoWarn&gt;</c>
    /// and build a store against the same version of every HybridAnswer package.
    /// </summary>
    public const string Experimental = "HYBRIDANSWER001";

    /// <summary>Where the diagnostic is documented; <c>{0}</c> is the id.</summary>
    public const string UrlFormat = "https://github.com/hybridanswer/hybridanswer/blob/main/docs/diagnostics.md#{0}";
}

namespace HybridAnswer;

/// <summary>
/// The text checks every store applies, so a document or request that one store accepts is never one another rejects
/// mid-transaction. NUL is refused everywhere: PostgreSQL text and jsonb cannot hold it, and a document that works only in
/// memory would break the day the host moves to PostgreSQL.
/// </summary>
internal static class KnowledgeText
{
    /// <summary>
    /// Refuses NUL and a lone UTF-16 surrogate in a query or tenant, the same in every store: PostgreSQL's UTF-8 encoder threw
    /// a raw <see cref="System.Text.EncoderFallbackException"/> on a surrogate while in memory it was answered.
    /// </summary>
    public static void CheckNoNul(string? value, string paramName, string what = "text")
    {
        if (value is not null && value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The {what} contains a NUL character, which the knowledge base cannot store.", paramName);
        }

        if (LoneSurrogateAt(value) is { } at)
        {
            throw new ArgumentException($"The {what} has a lone UTF-16 surrogate at index {at}; it is not valid Unicode text and cannot be searched or stored.", paramName);
        }
    }

    public static void CheckDocument(KnowledgeDocument document, string paramName)
    {
        // PostgreSQL (and any UTF-8 store) cannot hold half a surrogate pair: the JSON writer of the metadata turned each into
        // U+FFFD, so distinct keys and values collapsed and a filter matched other documents. Refused everywhere, like NUL.
        foreach (var (what, text) in new[] { ("id", document.Id), ("title", document.Title), ("content", document.Content), ("source URI", document.SourceUri), ("tenant id", document.TenantId) })
        {
            if (LoneSurrogateAt(text) is { } at)
            {
                throw new ArgumentException($"Document '{Printable(document.Id)}': the {what} has a lone UTF-16 surrogate at index {at}; it is not valid Unicode text and cannot be stored.", paramName);
            }
        }

        foreach (var (key, value) in document.Metadata)
        {
            if (LoneSurrogateAt(key) is { } keyAt)
            {
                throw new ArgumentException($"Document '{Printable(document.Id)}': metadata key '{Printable(key)}' has a lone UTF-16 surrogate at index {keyAt}; it is not valid Unicode text and cannot be stored.", paramName);
            }

            if (LoneSurrogateAt(value) is { } valueAt)
            {
                throw new ArgumentException($"Document '{Printable(document.Id)}': the value of metadata key '{Printable(key)}' has a lone UTF-16 surrogate at index {valueAt}; it is not valid Unicode text and cannot be stored.", paramName);
            }
        }

        if (HasNul(document.Id) || HasNul(document.Title) || HasNul(document.Content) || HasNul(document.SourceUri) || HasNul(document.TenantId)
            || document.Metadata.Any(p => p.Key is null || HasNul(p.Key) || p.Value is null || HasNul(p.Value)))
        {
            throw new ArgumentException(
                $"Document '{document.Id.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character or a null metadata key or value, which the knowledge base cannot store.",
                paramName);
        }

        CheckMultiValued(document, paramName);
    }

    /// <summary>The same rules for list values as for single values, and one place per key: a filter must mean one thing.</summary>
    private static void CheckMultiValued(KnowledgeDocument document, string paramName)
    {
        foreach (var (key, values) in document.MultiValuedMetadata)
        {
            var problem =
                key is null || HasNul(key) ? "a multi-valued metadata key is null or contains a NUL character"
                : LoneSurrogateAt(key) is { } keyAt ? $"multi-valued metadata key '{Printable(key)}' has a lone UTF-16 surrogate at index {keyAt}"
                : values is null ? $"multi-valued metadata key '{Printable(key)}' has a null list"
                : values.Any(v => v is null || HasNul(v)) ? $"a value of multi-valued metadata key '{Printable(key)}' is null or contains a NUL character"
                : values.FirstOrDefault(v => LoneSurrogateAt(v) is not null) is { } bad ? $"a value of multi-valued metadata key '{Printable(key)}' has a lone UTF-16 surrogate at index {LoneSurrogateAt(bad)}"
                : document.Metadata.ContainsKey(key) ? $"key '{Printable(key)}' is in both Metadata and MultiValuedMetadata; a key may have one value or a list, not both"
                : null;
            if (problem is not null)
            {
                throw new ArgumentException($"Document '{Printable(document.Id)}': {problem}, which the knowledge base cannot store.", paramName);
            }
        }
    }

    // Requests checked at the public boundary that made them (the answerer): the store boundary does not check them again. Keyed
    // by instance, outside the record's equality: a `with` copy (a decorator changing the query, tenant or filter) is a new
    // instance and is checked again where it enters the store.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RetrievalRequest, object> CheckedRequests = new();

    /// <summary>Checks a request the public boundary made (see <see cref="CheckRequest"/>) and remembers it as checked.</summary>
    public static RetrievalRequest CheckedAtBoundary(RetrievalRequest request, string paramName, string queryParamName)
    {
        CheckRequest(request, paramName, queryParamName);
        CheckedRequests.AddOrUpdate(request, CheckedRequests);
        return request;
    }

    /// <summary>
    /// The checks of a retrieval request at the store boundary, the same for every store; a request already checked at the
    /// public boundary (<see cref="CheckedAtBoundary"/>) passes without being checked again.
    /// </summary>
    public static void CheckRequest(RetrievalRequest request, string paramName, string? queryParamName = null)
    {
        if (CheckedRequests.TryGetValue(request, out _))
        {
            return;
        }

        if (request.Query.Length > RetrievalRequest.MaxQueryLength)
        {
            throw new ArgumentException($"The query has {request.Query.Length} characters; at most {RetrievalRequest.MaxQueryLength} are accepted.", queryParamName ?? paramName);
        }

        CheckNoNul(request.Query, queryParamName ?? paramName, queryParamName is null ? "query" : "question");
        CheckNoNul(request.TenantId, paramName, "tenant id");
        foreach (var (key, value) in request.Filter)
        {
            if (key is null || value is null || HasNul(key) || HasNul(value))
            {
                throw new ArgumentException("Filter keys and values must be non-null text without NUL characters.", paramName);
            }

            if (LoneSurrogateAt(key) is not null || LoneSurrogateAt(value) is not null)
            {
                throw new ArgumentException($"Filter key '{Printable(key)}' or its value has a lone UTF-16 surrogate; no stored metadata can match it.", paramName);
            }
        }
    }

    /// <summary>The index of the first UTF-16 surrogate that is not half of a pair, or <see langword="null"/>.</summary>
    public static int? LoneSurrogateAt(string? text)
    {
        if (text is null)
        {
            return null;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return i;
            }
        }

        return null;
    }

    // Error messages must themselves be valid text (they are logged and written as UTF-8).
    private static string Printable(string text)
    {
        var shown = text.Length <= 80 ? text : text[..80] + "…";
        var builder = new System.Text.StringBuilder(shown.Length);
        foreach (var rune in shown.EnumerateRunes())
        {
            builder.Append(rune == System.Text.Rune.ReplacementChar || rune.Value == 0 ? "\\u" + rune.Value.ToString("X4", System.Globalization.CultureInfo.InvariantCulture) : rune.ToString());
        }

        return builder.ToString();
    }

    private static bool HasNul(string? value) => value is not null && value.Contains('\0', StringComparison.Ordinal);
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace HybridAnswer;

/// <summary>
/// The hash that decides whether a stored document must be re-chunked and re-embedded: everything that is stored, plus the
/// chunking settings and the embedding model's identity (<see cref="DocumentChunker.Fingerprint"/>). Each field is written as its UTF-8 length (4 bytes, big-endian) followed by its bytes, so no value can
/// imitate a separator: metadata <c>{"a=b":"c"}</c> and <c>{"a":"b=c"}</c> hashed alike under the old <c>key=value\0</c> text.
/// Multi-valued metadata follows the single-valued, and only when there is some (see <see cref="Compute"/>).
/// </summary>
/// <remarks>
/// The result starts with <see cref="Version"/>. A hash stored by an earlier version (plain hex, no prefix) therefore never equals
/// a new one: the document is reported "updated" and rewritten once, and compares normally from then on. Bump the version when
/// the encoding changes again. The same happens once to every document after an upgrade that put the embedder's identity in the
/// fingerprint (it changes the fingerprint, not the encoding): one full re-embed, then unchanged documents are skipped again.
/// </remarks>
internal static class ContentHash
{
    /// <summary>The prefix of every hash this encoding produces.</summary>
    public const string Version = "v2:";

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Compute(KnowledgeDocument document, string chunkingFingerprint)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(chunkingFingerprint);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Field(hash, chunkingFingerprint);
        Field(hash, document.Title);

        // Null and empty are different stored values: a presence byte before the optional field.
        hash.AppendData(document.SourceUri is null ? [0] : [1]);
        Field(hash, document.SourceUri ?? string.Empty);
        Field(hash, document.Content);
        var metadata = document.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        Count(hash, metadata.Count);
        foreach (var (key, value) in metadata)
        {
            Field(hash, key);
            Field(hash, value);
        }

        // Appended only when there are lists, so every document without them keeps the hash it had before lists existed (no
        // store re-embeds its documents on upgrade). Still unambiguous: the fields above are all length-prefixed, so where they
        // end is fixed, and a document with lists always has bytes after that point (at least its count of lists).
        if (document.MultiValuedMetadata.Count > 0)
        {
            var lists = document.MultiValuedMetadata.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
            Count(hash, lists.Count);
            foreach (var (key, values) in lists)
            {
                Field(hash, key);
                Count(hash, values.Count);
                foreach (var value in values)
                {
                    Field(hash, value);
                }
            }
        }

        return Version + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Field(IncrementalHash hash, string value)
    {
        // Lone surrogates are refused before hashing (KnowledgeText); the strict encoder makes sure no two texts share bytes.
        var bytes = Strict.GetBytes(value);
        Count(hash, bytes.Length);
        hash.AppendData(bytes);
    }

    private static void Count(IncrementalHash hash, int count)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, count);
        hash.AppendData(length);
    }
}

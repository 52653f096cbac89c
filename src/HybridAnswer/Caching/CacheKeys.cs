using System.Security.Cryptography;
using System.Text;

namespace HybridAnswer;

/// <summary>Hashes the parts of a cache key into a fixed-length one; each part is length-prefixed, so no two part lists collide by concatenation.</summary>
internal static class CacheKeys
{
    public static string Hash(params ReadOnlySpan<string?> parts)
    {
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            text.Append(part?.Length ?? -1).Append(':').Append(part).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

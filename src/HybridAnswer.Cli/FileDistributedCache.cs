using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace HybridAnswer.Cli;

/// <summary>
/// An <see cref="IDistributedCache"/> in a folder: one file per entry (named by the SHA-256 of its key, in 256 sub-folders), written
/// to a temporary file and moved into place, so a reader sees a whole entry or none and a killed process leaves no torn entry. Expired
/// entries are deleted when read and by the sweep; the sweep (on the first write of a process and every
/// <see cref="SweepEveryWrites"/> writes after) also deletes the least recently used entries while the folder holds more than
/// <see cref="MaxBytes"/>. The tool's HybridCache keeps embeddings here (its second level), so repeated runs do not re-embed.
/// Safe for concurrent use by threads and by processes sharing the folder.
/// </summary>
internal sealed class FileDistributedCache : IDistributedCache
{
    private const int HeaderBytes = 16;
    private const int SweepEveryWrites = 256;

    private readonly string _directory;
    private int _writes = -1;

    public FileDistributedCache(string directory, long maxBytes = 1L << 30)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        _directory = directory;
        MaxBytes = maxBytes;
    }

    /// <summary>Gets the most bytes the entries may occupy after a sweep.</summary>
    public long MaxBytes { get; }

    /// <summary>The user's cache folder for the tool: <c>HYBRIDANSWER_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/hybrid-answer</c>, else the platform's.</summary>
    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("HYBRIDANSWER_CACHE_DIR") is { Length: > 0 } explicitDirectory)
        {
            return explicitDirectory;
        }

        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "hybrid-answer", "cache");
    }

    public byte[]? Get(string key)
    {
        var path = PathOf(key);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (bytes.Length < HeaderBytes || Expired(bytes, DateTimeOffset.UtcNow))
        {
            TryDelete(path);
            return null;
        }

        Touch(path, bytes);
        return bytes[HeaderBytes..];
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        token.ThrowIfCancellationRequested();
        return Task.FromResult(Get(key));
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        var now = DateTimeOffset.UtcNow;
        var absolute = options.AbsoluteExpiration ?? (options.AbsoluteExpirationRelativeToNow is { } relative ? now + relative : null);
        var sliding = options.SlidingExpiration ?? TimeSpan.Zero;
        var expires = absolute is null && sliding <= TimeSpan.Zero ? DateTimeOffset.MaxValue
            : sliding > TimeSpan.Zero && (absolute is null || now + sliding < absolute) ? now + sliding : absolute!.Value;

        var bytes = new byte[HeaderBytes + value.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, expires.UtcTicks);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), sliding.Ticks);
        value.CopyTo(bytes, HeaderBytes);

        var path = PathOf(key);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs time on the next run, not this one.
            return;
        }

        if (Interlocked.Increment(ref _writes) % SweepEveryWrites == 0)
        {
            Sweep();
        }
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        token.ThrowIfCancellationRequested();
        Set(key, value, options);
        return Task.CompletedTask;
    }

    public void Refresh(string key) => Get(key);

    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        token.ThrowIfCancellationRequested();
        Refresh(key);
        return Task.CompletedTask;
    }

    public void Remove(string key) => TryDelete(PathOf(key));

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        token.ThrowIfCancellationRequested();
        Remove(key);
        return Task.CompletedTask;
    }

    /// <summary>Deletes expired entries, then the least recently used ones while the folder holds more than <see cref="MaxBytes"/>.</summary>
    internal void Sweep()
    {
        if (!Directory.Exists(_directory))
        {
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var live = new List<FileInfo>();
        foreach (var file in new DirectoryInfo(_directory).EnumerateFiles("*.entry", SearchOption.AllDirectories))
        {
            if (ReadHeader(file) is not { } header || Expired(header, now))
            {
                TryDelete(file.FullName);
            }
            else
            {
                live.Add(file);
            }
        }

        var total = live.Sum(f => f.Length);
        foreach (var file in live.OrderBy(f => f.LastWriteTimeUtc))
        {
            if (total <= MaxBytes)
            {
                break;
            }

            total -= file.Length;
            TryDelete(file.FullName);
        }
    }

    internal string PathOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return Path.Combine(_directory, name[..2], name + ".entry");
    }

    private static bool Expired(ReadOnlySpan<byte> header, DateTimeOffset now) =>
        BinaryPrimitives.ReadInt64LittleEndian(header) < now.UtcTicks;

    private static byte[]? ReadHeader(FileInfo file)
    {
        try
        {
            using var stream = file.OpenRead();
            var header = new byte[HeaderBytes];
            return stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) == HeaderBytes ? header : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Marks the entry used (its write time orders the sweep) and moves a sliding expiration on.</summary>
    private static void Touch(string path, byte[] bytes)
    {
        try
        {
            var sliding = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8));
            if (sliding > 0)
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                Span<byte> expires = stackalloc byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(expires, DateTimeOffset.UtcNow.UtcTicks + sliding);
                stream.Write(expires);
            }

            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only the eviction order suffers.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another process may hold or have deleted it; the next sweep tries again.
        }
    }
}

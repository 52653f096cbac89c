using System.Text;

namespace HybridAnswer;

/// <summary>
/// The file-system side of <see cref="KnowledgeDocumentLoader"/>: the walk (links resolved, each real file once, loops not
/// followed, hidden entries skipped) and the bounded read of one file (never a FIFO or device, never past the size limit).
/// </summary>
internal static class KnowledgeFiles
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // The most symbolic links followed while resolving one path (as Linux's MAXSYMLINKS): a longer chain is a loop.
    private const int MaxLinks = 40;

    /// <summary>
    /// The candidate files under the root: relative path, path, and real path (all links resolved). A symbolic link (to a file or
    /// a folder) whose real path is not under the root's real path is reported and never opened or walked; with
    /// <paramref name="followLinks"/> off every link is reported.
    /// </summary>
    public static List<(string Relative, string Full, string Real)> Walk(string root, bool followLinks, List<KnowledgeLoadFailure> failures, CancellationToken cancellationToken)
    {
        var files = new List<(string, string, string)>();
        var rootReal = RealPath(root) ?? root;
        var visited = new HashSet<string>(StringComparer.Ordinal) { rootReal };
        var pending = new Stack<(DirectoryInfo Directory, string Relative, string Real)>();
        pending.Push((new DirectoryInfo(rootReal), string.Empty, rootReal));
        var enumeration = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        while (pending.TryPop(out var folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<FileSystemInfo> entries;
            try
            {
                entries = [.. folder.Directory.EnumerateFileSystemInfos("*", enumeration).OrderByDescending(e => e.Name, StringComparer.Ordinal)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add(new KnowledgeLoadFailure { Path = folder.Relative.Length == 0 ? "." : folder.Relative, Reason = "is a folder that cannot be read: " + e.Message, Exception = e });
                continue;
            }

            foreach (var entry in entries)
            {
                var relative = folder.Relative + entry.Name;
                var isLink = entry.LinkTarget is not null;
                var isFolder = entry is DirectoryInfo;
                if (!isFolder && Path.GetExtension(entry.Name).ToUpperInvariant() is not (".MD" or ".MARKDOWN" or ".TXT"))
                {
                    continue;
                }

                // Walk from real folders only (folder.Real has no link in it), so a link is always met here, as an entry.
                var real = isLink ? RealPath(Path.Combine(folder.Real, entry.Name)) : Path.Combine(folder.Real, entry.Name);
                var documentId = isFolder ? null : relative[..^Path.GetExtension(relative).Length];
                if (real is null)
                {
                    failures.Add(new KnowledgeLoadFailure { Path = relative, DocumentId = documentId, Reason = "is a symbolic link that leads nowhere (missing target, or a loop)." });
                    continue;
                }

                if (isLink && !IsUnder(real, rootReal))
                {
                    // No document id: the file is not part of the folder, so a copy stored before this rule is not kept.
                    failures.Add(new KnowledgeLoadFailure { Path = relative, Reason = "is a symbolic link whose target resolves outside the folder; it is never opened." });
                    continue;
                }

                if (isLink && !followLinks)
                {
                    failures.Add(new KnowledgeLoadFailure { Path = relative, Reason = "is a symbolic link, not followed (KnowledgeLoaderOptions.FollowSymbolicLinks is off)." });
                    continue;
                }

                if (isFolder)
                {
                    // A folder reached twice (a link to an ancestor, or two links to one folder) is walked once, from its real path.
                    if (visited.Add(real))
                    {
                        pending.Push((new DirectoryInfo(real), relative + "/", real));
                    }

                    continue;
                }

                files.Add((relative, entry.FullName, real));
            }
        }

        return files;
    }

    /// <summary>Whether a real path is the root or under it (ordinal on Linux, whose names are case-sensitive).</summary>
    public static bool IsUnder(string real, string rootReal)
    {
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var prefix = Path.EndsInDirectorySeparator(rootReal) ? rootReal : rootReal + Path.DirectorySeparatorChar;
        return string.Equals(real, rootReal, comparison) || real.StartsWith(prefix, comparison);
    }

    /// <summary>The root's real path, against which every opened file is checked.</summary>
    public static string RootRealPath(string root) => RealPath(root) ?? Path.GetFullPath(root);

    /// <summary>Resolves every symbolic link of a path (as realpath(3)); <see langword="null"/> for a loop or a broken link.</summary>
    private static string? RealPath(string path)
    {
        var links = 0;
        var full = Path.GetFullPath(path);
        while (true)
        {
            var root = Path.GetPathRoot(full) ?? string.Empty;
            var parts = full[root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
            var current = root;
            string? restart = null;
            for (var i = 0; i < parts.Length && restart is null; i++)
            {
                var next = Path.Combine(current, parts[i]);
                string? target;
                try
                {
                    target = new FileInfo(next).LinkTarget;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return null;
                }

                if (target is null)
                {
                    current = next;
                }
                else if (++links > MaxLinks)
                {
                    return null;
                }
                else
                {
                    restart = Path.GetFullPath(Path.Combine([Path.IsPathRooted(target) ? target : Path.Combine(current, target), .. parts[(i + 1)..]]));
                }
            }

            if (restart is null)
            {
                return File.Exists(current) || Directory.Exists(current) ? current : null;
            }

            full = restart;
        }
    }

    /// <summary>Reads one file found by <see cref="Walk"/>, checking after the open that what was opened is still under the root.</summary>
    public static async Task<string> ReadTextAsync(string path, string rootReal, long maxBytes, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException("The file vanished.", path);
        }

        // Never open what reports no size: a FIFO would block the open forever, a device (/dev/zero) never ends.
        if (info.Length == 0)
        {
            throw new InvalidDataException("is empty or not a regular file (a FIFO, socket or device is never opened).");
        }

        if (info.Length > maxBytes)
        {
            throw new InvalidDataException($"is {info.Length} bytes, over the limit of {maxBytes} (KnowledgeLoaderOptions.MaxFileBytes).");
        }

        var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, Options = FileOptions.Asynchronous | FileOptions.SequentialScan, BufferSize = 0 });
        await using (stream.ConfigureAwait(false))
        {
            // The walk resolved the path, but a folder on it may have been swapped for a link since: ask the kernel what the
            // handle really is (Linux names it in /proc/self/fd) and read nothing from a file outside the root.
            if (OperatingSystem.IsLinux() && OpenedPath(stream) is { } opened && !IsUnder(opened, rootReal))
            {
                throw new InvalidDataException("resolved outside the folder when it was opened (a path changed to a symbolic link meanwhile); it was not read.");
            }

            // The file may grow while it is read: never more than the limit.
            var buffer = new byte[(int)Math.Min(maxBytes + 1, info.Length + 4096)];
            var read = 0;
            while (true)
            {
                if (read == buffer.Length)
                {
                    if (buffer.Length > maxBytes)
                    {
                        throw new InvalidDataException($"grew over the limit of {maxBytes} bytes while it was read (KnowledgeLoaderOptions.MaxFileBytes).");
                    }

                    Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
                }

                var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            var bytes = buffer.AsSpan(0, read);
            return StrictUtf8.GetString(bytes.StartsWith(StrictUtf8BomBytes) ? bytes[3..] : bytes);
        }
    }

    private static string? OpenedPath(FileStream stream)
    {
        try
        {
            return new FileInfo("/proc/self/fd/" + stream.SafeFileHandle.DangerousGetHandle().ToInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc (a restricted container): the walk's check stands alone.
            return null;
        }
    }

    private static ReadOnlySpan<byte> StrictUtf8BomBytes => [0xEF, 0xBB, 0xBF];
}

using System.Xml.Linq;

namespace HybridAnswer.Package.Tests;

/// <summary>Finds the repository these tests were built from, and reads its central package versions.</summary>
internal static class RepositoryLayout
{
    /// <summary>Gets the repository root: the first folder above the test binaries that holds HybridAnswer.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Reads a version pinned in Directory.Packages.props, so the host app uses the versions the library was built against.</summary>
    public static string PackageVersion(string packageId)
    {
        var document = XDocument.Load(Path.Combine(Root, "Directory.Packages.props"));
        return document.Descendants("PackageVersion")
                   .FirstOrDefault(e => string.Equals((string?)e.Attribute("Include"), packageId, StringComparison.OrdinalIgnoreCase))
                   ?.Attribute("Version")?.Value
               ?? throw new InvalidOperationException($"Directory.Packages.props pins no version of {packageId}.");
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HybridAnswer.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No HybridAnswer.sln above {AppContext.BaseDirectory}.");
    }
}

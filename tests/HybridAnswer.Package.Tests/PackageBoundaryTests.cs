using System.Xml.Linq;

namespace HybridAnswer.Package.Tests;

/// <summary>The rules between the shipped packages, read from the project files (no pack needed).</summary>
public sealed class PackageBoundaryTests
{
    [Fact]
    public void SourceProjects_InternalsVisibleTo_NeverAnotherShippedPackage()
    {
        var projects = Directory.GetFiles(Path.Combine(RepositoryLayout.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(path => (Path: path, Xml: XDocument.Load(path)))
            .ToList();

        // A shipped package is any packable src project, known by its project name and by its assembly name.
        var shipped = projects
            .Where(p => Property(p.Xml, "IsPackable") == "true")
            .SelectMany(p => new[] { Path.GetFileNameWithoutExtension(p.Path), Property(p.Xml, "AssemblyName") })
            .Where(name => !string.IsNullOrEmpty(name))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var grants = projects.SelectMany(p => p.Xml.Descendants("InternalsVisibleTo")
                .Select(e => $"{Path.GetFileNameWithoutExtension(p.Path)} -> {(string?)e.Attribute("Include")}")
                .Where(grant => shipped.Contains(grant.Split(" -> ")[1])))
            .ToList();

        Assert.Contains("HybridAnswer.PgVector", shipped);
        Assert.Contains("hybrid-answer", shipped);
        Assert.Empty(grants);
    }

    private static string? Property(XDocument project, string name) =>
        project.Descendants(name).FirstOrDefault()?.Value;
}

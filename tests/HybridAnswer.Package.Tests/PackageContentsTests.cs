using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text;
using System.Xml.Linq;

namespace HybridAnswer.Package.Tests;

/// <summary>What the packed .nupkg and .snupkg files hold: what nuget.org, the IDE and the debugger will see.</summary>
[Collection(LocalFeedCollection.Name)]
public sealed class PackageContentsTests(LocalFeedFixture feed)
{
    // The CustomDebugInformation kind of a SourceLink JSON blob in a portable PDB.
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    [Fact]
    public void LibraryPackage_Packed_HasMetadataReadmeAndXmlDocs()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Feed, $"HybridAnswer.{feed.Version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("lib/net10.0/HybridAnswer.dll", entries);
        Assert.Contains("lib/net10.0/HybridAnswer.xml", entries);
        Assert.Contains("README.md", entries);

        var metadata = Nuspec(package);
        Assert.Equal("HybridAnswer", Value(metadata, "id"));
        Assert.Equal(feed.Version, Value(metadata, "version"));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        Assert.Contains("pgvector", Value(metadata, "tags"), StringComparison.Ordinal);
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("https://github.com/hybridanswer/hybridanswer", (string?)repository.Attribute("url"));

        // Build-time only analyzers must not become dependencies of every consumer.
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id")).ToList();
        Assert.Contains("Microsoft.Extensions.AI.Abstractions", dependencies);
        Assert.DoesNotContain("Microsoft.CodeAnalysis.PublicApiAnalyzers", dependencies);
        Assert.DoesNotContain("Npgsql", dependencies);
        Assert.DoesNotContain("Pgvector", dependencies);

        // The adapters to the .NET AI stack live in their own packages: the core never pulls an agent framework in.
        Assert.DoesNotContain(dependencies, d => d!.StartsWith("Microsoft.Agents.", StringComparison.Ordinal));
    }

    [Fact]
    public void VectorDataPackage_Packed_HasDocsAndDependsOnCoreAndVectorDataAbstractions()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Feed, $"HybridAnswer.VectorData.{feed.Version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("lib/net10.0/HybridAnswer.VectorData.dll", entries);
        Assert.Contains("lib/net10.0/HybridAnswer.VectorData.xml", entries);
        Assert.Contains("README.md", entries);

        var dependencies = Nuspec(package).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();
        Assert.Contains("HybridAnswer", dependencies);
        Assert.Contains("Microsoft.Extensions.VectorData.Abstractions", dependencies);
        Assert.DoesNotContain("Microsoft.CodeAnalysis.PublicApiAnalyzers", dependencies);
    }

    [Fact]
    public void AgentsPackage_Packed_HasDocsAndDependsOnCoreAndAgentFrameworkAbstractionsOnly()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Feed, $"HybridAnswer.Agents.{feed.Version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("lib/net10.0/HybridAnswer.Agents.dll", entries);
        Assert.Contains("lib/net10.0/HybridAnswer.Agents.xml", entries);
        Assert.Contains("README.md", entries);

        var metadata = Nuspec(package);
        Assert.Equal("HybridAnswer.Agents", Value(metadata, "id"));
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").ToDictionary(e => (string)e.Attribute("id")!, e => (string?)e.Attribute("version"));
        Assert.Equal($"[{feed.Version}]", dependencies["HybridAnswer"]); // exactly the same version (Directory.Build.targets)
        Assert.Contains("Microsoft.Agents.AI.Abstractions", dependencies.Keys);
        Assert.DoesNotContain("Microsoft.Agents.AI", dependencies.Keys);
        Assert.DoesNotContain("Microsoft.CodeAnalysis.PublicApiAnalyzers", dependencies.Keys);
    }

    [Fact]
    public void PgVectorPackage_Packed_HasDocsAndDependsOnCoreAndNpgsql()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Feed, $"HybridAnswer.PgVector.{feed.Version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("lib/net10.0/HybridAnswer.PgVector.dll", entries);
        Assert.Contains("lib/net10.0/HybridAnswer.PgVector.xml", entries);
        Assert.Contains("README.md", entries);

        var metadata = Nuspec(package);
        Assert.Equal("HybridAnswer.PgVector", Value(metadata, "id"));
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").ToDictionary(e => (string)e.Attribute("id")!, e => (string?)e.Attribute("version"));
        // Exactly the same version (Directory.Build.targets): the store builds on the core's experimental seam.
        Assert.Equal($"[{feed.Version}]", dependencies["HybridAnswer"]);
        Assert.Contains("Npgsql", dependencies.Keys);
        Assert.Contains("Pgvector", dependencies.Keys);
        Assert.DoesNotContain("Microsoft.CodeAnalysis.PublicApiAnalyzers", dependencies.Keys);
    }

    [Fact]
    public void DecisionFrameworkPackage_Packed_HasDocsDependsOnCoreAndCoreLacksToolkit()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Feed, $"HybridAnswer.DecisionFramework.{feed.Version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("lib/net10.0/HybridAnswer.DecisionFramework.dll", entries);
        Assert.Contains("lib/net10.0/HybridAnswer.DecisionFramework.xml", entries);
        Assert.Contains("README.md", entries);

        var metadata = Nuspec(package);
        Assert.Equal("HybridAnswer.DecisionFramework", Value(metadata, "id"));
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").ToDictionary(e => (string)e.Attribute("id")!, e => (string?)e.Attribute("version"));
        Assert.Equal($"[{feed.Version}]", dependencies["HybridAnswer"]);
        Assert.DoesNotContain("Microsoft.CodeAnalysis.PublicApiAnalyzers", dependencies.Keys);
        using (var docs = new StreamReader(package.GetEntry("lib/net10.0/HybridAnswer.DecisionFramework.xml")!.Open()))
        {
            var text = docs.ReadToEnd();
            Assert.Contains("T:HybridAnswer.Evaluation.Evaluator", text, StringComparison.Ordinal);
            Assert.Contains("T:HybridAnswer.Planning.CostModel", text, StringComparison.Ordinal);
            Assert.Contains("T:HybridAnswer.FineTuning.FineTuningValidator", text, StringComparison.Ordinal);
        }

        // The toolkit left the core: a host that only answers questions does not carry it.
        using var core = ZipFile.OpenRead(Path.Combine(feed.Feed, $"HybridAnswer.{feed.Version}.nupkg"));
        using var coreDocs = new StreamReader(core.GetEntry("lib/net10.0/HybridAnswer.xml")!.Open());
        var coreText = coreDocs.ReadToEnd();
        Assert.DoesNotContain("T:HybridAnswer.Evaluation.", coreText, StringComparison.Ordinal);
        Assert.DoesNotContain("T:HybridAnswer.Planning.", coreText, StringComparison.Ordinal);
        Assert.DoesNotContain("T:HybridAnswer.FineTuning.", coreText, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreConformancePackage_Packed_HasTheSuitesAndDependsOnCoreAndXunitOnly()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Feed, $"HybridAnswer.StoreConformance.{feed.Version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("lib/net10.0/HybridAnswer.StoreConformance.dll", entries);
        Assert.Contains("lib/net10.0/HybridAnswer.StoreConformance.xml", entries);
        Assert.Contains("README.md", entries);

        var metadata = Nuspec(package);
        Assert.Equal("HybridAnswer.StoreConformance", Value(metadata, "id"));
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").ToDictionary(e => (string)e.Attribute("id")!, e => (string?)e.Attribute("version"));
        Assert.Contains(feed.Version, dependencies["HybridAnswer"], StringComparison.Ordinal);
        Assert.Contains("xunit.extensibility.core", dependencies.Keys);
        Assert.Contains("xunit.assert", dependencies.Keys);
        // The store's own test project brings the test SDK and the runner; the suite must not drag in a database driver either.
        Assert.DoesNotContain("Microsoft.NET.Test.Sdk", dependencies.Keys);
        Assert.DoesNotContain("xunit.runner.visualstudio", dependencies.Keys);
        Assert.DoesNotContain("Npgsql", dependencies.Keys);
    }

    [Fact]
    public void SymbolPackage_Packed_HasPortablePdbWithSourceLinkToRepository()
    {
        using var symbols = ZipFile.OpenRead(Path.Combine(feed.Feed, $"HybridAnswer.{feed.Version}.snupkg"));
        var pdbEntry = symbols.GetEntry("lib/net10.0/HybridAnswer.pdb");
        Assert.NotNull(pdbEntry);

        using var pdb = new MemoryStream();
        using (var stream = pdbEntry.Open())
        {
            stream.CopyTo(pdb);
        }

        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var sourceLink = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(info => reader.GetGuid(info.Kind) == SourceLinkKind)
            .Select(info => Encoding.UTF8.GetString(reader.GetBlobBytes(info.Value)))
            .SingleOrDefault();

        if (!Directory.Exists(Path.Combine(RepositoryLayout.Root, ".git")) && !File.Exists(Path.Combine(RepositoryLayout.Root, ".git")))
        {
            // Built from a source archive: no commit to link to, and SourceLink rightly stays out.
            return;
        }

        Assert.NotNull(sourceLink);
        Assert.Contains("https://raw.githubusercontent.com/hybridanswer/hybridanswer/", sourceLink, StringComparison.Ordinal);
    }

    [Fact]
    public void ToolPackage_Packed_PointerToOnePackagePerPlatformEachUnder100MB()
    {
        // nuget.org takes at most 250 MB a package; the tool was 254.6 MB with every platform's ONNX Runtime in one package.
        var pointerPath = Path.Combine(feed.Feed, $"HybridAnswer.Cli.{feed.Version}.nupkg");
        Assert.True(new FileInfo(pointerPath).Length < 1_000_000, $"the pointer package is {new FileInfo(pointerPath).Length:N0} bytes");
        using var pointer = ZipFile.OpenRead(pointerPath);
        Assert.Equal("HybridAnswer.Cli", Value(Nuspec(pointer), "id"));
        Assert.Contains(Nuspec(pointer).Descendants(), e => e.Name.LocalName == "packageType" && (string?)e.Attribute("name") == "DotnetTool");
        using var settings = pointer.GetEntry("tools/any/any/DotnetToolSettings.xml")!.Open();
        var tool = XDocument.Load(settings);
        Assert.Equal("hybrid-answer", (string?)tool.Descendants("Command").Single().Attribute("Name"));
        var platforms = tool.Descendants("RuntimeIdentifierPackage").ToDictionary(e => (string)e.Attribute("RuntimeIdentifier")!, e => (string)e.Attribute("Id")!);
        Assert.Equal(["linux-arm64", "linux-x64", "osx-arm64", "win-arm64", "win-x64"], platforms.Keys.Order(StringComparer.Ordinal));

        var samples = Directory.GetFiles(Path.Combine(RepositoryLayout.Root, "docs", "samples"), "*.md", SearchOption.AllDirectories).Length;
        foreach (var (rid, id) in platforms)
        {
            var path = Path.Combine(feed.Feed, $"{id}.{feed.Version}.nupkg");
            var size = new FileInfo(path).Length;
            Assert.True(size < 100_000_000, $"{id} is {size:N0} bytes, over 100 MB");
            using var package = ZipFile.OpenRead(path);
            var entries = package.Entries.Select(e => e.FullName).ToList();
            var root = $"tools/net10.0/{rid}/";
            Assert.Contains(root + "hybrid-answer.dll", entries);
            Assert.Contains(root + "HybridAnswer.Embeddings.MiniLM.dll", entries);
            Assert.Equal(samples, entries.Count(e => e.StartsWith(root + "samples/", StringComparison.Ordinal) && e.EndsWith(".md", StringComparison.Ordinal)));

            // Only this platform's ONNX Runtime; nothing of the packages the model used to come from.
            Assert.Single(entries, e => Path.GetFileName(e) is "libonnxruntime.so" or "onnxruntime.dll" or "libonnxruntime.dylib");
            Assert.DoesNotContain(entries, e => e.Contains("/runtimes/", StringComparison.Ordinal) || e.EndsWith(".aar", StringComparison.Ordinal) || e.EndsWith(".xcframework.zip", StringComparison.Ordinal));
            Assert.DoesNotContain(entries, e => Path.GetFileName(e).StartsWith("SentenceTransformers", StringComparison.Ordinal) || Path.GetFileName(e) is "Microsoft.ML.dll" or "Microsoft.ML.Data.dll" or "Microsoft.ML.Core.dll");
        }
    }

    [Fact]
    public void MiniLMPackage_Packed_Under100MBAndDependsOnlyOnWhatItUses()
    {
        var path = Path.Combine(feed.Feed, $"HybridAnswer.Embeddings.MiniLM.{feed.Version}.nupkg");
        var size = new FileInfo(path).Length;
        Assert.True(size < 100_000_000, $"the MiniLM package is {size:N0} bytes, over 100 MB");
        using var package = ZipFile.OpenRead(path);
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("lib/net10.0/HybridAnswer.Embeddings.MiniLM.dll", entries);
        Assert.Contains("buildTransitive/HybridAnswer.Embeddings.MiniLM.targets", entries);

        var dependencies = Nuspec(package).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("HybridAnswer", dependencies);
        Assert.Contains("Microsoft.ML.OnnxRuntime", dependencies);
        Assert.Contains("Microsoft.ML.Tokenizers", dependencies);
        Assert.DoesNotContain(dependencies, d => d.StartsWith("SentenceTransformers", StringComparison.Ordinal) || d == "Microsoft.ML");
    }

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Value(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? string.Empty;
}

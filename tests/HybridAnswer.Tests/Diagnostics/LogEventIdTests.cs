using System.Reflection;
using HybridAnswer.Cli;
using HybridAnswer.PgVector;
using Microsoft.Extensions.Logging;

namespace HybridAnswer.Tests.Diagnostics;

/// <summary>Every <c>[LoggerMessage]</c> id is unique and inside its area's range (the table in src/HybridAnswer/Diagnostics/Log.cs).</summary>
public sealed class LogEventIdTests
{
    // Mirrors the table on HybridAnswer.Log; an assembly may only use the ranges of the areas it holds.
    private static readonly (string Area, int First, int Last, Assembly Assembly)[] Areas =
    [
        ("answering", 1000, 1099, typeof(HybridAnswerer).Assembly),
        ("generation", 1100, 1199, typeof(HybridAnswerer).Assembly),
        ("knowledge", 1200, 1299, typeof(HybridAnswerer).Assembly),
        ("retrieval", 1300, 1399, typeof(HybridAnswerer).Assembly),
        ("pgvector", 2000, 2099, typeof(PgVectorKnowledgeBase).Assembly),
    ];

    // The messages whose area is known from what they report; a message added later must at least be in its assembly's ranges.
    private static readonly Dictionary<string, string> KnownAreas = new(StringComparer.Ordinal)
    {
        ["Log.AnswerCompleted"] = "answering",
        ["Log.AnswerFailed"] = "answering",
        ["Log.InvalidCitations"] = "answering",
        ["PgVectorLog.Migrated"] = "pgvector",
        ["PgVectorLog.Ingested"] = "pgvector",
        ["PgVectorLog.PoolCleared"] = "pgvector",
    };

    private static IReadOnlyList<(string Name, int Id, Assembly Assembly)> Messages()
    {
        Assembly[] assemblies = [typeof(HybridAnswerer).Assembly, typeof(PgVectorKnowledgeBase).Assembly, typeof(CliApp).Assembly];
        return
        [
            .. from assembly in assemblies
               from type in assembly.GetTypes()
               from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
               let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
               where attribute is not null
               select ($"{type.Name}.{method.Name}", attribute.EventId, assembly),
        ];
    }

    [Fact]
    public void LoggerMessages_AreFound()
    {
        var names = Messages().Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Superset(KnownAreas.Keys.ToHashSet(StringComparer.Ordinal), names);
    }

    [Fact]
    public void LoggerMessages_HaveUniqueIds()
    {
        var duplicates = Messages()
            .GroupBy(m => m.Id)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Name))}");

        Assert.Empty(duplicates);
    }

    [Fact]
    public void LoggerMessages_AreInsideTheirAreasRange()
    {
        var misplaced = new List<string>();
        foreach (var (name, id, assembly) in Messages())
        {
            var area = Areas.FirstOrDefault(a => a.First <= id && id <= a.Last);
            if (area.Area is null)
            {
                misplaced.Add($"{name} ({id}) is in no area's range");
            }
            else if (area.Assembly != assembly)
            {
                misplaced.Add($"{name} ({id}) is in the {area.Area} range, which {assembly.GetName().Name} does not hold");
            }
            else if (KnownAreas.TryGetValue(name, out var expected) && expected != area.Area)
            {
                misplaced.Add($"{name} ({id}) is in the {area.Area} range, not in {expected}");
            }
        }

        Assert.Empty(misplaced);
    }

    [Fact]
    public void Areas_DoNotOverlap()
    {
        var ordered = Areas.OrderBy(a => a.First).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i - 1].Last < ordered[i].First, $"{ordered[i - 1].Area} overlaps {ordered[i].Area}");
        }
    }
}

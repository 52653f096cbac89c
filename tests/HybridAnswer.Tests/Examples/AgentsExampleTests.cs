using System.Diagnostics;
using System.Reflection;

namespace HybridAnswer.Tests.Examples;

/// <summary>Runs the built examples/Agents program offline (the test project references it, so it is built first) and checks what it prints.</summary>
public sealed class AgentsExampleTests
{
    [Fact]
    public async Task AgentsExample_RunOffline_AgentAndToolAnswerFromTheTenantsSourcesWithCitations()
    {
        var configuration = typeof(AgentsExampleTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "HybridAnswer.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var dll = Path.Combine(directory.FullName, "examples", "Agents", "bin", configuration, "net10.0", "Agents.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project builds examples/Agents first.");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, errors);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("agent: We ship to the United States and Canada. Delivery takes 3 to 5 business days. [1]", lines[0]);
        Assert.Equal("[1] Shipping (shipping)", lines[1]);
        Assert.StartsWith("tool-calling model: You can return any item within 30 days", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("90 days", output, StringComparison.Ordinal);
    }
}

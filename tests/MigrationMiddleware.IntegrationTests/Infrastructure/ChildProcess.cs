using System.Collections.Concurrent;
using System.Diagnostics;

namespace MigrationMiddleware.IntegrationTests.Infrastructure;

/// <summary>Runs a built project of this repository as a child process, collecting its output lines.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly ConcurrentQueue<string> _lines = new();

    private ChildProcess(Process process)
    {
        Process = process;
    }

    public Process Process { get; }

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Starts <paramref name="project"/>'s built assembly (same configuration as the tests) with the given environment and arguments.</summary>
    public static ChildProcess Start(string project, IReadOnlyDictionary<string, string> environment, bool captureOutput = true, params string[] arguments)
    {
        var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(tests.Parent!.Parent!.FullName, project, tests.Name, project + ".dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = captureOutput,
            RedirectStandardError = captureOutput,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var child = new ChildProcess(Process.Start(start)!);
        if (captureOutput)
        {
            child.Process.OutputDataReceived += (_, e) => child.Add(e.Data);
            child.Process.ErrorDataReceived += (_, e) => child.Add(e.Data);
            child.Process.BeginOutputReadLine();
            child.Process.BeginErrorReadLine();
        }

        return child;
    }

    public int Count(string fragment) => _lines.Count(l => l.Contains(fragment, StringComparison.Ordinal));

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}

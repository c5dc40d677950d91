using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TickStock.Testing;

/// <summary>
/// A CLI/daemon process under test: output captured line by line, waits for a line, POSIX signals.
/// </summary>
public sealed partial class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _newLine = new(0);

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Output => string.Join('\n', _lines);

    /// <summary>Starts <c>dotnet tickstock.dll ARGS</c> from the test's output folder, with the local services' environment plus <paramref name="environment"/>.</summary>
    /// <param name="launcher">A command that runs <c>dotnet</c> for us and becomes it (e.g. <c>ip netns exec NS</c>), so the
    /// process started is the CLI itself; empty = <c>dotnet</c> directly.</param>
    public static ChildProcess StartCli(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, IReadOnlyList<string>? launcher = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "tickstock.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("tickstock.dll is not next to the tests", dll);
        var info = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (launcher is { Count: > 0 })
        {
            foreach (var part in launcher.Skip(1)) info.ArgumentList.Add(part);
            info.ArgumentList.Add("dotnet");
        }

        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in LocalServices.ChildEnvironment) info.Environment[key] = value;
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (value is null) info.Environment.Remove(key); else info.Environment[key] = value;
            }
        }

        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet"));
    }

    /// <summary>Waits until a line containing <paramref name="text"/> appears; returns false on timeout or exit.</summary>
    public async Task<bool> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.Any(l => l.Contains(text, StringComparison.Ordinal))) return true;
            if (_process.HasExited && _newLine.CurrentCount == 0)
            {
                await Task.Delay(100).ConfigureAwait(false);
                return _lines.Any(l => l.Contains(text, StringComparison.Ordinal));
            }

            await _newLine.WaitAsync(TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
        }

        return false;
    }

    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            _process.WaitForExit(); // flushes the asynchronous output readers
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Signal(PosixSignal signal)
    {
        var number = signal switch
        {
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGTERM => 15,
            _ => throw new ArgumentOutOfRangeException(nameof(signal)),
        };
        if (SysKill(_process.Id, number) != 0) throw new InvalidOperationException($"kill({_process.Id}, {number}) failed");
    }

    /// <summary>SIGKILL: no shutdown hook, no flush, no leave (a crash or an OOM kill); waits until it is gone.</summary>
    public void KillHard()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public bool HasExited => _process.HasExited;

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SysKill(int pid, int sig);

    private void Add(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        _newLine.Release();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        _newLine.Dispose();
    }
}

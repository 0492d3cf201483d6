using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ClosedLoop.TestSupport;

/// <summary>
/// The real compiled firmware core running as a virtual device on a pseudo-terminal (firmware-bridge's
/// bp_virtual_device). The binary is built once per test run with CMake (incrementally) under a file lock, so
/// parallel test assemblies share one build.
/// </summary>
public sealed partial class VirtualDevice : IAsyncDisposable
{
    private static readonly Lazy<string> s_binary = new(Build);
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private VirtualDevice(Process process, string pty, string? link, Task<string> stderr)
    {
        _process = process;
        PtyPath = pty;
        Link = link;
        _stderr = stderr;
    }

    /// <summary>The symbolic link the device made to its terminal (<c>--link</c>), null without one.</summary>
    public string? Link { get; }

    /// <summary>The pseudo-terminal the device listens on.</summary>
    public string PtyPath { get; }

    /// <summary>The compiled bp_virtual_device (built on first use).</summary>
    public static string BinaryPath => s_binary.Value;

    /// <summary>Process id (for signals).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The repository's firmware-bridge folder.</summary>
    public static string FirmwareDir
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            {
                string p = Path.Combine(d.FullName, "firmware-bridge");
                if (File.Exists(Path.Combine(p, "CMakeLists.txt")))
                {
                    return p;
                }
            }
            throw new DirectoryNotFoundException("firmware-bridge not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Start a device with command-line <paramref name="args"/> and wait (bounded) for its terminal.</summary>
    public static async Task<VirtualDevice> StartAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(s_binary.Value) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start the virtual device");
        var stderr = p.StandardError.ReadToEndAsync();
        string? line = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        if (line is null || !line.StartsWith("pty ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("virtual device did not report its terminal: " + line + " " + await stderr.ConfigureAwait(false));
        }
        int at = Array.IndexOf(args, "--link");
        return new VirtualDevice(p, line[4..], at >= 0 && at + 1 < args.Length ? args[at + 1] : null, stderr);
    }

    /// <summary>Send a signal (SIGUSR1 = 10 raises the e-stop input, SIGUSR2 = 12 releases it, SIGSTOP 19 / SIGCONT 18).
    /// SIGKILL (9) first removes the device's link, as a device that exits on its own does: the killed device cannot,
    /// and its terminal's number is free for any other program's pty the moment it dies.</summary>
    public void Signal(int signal)
    {
        if (signal == SigKill)
        {
            RemoveLink();
        }
        _ = Kill(_process.Id, signal);
    }

    private const int SigKill = 9;

    private void RemoveLink()
    {
        if (Link != null)
        {
            Devices.Pty.RemoveLinkIfOurs(Link, PtyPath);
        }
    }

    /// <summary>Stop the device (SIGTERM; outputs safe) and return its summary line from stderr.</summary>
    public async Task<string> StopAsync()
    {
        if (!_process.HasExited)
        {
            Signal(15);
            Signal(18); // in case it was stopped
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                RemoveLink(); // before the kill frees the terminal's number
                _process.Kill();
            }
        }
        return await _stderr.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private static string Build()
    {
        string dir = FirmwareDir;
        string build = Path.Combine(dir, "build-tests");
        Directory.CreateDirectory(build);
        using var lockFile = AcquireLock(Path.Combine(build, ".lock"));
        if (!File.Exists(Path.Combine(build, "CMakeCache.txt")))
        {
            Run("cmake", "-S", dir, "-B", build, "-DCMAKE_BUILD_TYPE=Release");
        }
        Run("cmake", "--build", build, "--target", "bp_virtual_device", "-j2");
        return Path.Combine(build, "bp_virtual_device");
    }

    private static FileStream AcquireLock(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100); // another test assembly is building: its build is what this one needs
            }
        }
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {output} {err.Result}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}

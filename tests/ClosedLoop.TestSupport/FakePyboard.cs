using System.Diagnostics;

namespace ClosedLoop.TestSupport;

/// <summary>
/// The fake pyPhotometry board (Fakes/fake_pyboard.py, run by python3): MicroPython's raw REPL on a real
/// pseudo-terminal, running the code the host sends in CPython with stand-ins for the board's pyb module, so our
/// acquisition module is uploaded and streams real frames. <see cref="Log"/> lists what the board executed and the
/// stop byte when it arrived.
/// <para>The host opens <see cref="Link"/>, a symbolic link to the board's terminal, never the bare /dev/pts/N: the
/// link is removed before the terminal is freed (by the board on SIGTERM, by <see cref="DisposeAsync"/> before its
/// SIGKILL), so a driver opening the board's name after the board is gone finds nothing, not the pty of whichever
/// program the kernel gave the freed number to next.</para>
/// </summary>
public sealed class FakePyboard : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private FakePyboard(Process process, string link, string slave, string flash, string logPath, Task<string> stderr)
    {
        _process = process;
        Link = link;
        SlavePath = slave;
        FlashDirectory = flash;
        LogPath = logPath;
        _stderr = stderr;
    }

    /// <summary>The path the host opens: a symbolic link to <see cref="SlavePath"/> while the board runs, gone after.</summary>
    public string Link { get; }

    /// <summary>The board's terminal (/dev/pts/N); its number is free for any program's next pty once the board is gone.</summary>
    public string SlavePath { get; }

    /// <summary>The board's "flash": where uploaded files land.</summary>
    public string FlashDirectory { get; }

    /// <summary>The board's log file: one line per executed command ("exec ...") and "STOP byte received".</summary>
    public string LogPath { get; }

    /// <summary>The log so far.</summary>
    public IReadOnlyList<string> Log => File.Exists(LogPath) ? File.ReadAllLines(LogPath) : [];

    /// <summary>Start a board whose flash is <paramref name="flash"/> (kept across boards, as a real board's is).</summary>
    /// <param name="flash">The flash folder.</param>
    /// <param name="failAfterTicks">When positive, the ADC fails (OSError 5) after this many timer ticks: the board prints a traceback.</param>
    /// <param name="silent">A device that never answers (not a MicroPython board).</param>
    public static async Task<FakePyboard> StartAsync(string flash, int failAfterTicks = 0, bool silent = false)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "Fakes", "fake_pyboard.py");
        string id = Guid.NewGuid().ToString("N");
        string logPath = Path.Combine(flash, "..", Path.GetFileName(flash) + $"-board-{id}.log");
        string link = Path.GetFullPath(Path.Combine(flash, "..", Path.GetFileName(flash) + $"-board-{id[..8]}.tty"));
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-u", script, "--flash", flash, "--link", link, "--log", logPath })
        {
            psi.ArgumentList.Add(a);
        }
        if (failAfterTicks > 0)
        {
            psi.ArgumentList.Add("--fail-after-ticks");
            psi.ArgumentList.Add(failAfterTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (silent)
        {
            psi.ArgumentList.Add("--silent");
        }
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start python3 " + script);
        var stderr = p.StandardError.ReadToEndAsync();
        string? line = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (line is null || !line.StartsWith("pty ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("fake pyboard did not report its terminal: " + line + " " + await stderr.ConfigureAwait(false));
        }
        string slave = line[4..].Trim();
        if (new FileInfo(link).LinkTarget != slave)
        {
            throw new InvalidOperationException($"fake pyboard reported {slave} but {link} names {new FileInfo(link).LinkTarget}");
        }
        return new FakePyboard(p, link, slave, flash, Path.GetFullPath(logPath), stderr);
    }

    /// <summary>Wait (bounded, polling) until the log has a line containing <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Log.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the fake board never logged '{text}'; log: {string.Join(" / ", Log)}; stderr: {(_process.HasExited ? await _stderr.ConfigureAwait(false) : "(running)")}");
            }
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Unplug the board: its link goes first, then the process (SIGKILL), which frees the terminal.</summary>
    public async ValueTask DisposeAsync()
    {
        Devices.Pty.RemoveLinkIfOurs(Link, SlavePath); // before the kill frees the terminal's number
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
    }
}

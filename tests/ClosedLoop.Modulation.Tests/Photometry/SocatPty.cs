using System.Diagnostics;

namespace ClosedLoop.Modulation.Tests.Photometry;

/// <summary>A real pseudo-terminal pair made by socat (<c>socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B</c>); killed on dispose.
/// Both ends are handed out as socat's links, never as bare /dev/pts/N, and <see cref="Kill"/> removes the links before
/// the kill frees the terminals (SIGKILL leaves socat no chance to, and a freed number goes to the next pty opened
/// anywhere: a driver opening a link left behind would reach another test's terminal).</summary>
internal sealed class SocatPty : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private SocatPty(Process process, string dir, string a, string b)
    {
        _process = process;
        _dir = dir;
        EndA = a;
        EndB = b;
    }

    /// <summary>The terminals behind <see cref="EndA"/> and <see cref="EndB"/> (/dev/pts/N), once socat made them.</summary>
    public string? SlaveA { get; private set; }

    /// <inheritdoc cref="SlaveA"/>
    public string? SlaveB { get; private set; }

    /// <summary>The end the test writes to (the "board").</summary>
    public string EndA { get; }

    /// <summary>The end the source reads (the "/dev/ttyACM0").</summary>
    public string EndB { get; }

    public static async Task<SocatPty> StartAsync(TimeSpan timeout)
    {
        string dir = Path.Combine(Path.GetTempPath(), "closedloop-pty-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        string a = Path.Combine(dir, "board"), b = Path.Combine(dir, "host");
        var psi = new ProcessStartInfo("socat") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-d", "-d", $"pty,raw,echo=0,link={a}", $"pty,raw,echo=0,link={b}" })
        {
            psi.ArgumentList.Add(arg);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("socat did not start");
        process.ErrorDataReceived += (_, _) => { }; // drain socat's log so it never blocks on a full pipe
        process.BeginErrorReadLine();
        var pty = new SocatPty(process, dir, a, b);
        var deadline = Stopwatch.StartNew();
        while (!(File.Exists(a) && File.Exists(b)))
        {
            if (process.HasExited || deadline.Elapsed > timeout)
            {
                await pty.DisposeAsync();
                throw new TimeoutException($"socat did not create {a} and {b} within {timeout}");
            }
            await Task.Delay(10); // polling for the links socat creates; bounded by the timeout above
        }
        pty.SlaveA = new FileInfo(a).LinkTarget;
        pty.SlaveB = new FileInfo(b).LinkTarget;
        return pty;
    }

    /// <summary>Remove both links (while they still name this pair's terminals), then kill this socat (by its own process
    /// handle), which ends the pty pair and frees their numbers.</summary>
    public void Kill()
    {
        if (SlaveA != null)
        {
            ClosedLoop.TestSupport.Devices.Pty.RemoveLinkIfOurs(EndA, SlaveA);
        }
        if (SlaveB != null)
        {
            ClosedLoop.TestSupport.Devices.Pty.RemoveLinkIfOurs(EndB, SlaveB);
        }
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}

using System.Diagnostics;

namespace ClosedLoop.Modulation.Tests.Photometry;

/// <summary>A real pseudo-terminal pair made by socat (<c>socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B</c>); killed on dispose.</summary>
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
        return pty;
    }

    /// <summary>Kill this socat (by its own process handle) and end the pty pair.</summary>
    public void Kill()
    {
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

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace ClosedLoop.Rig.Hil;

/// <summary>One start of the compiled virtual device (firmware-bridge's bp_virtual_device) with its frame and state logs.</summary>
internal sealed partial class HilDeviceProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private HilDeviceProcess(Process process, Task<string> stderr, string frameLog, string stateLog, string link, string pty)
    {
        _process = process;
        _stderr = stderr;
        FrameLog = frameLog;
        StateLog = stateLog;
        _link = link;
        _pty = pty;
    }

    private readonly string _link, _pty;

    public string FrameLog { get; }

    public string StateLog { get; }

    public int Id => _process.Id;

    /// <summary>Frames the device rejected (bad COBS, CRC, length...), from its exit summary; 0 before it exited.</summary>
    public long Rejected { get; private set; }

    /// <summary>Start a device on <paramref name="link"/> and wait (bounded) for its terminal.</summary>
    public static async Task<HilDeviceProcess> StartAsync(string binary, string link, string logBase, double ceiling, bool neverAck, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        string frames = logBase + ".csv", states = logBase + ".state.csv";
        foreach (string a in new[] { "--link", link, "--log", frames, "--state-log", states, "--ceiling", ceiling.ToString("R", CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }
        if (neverAck)
        {
            psi.ArgumentList.Add("--never-ack-limits");
        }
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + binary);
        var stderr = p.StandardError.ReadToEndAsync(CancellationToken.None);
        string? line = await p.StandardOutput.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(20), ct).ConfigureAwait(false);
        if (line is null || !line.StartsWith("pty ", StringComparison.Ordinal))
        {
            p.Kill();
            throw new InvalidOperationException("the virtual device did not report its terminal: " + line + " " + await stderr.ConfigureAwait(false));
        }
        return new HilDeviceProcess(p, stderr, frames, states, link, line[4..]);
    }

    public void Signal(int signal) => _ = Kill(_process.Id, signal);

    /// <summary>SIGTERM (the device turns its outputs off and exits), bounded; the summary's rejected count is read.</summary>
    public async Task StopAsync()
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
                RemoveLink(); // the device does it when it exits; killed, it cannot, and its terminal's number is then free
                _process.Kill();
                throw new InvalidOperationException("the virtual device did not exit on SIGTERM");
            }
        }
        var m = SummaryPattern().Match(await _stderr.ConfigureAwait(false));
        Rejected = m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    public void Dispose() => _process.Dispose();

    /// <summary>Delete the link if it still names this device's terminal (before a kill: a link left behind at a freed
    /// /dev/pts number would lead the controller's reconnect into whatever pty gets that number next).</summary>
    private void RemoveLink()
    {
        try
        {
            var info = new FileInfo(_link);
            if (info.LinkTarget == _pty)
            {
                info.Delete();
            }
        }
        catch (IOException)
        {
            // already gone
        }
    }

    [GeneratedRegex(@"frames ok, (\d+) rejected")]
    private static partial Regex SummaryPattern();

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}

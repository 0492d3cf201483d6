using System.Diagnostics;

namespace ClosedLoop.TestSupport;

/// <summary>
/// Runs Fakes/pupil_fake.py (a fake Pupil Capture: Pupil Remote, the backbone's SUB and PUB ports) as a real process
/// under Debian's /usr/bin/python3 (python3-zmq, python3-msgpack) and reads the ports it bound. Closing its stdin ends
/// it. With a <c>logPath</c> it logs what Capture received (remote commands, notifications, annotations), one JSON
/// object per line.
/// </summary>
public sealed class PupilFakeProcess : IDisposable
{
    private readonly Process _process;

    private PupilFakeProcess(Process process, int remotePort, int subPort)
    {
        _process = process;
        RemotePort = remotePort;
        SubPort = subPort;
    }

    public int RemotePort { get; }

    public int SubPort { get; }

    public static async Task<PupilFakeProcess> StartAsync(double offsetSeconds, double rateHz = 200, double durationSeconds = 20, bool hostile = false,
        string? version = null, bool fallback = false, string? logPath = null, bool annotationPlugin = false)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "Fakes", "pupil_fake.py");
        var info = new ProcessStartInfo("/usr/bin/python3")
        {
            ArgumentList = { script, "--offset", offsetSeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--rate", rateHz.ToString(System.Globalization.CultureInfo.InvariantCulture), "--duration", durationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (hostile)
        {
            info.ArgumentList.Add("--hostile");
        }
        if (version is not null)
        {
            info.ArgumentList.Add("--version");
            info.ArgumentList.Add(version);
        }
        if (fallback)
        {
            info.ArgumentList.Add("--fallback");
        }
        if (logPath is not null)
        {
            info.ArgumentList.Add("--log");
            info.ArgumentList.Add(logPath);
        }
        if (annotationPlugin)
        {
            info.ArgumentList.Add("--annotation-plugin");
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (line is null || !line.StartsWith("READY ", StringComparison.Ordinal))
        {
            string err = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(5));
            throw new InvalidOperationException($"pupil_fake.py did not start: '{line}' {err}");
        }
        var parts = line.Split(' ');
        return new PupilFakeProcess(process, int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(3000))
            {
                _process.Kill();
                _process.WaitForExit(3000);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}

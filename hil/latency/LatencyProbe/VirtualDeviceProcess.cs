using System.Diagnostics;
using System.Globalization;

namespace ClosedLoop.Hil.Latency;

/// <summary>firmware-bridge's virtual device (built with CMake into firmware-bridge/build), with a frame log.</summary>
internal sealed class VirtualDeviceProcess
{
    private readonly Process _process;
    private readonly string _log;

    private VirtualDeviceProcess(Process process, string link, string log)
    {
        _process = process;
        Link = link;
        _log = log;
    }

    public string Link { get; }

    public static VirtualDeviceProcess Start()
    {
        string binary = Environment.GetEnvironmentVariable("CL_VIRTUAL_DEVICE") ?? FindBinary();
        string dir = Path.Combine(Path.GetTempPath(), $"cl-bridge-latency-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        string link = Path.Combine(dir, "tty"), log = Path.Combine(dir, "device.csv");
        var p = Probe.Start(binary, "--link", link, "--log", log, "--tick-hz", "10000");
        string? line = p.StandardOutput.ReadLine();
        if (line is null || !line.StartsWith("pty ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("the virtual device did not start: " + line);
        }
        return new VirtualDeviceProcess(p, link, log);
    }

    /// <summary>Stop the device; per input sequence (low 32 bits), the device-clock ns it first accepted a frame with it.</summary>
    public Dictionary<uint, long> StopAndReadFirstSeen()
    {
        // The link first: the kill frees the terminal's /dev/pts number for any other program's pty, and a link left
        // behind would name that one.
        File.Delete(Link);
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
        var first = new Dictionary<uint, long>();
        foreach (string line in File.ReadLines(_log))
        {
            var f = line.Split(',');
            uint seq = uint.Parse(f[2], CultureInfo.InvariantCulture);
            first.TryAdd(seq, long.Parse(f[0], CultureInfo.InvariantCulture) * 1000);
        }
        return first;
    }

    private static string FindBinary()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            string p = Path.Combine(d.FullName, "firmware-bridge", "build", "bp_virtual_device");
            if (File.Exists(p))
            {
                return p;
            }
        }
        throw new FileNotFoundException("build firmware-bridge first (cmake -S firmware-bridge -B firmware-bridge/build && cmake --build firmware-bridge/build), or set CL_VIRTUAL_DEVICE");
    }
}

using System.Diagnostics;

namespace ClosedLoop.Rig.Hil;

/// <summary>Finds firmware-bridge's virtual device binary, building it with CMake when it is missing.</summary>
public static class HilDeviceBinary
{
    /// <summary>The repository's firmware-bridge folder above the working directory or the program, or null.</summary>
    public static string? FindFirmwareDir()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
            {
                string p = Path.Combine(d.FullName, "firmware-bridge");
                if (File.Exists(Path.Combine(p, "CMakeLists.txt")))
                {
                    return p;
                }
            }
        }
        return null;
    }

    /// <summary>firmware-bridge/build/bp_virtual_device, configured and built first if it is not there.</summary>
    public static string Locate(TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        string dir = FindFirmwareDir() ?? throw new FileNotFoundException("firmware-bridge not found above the working directory: give --device PATH");
        string build = Path.Combine(dir, "build");
        string binary = Path.Combine(build, "bp_virtual_device");
        if (File.Exists(binary))
        {
            return binary;
        }
        log.WriteLine($"building the virtual device in {build} (cmake)");
        if (!File.Exists(Path.Combine(build, "CMakeCache.txt")))
        {
            Run("cmake", "-S", dir, "-B", build, "-DCMAKE_BUILD_TYPE=Release");
        }
        Run("cmake", "--build", build, "--target", "bp_virtual_device", "-j2");
        return binary;
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {output} {err.Result}");
        }
    }
}

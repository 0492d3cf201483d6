using System.Diagnostics;
using Xunit;

namespace ClosedLoop.Bridge.Tests.Usb;

/// <summary>
/// The libusb binding against the real libusb-1.0 with no USB hardware and no USB subsystem: umockdev (Debian
/// <c>umockdev</c>) fakes the sysfs tree and the usbdevfs node of a device described by hand
/// (<c>Usb/bridge-1209-0001.umockdev</c>) and answers its bulk and interrupt URBs from an ioctl script
/// (<c>Usb/bridge-1209-0001.ioctl</c>). What this covers and what it cannot: <c>Usb/README.md</c>.
/// </summary>
public sealed class UsbUmockdevTests
{
    private static readonly Lazy<Dictionary<string, List<string>>> s_probe = new(RunProbe);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Usb", name);

    private static Dictionary<string, List<string>> RunProbe()
    {
        string dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var psi = new ProcessStartInfo("umockdev-run") { RedirectStandardOutput = true, RedirectStandardError = true };
        // The runtime's debugger transport opens a FIFO that blocks until a debugger connects; umockdev's preload holds
        // its path lock around that open, so every other thread of the probe would deadlock on the lock.
        psi.Environment["DOTNET_EnableDiagnostics"] = "0";
        foreach (string a in (string[])["-d", Fixture("bridge-1209-0001.umockdev"), "-i", "/dev/bus/usb/001/002=" + Fixture("bridge-1209-0001.ioctl"),
                     "--", dotnet, typeof(UsbProbe).Assembly.Location, "usb-probe"])
        {
            psi.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("umockdev-run is missing: scripts/install-deps.sh installs Debian's umockdev (" + e.Message + ")", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdoutTask = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("the USB probe under umockdev did not finish in 120 s");
            }
            string stdout = stdoutTask.Result;
            Assert.True(process.ExitCode == 0, $"probe exit {process.ExitCode}\n{stdout}\n{stderr.Result}");
            var result = new Dictionary<string, List<string>>();
            foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = line.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    string key = line[..eq];
                    if (!result.TryGetValue(key, out var values))
                    {
                        result[key] = values = [];
                    }
                    values.Add(line[(eq + 1)..].TrimEnd('\r'));
                }
            }
            return result;
        }
    }

    private static string One(string key)
    {
        Assert.True(s_probe.Value.TryGetValue(key, out var v), $"no {key} in the probe's output");
        return Assert.Single(v);
    }

    [Fact]
    public void Enumerate_UnderUmockdev_SeesTheDescribedDeviceAndItsHub()
    {
        Assert.Equal("yes", One("system_has_usb")); // the faked /sys/bus/usb: the binding's own check passes
        var devices = s_probe.Value["device"];
        Assert.Contains("1209:0001 bus 1 address 2", devices);
        Assert.Contains("1d6b:0002 bus 1 address 1", devices);
        Assert.Equal(2, devices.Count);
    }

    [Fact]
    public void Open_ByVendorAndProduct_OpensTheDescribedDeviceAndNamesAMissingOne()
    {
        Assert.Equal("ok", One("open"));
        Assert.Contains("no USB device ffff:fffe", One("open_missing"), StringComparison.Ordinal);
    }

    [Fact]
    public void BulkAndInterrupt_ScriptedUrbs_CarryTheBytesBothWays()
    {
        Assert.Equal("5", One("bulk_out"));                      // "hello" matched the script byte for byte
        Assert.Equal("776F726C64", One("bulk_in"));              // "world" from endpoint 0x81
        Assert.Equal("0103", One("interrupt_in"));               // two bytes from the interrupt endpoint 0x82
    }

    [Fact]
    public void Transfers_DeviceErrors_SurfaceAsClassifiedUsbExceptions()
    {
        Assert.Contains("LIBUSB_ERROR_IO", One("bulk_out_unscripted"), StringComparison.Ordinal); // bytes the device did not expect
        Assert.Contains("LIBUSB_ERROR_PIPE", One("bulk_in_stall"), StringComparison.Ordinal);     // an endpoint stall (-EPIPE)
        string gone = One("bulk_out_gone");                                                       // the URB reaped with -ENODEV
        Assert.Contains("LIBUSB_ERROR_NO_DEVICE", gone, StringComparison.Ordinal);
        Assert.Contains("gone=True", gone, StringComparison.Ordinal);
    }
}

using ClosedLoop.Bridge.Usb;
using Xunit;

namespace ClosedLoop.Bridge.Tests;

public class UsbTests
{
    [Fact]
    public void Create_WithoutUsbSubsystem_ClearErrorElseEnumerates()
    {
        if (!UsbContext.SystemHasUsb)
        {
            // This build machine: no /sys/bus/usb, no /dev/bus/usb.
            var e = Assert.Throws<UsbException>(UsbContext.Create);
            Assert.Contains("no USB subsystem", e.Message, StringComparison.Ordinal);
            Assert.False(e.DeviceGone);
            return;
        }
        using var usb = UsbContext.Create();
        var devices = usb.Enumerate();
        Assert.All(devices, d => Assert.True(d.Bus > 0));
        var missing = Assert.Throws<UsbException>(() => usb.Open(0xFFFF, 0xFFFE));
        Assert.Contains("ffff:fffe", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsbException_LibUsbCodes_NamedByLibUsb()
    {
        // Calls into the real libusb-1.0 (libusb_error_name): the message names the error, and the code classifies it.
        var gone = new UsbException("libusb_bulk_transfer", -4);
        Assert.True(gone.DeviceGone);
        Assert.Contains("LIBUSB_ERROR_NO_DEVICE", gone.Message, StringComparison.Ordinal);
        var timeout = new UsbException("libusb_bulk_transfer", -7);
        Assert.True(timeout.TimedOut);
        Assert.Contains("LIBUSB_ERROR_TIMEOUT", timeout.Message, StringComparison.Ordinal);
    }
}

using System.Globalization;
using ClosedLoop.Bridge.Usb;

namespace ClosedLoop.Bridge.Tests.Usb;

/// <summary>
/// The test assembly's own entry point: <c>dotnet ClosedLoop.Bridge.Tests.dll usb-probe</c> drives the libusb binding
/// through the steps <see cref="UsbUmockdevTests"/> scripted, one <c>key=value</c> line per result. The tests run it
/// under <c>umockdev-run</c>, which must start the process (its preload library fakes sysfs and usbdevfs for everything
/// the process opens); the test host itself cannot be put under it after it started.
/// </summary>
public static class UsbProbe
{
    public static int Main(string[] args)
    {
        if (args.Length != 1 || args[0] != "usb-probe")
        {
            Console.Error.WriteLine("usage: dotnet ClosedLoop.Bridge.Tests.dll usb-probe (run under umockdev-run; the tests do)");
            return 2;
        }
        Say("system_has_usb", UsbContext.SystemHasUsb ? "yes" : "no");
        using var usb = UsbContext.Create();
        foreach (var d in usb.Enumerate())
        {
            Say("device", $"{d.VendorId:x4}:{d.ProductId:x4} bus {d.Bus} address {d.Address}");
        }
        Try("open_missing", () => usb.Open(0xFFFF, 0xFFFE).Dispose());
        using var dev = usb.Open(0x1209, 0x0001);
        Say("open", "ok");
        Try("bulk_out", () => dev.Bulk(0x01, "hello"u8.ToArray(), TimeSpan.FromSeconds(1)).ToString(CultureInfo.InvariantCulture));
        Try("bulk_in", () => Read(dev, 0x81, 64, interrupt: false));
        Try("interrupt_in", () => Read(dev, 0x82, 16, interrupt: true));
        Try("bulk_out_unscripted", () => dev.Bulk(0x01, "nope"u8.ToArray(), TimeSpan.FromSeconds(1)).ToString(CultureInfo.InvariantCulture));
        Try("bulk_in_stall", () => Read(dev, 0x81, 64, interrupt: false));
        Try("bulk_out_gone", () => dev.Bulk(0x01, "bye"u8.ToArray(), TimeSpan.FromSeconds(1)).ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static string Read(UsbDeviceHandle dev, byte endpoint, int length, bool interrupt)
    {
        var buffer = new byte[length];
        int n = interrupt ? dev.Interrupt(endpoint, buffer, TimeSpan.FromSeconds(1)) : dev.Bulk(endpoint, buffer, TimeSpan.FromSeconds(1));
        return Convert.ToHexString(buffer, 0, n);
    }

    private static void Try(string key, Func<string> step)
    {
        try
        {
            Say(key, step());
        }
        catch (UsbException e)
        {
            Say(key, $"error code={e.Code} gone={e.DeviceGone} timeout={e.TimedOut} {e.Message}");
        }
    }

    private static void Try(string key, Action step) => Try(key, () =>
    {
        step();
        return "ok";
    });

    private static void Say(string key, string value) => Console.Out.WriteLine(key + "=" + value);
}

using System.Runtime.InteropServices;

namespace ClosedLoop.Bridge.Usb;

/// <summary>An open USB device with one claimed interface: bulk and interrupt transfers with timeouts.</summary>
public sealed class UsbDeviceHandle : IDisposable
{
    private readonly int _interface;
    private IntPtr _handle;

    internal UsbDeviceHandle(IntPtr handle, int interfaceNumber)
    {
        _handle = handle;
        _interface = interfaceNumber;
    }

    /// <summary>Bulk transfer on <paramref name="endpoint"/> (bit 7 set = IN); returns bytes transferred. A timeout or an
    /// unplugged device throws <see cref="UsbException"/> (<see cref="UsbException.TimedOut"/>, <see cref="UsbException.DeviceGone"/>).</summary>
    public int Bulk(byte endpoint, Span<byte> data, TimeSpan timeout) =>
        Transfer("libusb_bulk_transfer", endpoint, data, timeout, interrupt: false);

    /// <summary>Interrupt transfer, as <see cref="Bulk"/>.</summary>
    public int Interrupt(byte endpoint, Span<byte> data, TimeSpan timeout) =>
        Transfer("libusb_interrupt_transfer", endpoint, data, timeout, interrupt: true);

    private int Transfer(string call, byte endpoint, Span<byte> data, TimeSpan timeout, bool interrupt)
    {
        ObjectDisposedException.ThrowIf(_handle == IntPtr.Zero, this);
        uint ms = (uint)Math.Max(1, timeout.TotalMilliseconds);
        ref byte p = ref MemoryMarshal.GetReference(data);
        int rc = interrupt
            ? LibUsbNative.InterruptTransfer(_handle, endpoint, ref p, data.Length, out int n, ms)
            : LibUsbNative.BulkTransfer(_handle, endpoint, ref p, data.Length, out n, ms);
        if (rc != 0)
        {
            throw new UsbException(call, rc);
        }
        return n;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_handle != IntPtr.Zero)
        {
            _ = LibUsbNative.ReleaseInterface(_handle, _interface);
            LibUsbNative.Close(_handle);
            _handle = IntPtr.Zero;
        }
    }
}

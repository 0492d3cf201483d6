using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ClosedLoop.Bridge.Usb;

/// <summary>A USB device seen by enumeration.</summary>
/// <param name="VendorId">idVendor.</param>
/// <param name="ProductId">idProduct.</param>
/// <param name="Bus">Bus number.</param>
/// <param name="Address">Device address on the bus.</param>
public readonly record struct UsbDeviceInfo(ushort VendorId, ushort ProductId, byte Bus, byte Address);

/// <summary>
/// A libusb context: enumerate devices and open one by vendor/product id. On a system without a USB subsystem
/// (no /sys/bus/usb, no /dev/bus/usb: containers, these build machines) <see cref="Create"/> throws a
/// <see cref="UsbException"/> saying so instead of libusb's bare error code.
/// </summary>
public sealed class UsbContext : IDisposable
{
    private IntPtr _context;

    private UsbContext(IntPtr context) => _context = context;

    /// <summary>True when the kernel exposes USB (sysfs or usbfs).</summary>
    public static bool SystemHasUsb => Directory.Exists("/sys/bus/usb") || Directory.Exists("/dev/bus/usb");

    /// <summary>Initialise libusb. Throws <see cref="UsbException"/> when there is no USB subsystem or libusb fails.</summary>
    public static UsbContext Create()
    {
        if (!SystemHasUsb)
        {
            throw new UsbException("no USB subsystem on this system (neither /sys/bus/usb nor /dev/bus/usb exists): " +
                "USB devices cannot be used here; use a serial port or the virtual device on a pseudo-terminal");
        }
        int rc;
        IntPtr ctx;
        try
        {
            rc = LibUsbNative.Init(out ctx);
        }
        catch (DllNotFoundException e)
        {
            throw new UsbException("libusb-1.0 is not installed (Debian package libusb-1.0-0): " + e.Message);
        }
        if (rc != 0)
        {
            throw new UsbException("libusb_init", rc);
        }
        return new UsbContext(ctx);
    }

    /// <summary>Every device on every bus.</summary>
    public IReadOnlyList<UsbDeviceInfo> Enumerate()
    {
        ObjectDisposedException.ThrowIf(_context == IntPtr.Zero, this);
        nint n = LibUsbNative.GetDeviceList(_context, out IntPtr list);
        if (n < 0)
        {
            throw new UsbException("libusb_get_device_list", (int)n);
        }
        try
        {
            var result = new List<UsbDeviceInfo>((int)n);
            Span<byte> d = stackalloc byte[18];
            for (int i = 0; i < n; i++)
            {
                IntPtr dev = Marshal.ReadIntPtr(list, i * IntPtr.Size);
                if (LibUsbNative.GetDeviceDescriptor(dev, ref MemoryMarshal.GetReference(d)) == 0)
                {
                    result.Add(new UsbDeviceInfo(BinaryPrimitives.ReadUInt16LittleEndian(d[8..]), BinaryPrimitives.ReadUInt16LittleEndian(d[10..]),
                        LibUsbNative.GetBusNumber(dev), LibUsbNative.GetDeviceAddress(dev)));
                }
            }
            return result;
        }
        finally
        {
            LibUsbNative.FreeDeviceList(list, 1);
        }
    }

    /// <summary>Open the first device with <paramref name="vendorId"/>:<paramref name="productId"/> and claim <paramref name="interfaceNumber"/>.</summary>
    public UsbDeviceHandle Open(ushort vendorId, ushort productId, int interfaceNumber = 0)
    {
        ObjectDisposedException.ThrowIf(_context == IntPtr.Zero, this);
        nint n = LibUsbNative.GetDeviceList(_context, out IntPtr list);
        if (n < 0)
        {
            throw new UsbException("libusb_get_device_list", (int)n);
        }
        try
        {
            Span<byte> d = stackalloc byte[18];
            for (int i = 0; i < n; i++)
            {
                IntPtr dev = Marshal.ReadIntPtr(list, i * IntPtr.Size);
                if (LibUsbNative.GetDeviceDescriptor(dev, ref MemoryMarshal.GetReference(d)) == 0
                    && BinaryPrimitives.ReadUInt16LittleEndian(d[8..]) == vendorId && BinaryPrimitives.ReadUInt16LittleEndian(d[10..]) == productId)
                {
                    int rc = LibUsbNative.Open(dev, out IntPtr handle);
                    if (rc != 0)
                    {
                        throw new UsbException("libusb_open", rc);
                    }
                    rc = LibUsbNative.ClaimInterface(handle, interfaceNumber);
                    if (rc != 0)
                    {
                        LibUsbNative.Close(handle);
                        throw new UsbException("libusb_claim_interface", rc);
                    }
                    return new UsbDeviceHandle(handle, interfaceNumber);
                }
            }
        }
        finally
        {
            LibUsbNative.FreeDeviceList(list, 1);
        }
        throw new UsbException($"no USB device {vendorId:x4}:{productId:x4}");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_context != IntPtr.Zero)
        {
            LibUsbNative.Exit(_context);
            _context = IntPtr.Zero;
        }
    }
}

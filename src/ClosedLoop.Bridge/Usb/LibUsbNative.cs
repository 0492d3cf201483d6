using System.Runtime.InteropServices;

namespace ClosedLoop.Bridge.Usb;

/// <summary>The few libusb-1.0 entry points the bridge needs (Debian package libusb-1.0-0: libusb-1.0.so.0).</summary>
internal static partial class LibUsbNative
{
    private const string Lib = "libusb-1.0.so.0";

    public const int ErrorTimeout = -7;
    public const int ErrorNoDevice = -4;

    [LibraryImport(Lib, EntryPoint = "libusb_init")]
    public static partial int Init(out IntPtr context);

    [LibraryImport(Lib, EntryPoint = "libusb_exit")]
    public static partial void Exit(IntPtr context);

    [LibraryImport(Lib, EntryPoint = "libusb_get_device_list")]
    public static partial nint GetDeviceList(IntPtr context, out IntPtr list);

    [LibraryImport(Lib, EntryPoint = "libusb_free_device_list")]
    public static partial void FreeDeviceList(IntPtr list, int unrefDevices);

    [LibraryImport(Lib, EntryPoint = "libusb_get_device_descriptor")]
    public static partial int GetDeviceDescriptor(IntPtr device, ref byte descriptor18);

    [LibraryImport(Lib, EntryPoint = "libusb_get_bus_number")]
    public static partial byte GetBusNumber(IntPtr device);

    [LibraryImport(Lib, EntryPoint = "libusb_get_device_address")]
    public static partial byte GetDeviceAddress(IntPtr device);

    [LibraryImport(Lib, EntryPoint = "libusb_open")]
    public static partial int Open(IntPtr device, out IntPtr handle);

    [LibraryImport(Lib, EntryPoint = "libusb_close")]
    public static partial void Close(IntPtr handle);

    [LibraryImport(Lib, EntryPoint = "libusb_claim_interface")]
    public static partial int ClaimInterface(IntPtr handle, int interfaceNumber);

    [LibraryImport(Lib, EntryPoint = "libusb_release_interface")]
    public static partial int ReleaseInterface(IntPtr handle, int interfaceNumber);

    [LibraryImport(Lib, EntryPoint = "libusb_bulk_transfer")]
    public static partial int BulkTransfer(IntPtr handle, byte endpoint, ref byte data, int length, out int transferred, uint timeoutMs);

    [LibraryImport(Lib, EntryPoint = "libusb_interrupt_transfer")]
    public static partial int InterruptTransfer(IntPtr handle, byte endpoint, ref byte data, int length, out int transferred, uint timeoutMs);

    [LibraryImport(Lib, EntryPoint = "libusb_error_name")]
    public static partial IntPtr ErrorName(int code);

    public static string Describe(int code) => Marshal.PtrToStringAnsi(ErrorName(code)) ?? code.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

namespace ClosedLoop.Bridge.Usb;

/// <summary>A libusb call failed; <see cref="Code"/> is the libusb error code (negative).</summary>
public class UsbException : IOException
{
    /// <summary>Create an exception for <paramref name="code"/> returned by <paramref name="call"/>.</summary>
    public UsbException(string call, int code)
        : base($"{call} failed: {LibUsbNative.Describe(code)} ({code})") => Code = code;

    /// <summary>Create an exception with a message and no libusb code.</summary>
    public UsbException(string message)
        : base(message) => Code = 0;

    /// <summary>The libusb error code, 0 when not from libusb.</summary>
    public int Code { get; }

    /// <summary>The device went away (hot unplug): a fault the bridge reconnects from.</summary>
    public bool DeviceGone => Code == LibUsbNative.ErrorNoDevice;

    /// <summary>The transfer timed out.</summary>
    public bool TimedOut => Code == LibUsbNative.ErrorTimeout;
}

namespace ClosedLoop.Modulation.Photometry;

/// <summary>Configuration of <see cref="PyPhotometrySource"/>.</summary>
public sealed record PyPhotometrySourceOptions
{
    /// <summary>Serial device path, e.g. <c>/dev/ttyACM0</c> (required).</summary>
    public required string DevicePath { get; init; }

    /// <summary>Start the board through its raw REPL with these settings (the rig's <c>[source.py_photometry]</c>); the
    /// decoder options then follow from them. Null: the board already streams, and <see cref="Decoder"/> describes it.</summary>
    public PyPhotometryAcquisition? Acquisition { get; init; }

    /// <summary>Frame interpretation (chunk size, channels, rate) when <see cref="Acquisition"/> is null.</summary>
    public PyPhotometryDecoderOptions Decoder { get; init; } = PyPhotometryDecoderOptions.Default;

    /// <summary>Put the tty in raw mode with <c>stty</c> before reading (default true). Also sets a 100 ms read
    /// timeout (VMIN 0, VTIME 1) so cancellation is seen within about 100 ms.</summary>
    public bool ConfigureTerminal { get; init; } = true;

    /// <summary>Baud rate passed to stty (default 115200; a USB CDC device ignores it).</summary>
    public int BaudRate { get; init; } = 115200;

    /// <summary>Bytes per read call (default 4096).</summary>
    public int ReadBufferBytes { get; init; } = 4096;

    /// <summary>Write the stop command <c>0xFF</c> to the board when the run ends (default true).</summary>
    public bool SendStopOnExit { get; init; } = true;
}

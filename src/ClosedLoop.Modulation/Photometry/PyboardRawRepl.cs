using System.Text;

namespace ClosedLoop.Modulation.Photometry;

/// <summary>A pyboard refused or failed a raw-REPL command; the message carries the board's own text.</summary>
public sealed class PyboardException(string message) : IOException(message);

/// <summary>
/// MicroPython's raw REPL over a serial stream, as the MicroPython documentation describes it ("The MicroPython
/// Interactive Interpreter Mode (aka REPL)", raw mode): Ctrl-C interrupts a running program, Ctrl-A enters raw mode
/// (the board answers "raw REPL; CTRL-B to exit\r\n&gt;"), Ctrl-D with no code soft-resets, Ctrl-D after code runs it:
/// the board answers "OK", then the program's output, EOT, its error output (a traceback), EOT and the prompt "&gt;".
/// The stream must return 0 from a read that timed out (a tty in raw mode with VTIME, see
/// <see cref="PyPhotometrySource.ConfigureRaw"/>). Not thread-safe; used before streaming starts.
/// </summary>
public sealed class PyboardRawRepl(Stream stream, TimeSpan replyTimeout)
{
    private static readonly byte[] s_prompt = "raw REPL; CTRL-B to exit\r\n>"u8.ToArray();
    private readonly byte[] _one = new byte[1];

    /// <summary>Everything the board sent that the last wait did not consume as its reply (for error messages).</summary>
    public string LastReceived { get; private set; } = "";

    /// <summary>Interrupt whatever runs, enter raw mode and soft-reset the board (a fresh interpreter).</summary>
    public void Enter()
    {
        Write("\r\u0003\u0003"u8);
        Thread.Sleep(50);
        Drain();
        Write("\r\u0001"u8);
        ReadUntil(s_prompt, "entering the raw REPL (Ctrl-A)");
        Write("\u0004"u8);
        ReadUntil(s_prompt, "the soft reset in the raw REPL (Ctrl-D)");
    }

    /// <summary>Run <paramref name="code"/> and return its output; a traceback throws <see cref="PyboardException"/> with it.</summary>
    public string Exec(string code)
    {
        Submit(code);
        string output = Decode(ReadUntil("\u0004"u8, "the output of: " + Short(code)))[..^1];
        string error = Decode(ReadUntil("\u0004>"u8, "the end of: " + Short(code)))[..^2];
        if (error.Length > 0)
        {
            throw new PyboardException($"the board failed '{Short(code)}': {error.Trim()}");
        }
        return output;
    }

    /// <summary>Send <paramref name="code"/> and return once the board accepted it ("OK"); what it prints after is the caller's.</summary>
    public void Submit(string code)
    {
        // Wait for the raw prompt left by the previous command, then send the code and Ctrl-D.
        byte[] bytes = Encoding.UTF8.GetBytes(code);
        for (int i = 0; i < bytes.Length; i += 256)
        {
            Write(bytes.AsSpan(i, Math.Min(256, bytes.Length - i)));
        }
        Write("\u0004"u8);
        byte[] reply = ReadExactly(2, "the OK for: " + Short(code));
        if (reply[0] != (byte)'O' || reply[1] != (byte)'K')
        {
            throw new PyboardException($"the board did not accept '{Short(code)}' (replied \"{Decode(reply)}{Decode(ReadAvailable())}\")");
        }
    }

    /// <summary>Read until the stream has been silent for one read timeout (leftovers of an interrupted program).</summary>
    public void Drain()
    {
        var buffer = new byte[4096];
        while (stream.Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }

    /// <summary>Wait for <paramref name="ending"/>; returns everything read up to and including it.</summary>
    public byte[] ReadUntil(ReadOnlySpan<byte> ending, string what)
    {
        var data = new List<byte>(256);
        var deadline = DateTime.UtcNow + replyTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (stream.Read(_one, 0, 1) == 1)
            {
                data.Add(_one[0]);
                if (data.Count >= ending.Length && System.Runtime.InteropServices.CollectionsMarshal.AsSpan(data)[^ending.Length..].SequenceEqual(ending))
                {
                    return data.ToArray();
                }
            }
        }
        LastReceived = Decode(data.ToArray());
        throw new PyboardException($"no reply from the board within {replyTimeout.TotalSeconds:0.#} s waiting for {what}"
            + (data.Count > 0 ? $"; it sent \"{Printable(LastReceived)}\"" : "; it sent nothing (is it a pyPhotometry board running MicroPython?)"));
    }

    private byte[] ReadExactly(int count, string what)
    {
        var data = new byte[count];
        int got = 0;
        var deadline = DateTime.UtcNow + replyTimeout;
        while (got < count && DateTime.UtcNow < deadline)
        {
            got += stream.Read(data, got, count - got);
        }
        if (got < count)
        {
            throw new PyboardException($"no reply from the board within {replyTimeout.TotalSeconds:0.#} s waiting for {what}");
        }
        return data;
    }

    private byte[] ReadAvailable()
    {
        var buffer = new byte[256];
        int n = stream.Read(buffer, 0, buffer.Length);
        return buffer[..n];
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        stream.Write(bytes);
        stream.Flush();
    }

    private static string Decode(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static string Short(string code)
    {
        string first = code.Split('\n')[0];
        return first.Length > 60 ? first[..60] + "..." : first;
    }

    internal static string Printable(string s) =>
        new string(s.Select(c => c is '\r' ? ' ' : c is '\n' ? '|' : char.IsControl(c) ? '.' : c).ToArray()).Trim();
}

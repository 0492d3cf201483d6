using System.Net.Sockets;

namespace ClosedLoop.Transport.Grpc.Hosting;

/// <summary>
/// Claims a Unix socket path for the server: a live socket (another instance answers on it) is refused, a file that
/// is not a socket is never deleted, and only a stale socket left by a dead process is removed.
/// </summary>
internal static class UnixSocketGuard
{
    /// <summary>True when <paramref name="path"/> exists and is a socket itself (statx without following a symlink).</summary>
    public static bool IsSocket(string path) => FileType(path) == SocketType_;

    /// <summary>True when anything (file, directory, socket, dangling symlink) exists at <paramref name="path"/>.</summary>
    public static bool Exists(string path) => FileType(path) >= 0;

    /// <summary>Make <paramref name="path"/> free for a new listening socket, or throw <see cref="IOException"/> saying why not.</summary>
    public static void ClaimPath(string path)
    {
        if (!Exists(path))
        {
            return;
        }
        if (!IsSocket(path))
        {
            throw new IOException($"grpc_unix_socket '{path}' exists and is not a socket; refusing to replace it");
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path); // nobody listens: a stale socket from a run that died
            return;
        }
        throw new IOException($"grpc_unix_socket '{path}' is live: another closedloop instance is listening on it");
    }

    private const int SocketType_ = 0xC000; // S_IFSOCK

    // statx(2) has one layout on every Linux architecture: stx_mode is the u16 at offset 28 of a 256-byte struct.
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true, EntryPoint = "statx")]
    private static extern unsafe int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    /// <summary>The S_IFMT bits of <paramref name="path"/> (not following a final symlink), or -1 when nothing is there.</summary>
    private static unsafe int FileType(string path)
    {
        const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
        const uint StatxType = 1;
        byte* buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            return -1;
        }
        return *(ushort*)(buffer + 28) & 0xF000;
    }
}

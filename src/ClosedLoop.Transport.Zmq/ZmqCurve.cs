using System.Net;
using NetMQ;

namespace ClosedLoop.Transport.Zmq;

/// <summary>
/// CURVE security for our bound ZeroMQ sockets (CurveZMQ: the connection is encrypted and the client must know the
/// server's public key). Key files hold one Z85 key (40 characters) on the first line that is not a '#' comment.
/// <para>
/// Limit: NetMQ 4.0.4.5 (the version we use) implements the CURVE handshake but neither ZAP (RFC 27) nor an
/// allow-list of client public keys: any client that has the server's public key and any key pair of its own gets
/// through. The server's public key therefore has to be handed out like a shared secret, only to the machines that
/// may publish or subscribe. Clients without CURVE, or with another server key, are refused by the handshake.
/// </para>
/// </summary>
public static class ZmqCurve
{
    /// <summary>
    /// Read the server's CURVE certificate from a secret-key file. Throws <see cref="UnauthorizedAccessException"/>
    /// when group or others may read it, <see cref="InvalidDataException"/> when it holds no valid Z85 key.
    /// </summary>
    public static NetMQCertificate LoadSecretKey(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"CURVE secret key file '{path}' does not exist", path);
        }
        if (!OperatingSystem.IsWindows())
        {
            const UnixFileMode open = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            UnixFileMode mode = File.GetUnixFileMode(path);
            if ((mode & open) != 0)
            {
                throw new UnauthorizedAccessException($"CURVE secret key file '{path}' is accessible by group or others (mode {Convert.ToString((int)mode, 8)}); chmod 600 it");
            }
        }
        return NetMQCertificate.CreateFromSecretKey(ReadKey(path));
    }

    /// <summary>Read a public key file (Z85, 40 characters); <see cref="InvalidDataException"/> when it holds none.</summary>
    public static byte[] LoadPublicKey(string path) => NetMQCertificate.FromPublicKey(ReadKey(path)).PublicKey;

    /// <summary>
    /// Write a new key pair: <paramref name="secretPath"/> (the secret key, owner-only, with the public key in a comment)
    /// and <paramref name="publicPath"/> (the public key). Returns the public key (Z85).
    /// </summary>
    public static string WriteKeyPair(string secretPath, string publicPath)
    {
        var certificate = new NetMQCertificate();
        string publicKey = certificate.PublicKeyZ85;
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // owner-only from the first byte
        }
        using (var stream = new FileStream(secretPath, create))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write($"# closedloop CURVE secret key (Z85); keep it owner-only. Public key: {publicKey}\n{certificate.SecretKeyZ85}\n");
        }
        File.WriteAllText(publicPath, $"# closedloop CURVE public key (Z85)\n{publicKey}\n");
        return publicKey;
    }

    /// <summary>Make <paramref name="socket"/> a CURVE server with <paramref name="certificate"/> (call before Bind).</summary>
    public static void MakeServer(NetMQSocket socket, NetMQCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(certificate);
        socket.Options.CurveServer = true;
        socket.Options.CurveCertificate = certificate;
    }

    /// <summary>
    /// True when <paramref name="endpoint"/> is reachable from this machine only: ipc://, inproc://, or tcp:// on
    /// 127.x.x.x, [::1] or localhost. tcp://*, 0.0.0.0 and any other address are not.
    /// </summary>
    public static bool IsLocal(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.StartsWith("ipc://", StringComparison.Ordinal) || endpoint.StartsWith("inproc://", StringComparison.Ordinal))
        {
            return true;
        }
        const string Tcp = "tcp://";
        int colon = endpoint.LastIndexOf(':');
        if (!endpoint.StartsWith(Tcp, StringComparison.Ordinal) || colon <= Tcp.Length)
        {
            return false;
        }
        string host = endpoint[Tcp.Length..colon];
        return host is "localhost" or "[::1]"
            || IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && IPAddress.IsLoopback(ip);
    }

    /// <summary>Refuse to bind <paramref name="endpoint"/> off this machine without CURVE (<see cref="ArgumentException"/>).</summary>
    public static void RequireLocalOrCurve(string endpoint, NetMQCertificate? certificate)
    {
        if (certificate is null && !IsLocal(endpoint))
        {
            throw new ArgumentException($"'{endpoint}' is reachable from the network; binding it needs CURVE (a server secret key)", nameof(endpoint));
        }
    }

    private static string ReadKey(string path)
    {
        string? key = File.ReadLines(path).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && l[0] != '#');
        if (key is null || key.Length != 40)
        {
            throw new InvalidDataException($"'{path}' holds no Z85 CURVE key (40 characters on the first line that is not a # comment)");
        }
        try
        {
            _ = NetMQCertificate.FromPublicKey(key);
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or FormatException)
        {
            throw new InvalidDataException($"'{path}': the key is not valid Z85", ex);
        }
        return key;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace ClosedLoop.Transport.Grpc.Auth;

/// <summary>One bearer token: its name (who it belongs to, recorded with every control call) and what it may do.</summary>
/// <param name="Name">The token's name, as written in the token file.</param>
/// <param name="Permission">What a caller presenting it may do.</param>
public sealed record BearerTokenIdentity(string Name, GrpcPermission Permission);

/// <summary>
/// The bearer tokens the server accepts, read from a token file: one token per line,
/// <c>ROLE NAME TOKEN</c> with ROLE <c>read</c> or <c>control</c>, NAME a label for the recording and TOKEN at
/// least 32 printable characters; blank lines and lines starting with '#' are ignored. The file must not be
/// readable or writable by group or others (chmod 600), or it is refused. Only SHA-256 digests of the tokens are
/// kept in memory; a presented token is compared against every digest in constant time.
/// </summary>
public sealed class BearerTokens
{
    /// <summary>Shortest accepted token, characters.</summary>
    public const int MinTokenLength = 32;

    private readonly (byte[] Digest, BearerTokenIdentity Identity)[] _tokens;

    private BearerTokens((byte[], BearerTokenIdentity)[] tokens) => _tokens = tokens;

    /// <summary>How many tokens were loaded.</summary>
    public int Count => _tokens.Length;

    /// <summary>The tokens' identities (names and permissions; never the tokens).</summary>
    public IEnumerable<BearerTokenIdentity> Identities => _tokens.Select(t => t.Identity);

    /// <summary>
    /// Read a token file. Throws <see cref="InvalidDataException"/> naming the line for a bad entry or an empty
    /// file, <see cref="UnauthorizedAccessException"/> when group or others may read or write it,
    /// <see cref="IOException"/> when it cannot be read.
    /// </summary>
    public static BearerTokens Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"token file '{path}' does not exist", path);
        }
        if (!OperatingSystem.IsWindows())
        {
            const UnixFileMode open = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            UnixFileMode mode = File.GetUnixFileMode(path);
            if ((mode & open) != 0)
            {
                throw new UnauthorizedAccessException(
                    $"token file '{path}' is accessible by group or others (mode {Convert.ToString((int)mode, 8)}); chmod 600 it");
            }
        }
        return Parse(File.ReadAllLines(path), path);
    }

    /// <summary>Parse token-file lines (see the class summary); <paramref name="origin"/> names the source in errors.</summary>
    public static BearerTokens Parse(IEnumerable<string> lines, string origin)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var tokens = new List<(byte[], BearerTokenIdentity)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        int number = 0;
        foreach (string raw in lines)
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            string[] parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3)
            {
                throw new InvalidDataException($"{origin} line {number}: expected 'ROLE NAME TOKEN' (ROLE read or control)");
            }
            GrpcPermission permission = parts[0] switch
            {
                "read" => GrpcPermission.Read,
                "control" => GrpcPermission.Control,
                _ => throw new InvalidDataException($"{origin} line {number}: role '{parts[0]}' is not 'read' or 'control'"),
            };
            if (!names.Add(parts[1]))
            {
                throw new InvalidDataException($"{origin} line {number}: token name '{parts[1]}' appears twice");
            }
            string token = parts[2];
            if (token.Length < MinTokenLength || token.Any(ch => ch < '!' || ch > '~'))
            {
                throw new InvalidDataException($"{origin} line {number}: token '{parts[1]}' must be at least {MinTokenLength} printable ASCII characters");
            }
            byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes(token));
            if (tokens.Any(t => CryptographicOperations.FixedTimeEquals(t.Item1, digest)))
            {
                throw new InvalidDataException($"{origin} line {number}: token '{parts[1]}' repeats another entry's token");
            }
            tokens.Add((digest, new BearerTokenIdentity(parts[1], permission)));
        }
        if (tokens.Count == 0)
        {
            throw new InvalidDataException($"{origin}: no tokens");
        }
        return new BearerTokens([.. tokens]);
    }

    /// <summary>A new random token (256 bits, base64url without padding: 43 characters).</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The identity a presented token belongs to, or null. Every stored digest is compared (constant time each).</summary>
    public BearerTokenIdentity? Match(ReadOnlySpan<char> presented)
    {
        if (presented.Length == 0 || presented.Length > 512)
        {
            return null;
        }
        Span<byte> ascii = stackalloc byte[512];
        int n = Encoding.ASCII.GetBytes(presented, ascii);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(ascii[..n], digest);
        BearerTokenIdentity? found = null;
        foreach (var (stored, identity) in _tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(stored, digest))
            {
                found = identity;
            }
        }
        return found;
    }
}

using System.Security.Cryptography.X509Certificates;

namespace ClosedLoop.Transport.Grpc.Auth;

/// <summary>
/// Authentication of the gRPC control plane. With <see cref="Tokens"/> every call must carry
/// <c>authorization: Bearer TOKEN</c> and the token's role decides what it may do. With
/// <see cref="ClientCertificateAuthority"/> every TLS connection must present a client certificate issued by
/// that authority (without tokens, such a caller has <see cref="GrpcPermission.Control"/>). With
/// <see cref="ServerCertificate"/> the server speaks TLS. A non-loopback endpoint needs TLS and at least one of
/// tokens or client certificates; loopback and Unix sockets need nothing (but honour what is configured).
/// </summary>
public sealed record GrpcAuthOptions
{
    /// <summary>Accepted bearer tokens, or null for none.</summary>
    public BearerTokens? Tokens { get; init; }

    /// <summary>The server's TLS certificate with its private key, or null for plaintext HTTP/2.</summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>The authority every client certificate must chain to (required when set; needs <see cref="ServerCertificate"/>).</summary>
    public X509Certificate2? ClientCertificateAuthority { get; init; }

    /// <summary>True when callers must prove who they are (tokens or client certificates).</summary>
    public bool Authenticates => Tokens is not null || ClientCertificateAuthority is not null;
}

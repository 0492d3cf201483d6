using System.Security.Cryptography.X509Certificates;
using ClosedLoop.Core.Configuration;
using ClosedLoop.Rig.Config;
using ClosedLoop.Transport.Grpc.Auth;
using ClosedLoop.Transport.Zmq;
using NetMQ;

namespace ClosedLoop.Rig.Session;

/// <summary>Reads the [auth] files when a session is built; every problem is a <see cref="ConfigException"/> naming the key.</summary>
internal static class RigAuth
{
    /// <summary>The gRPC authentication configured, or null for none.</summary>
    public static GrpcAuthOptions? LoadGrpc(AuthOptions a)
    {
        if (!a.GrpcAuthenticates && !a.GrpcTls)
        {
            return null;
        }
        BearerTokens? tokens = a.GrpcTokenFile.Length == 0 ? null : Read("auth.grpc_token_file", () => BearerTokens.Load(a.GrpcTokenFile));
        X509Certificate2? server = null;
        if (a.GrpcTls)
        {
            RequireOwnerOnly(a.GrpcTlsKey, "auth.grpc_tls_key");
            server = Read("auth.grpc_tls_certificate", () => X509Certificate2.CreateFromPemFile(a.GrpcTlsCertificate, a.GrpcTlsKey));
        }
        X509Certificate2? authority = a.GrpcClientCa.Length == 0 ? null
            : Read("auth.grpc_client_ca", () => X509CertificateLoader.LoadCertificateFromFile(a.GrpcClientCa));
        return new GrpcAuthOptions { Tokens = tokens, ServerCertificate = server, ClientCertificateAuthority = authority };
    }

    /// <summary>
    /// The dashboard's token check: the control plane's bearer tokens with their roles (control = operator controls,
    /// read = views only), or null when gRPC has no token file (the dashboard then admits every loopback caller, as gRPC does).
    /// </summary>
    public static Func<string, Dashboard.DashboardCaller?>? DashboardAuthorizer(GrpcAuthOptions? grpc)
    {
        if (grpc?.Tokens is not { } tokens)
        {
            return null;
        }
        return token => tokens.Match(token) is { } id
            ? new Dashboard.DashboardCaller(id.Name, id.Permission == GrpcPermission.Control ? Dashboard.DashboardPermission.Operate : Dashboard.DashboardPermission.Read)
            : null;
    }

    /// <summary>True when gRPC authenticates by client certificate only: a browser on the plain-HTTP dashboard cannot do that, so the dashboard stays off.</summary>
    public static bool DashboardCannotAuthenticate(GrpcAuthOptions? grpc) => grpc is { ClientCertificateAuthority: not null, Tokens: null };

    /// <summary>The ZeroMQ CURVE server certificate, or null when CURVE is not configured.</summary>
    public static NetMQCertificate? LoadCurve(AuthOptions a) =>
        a.ZmqCurve ? Read("auth.zmq_curve_secret_key_file", () => ZmqCurve.LoadSecretKey(a.ZmqCurveSecretKeyFile)) : null;

    private static void RequireOwnerOnly(string path, string field)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return;
        }
        const UnixFileMode open = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        if ((File.GetUnixFileMode(path) & open) != 0)
        {
            ConfigException.Throw(field, $"'{path}' is accessible by group or others; chmod 600 it");
        }
    }

    private static T Read<T>(string field, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException
            or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ConfigException(field, ex.Message, ex);
        }
    }
}

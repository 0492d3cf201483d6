using ClosedLoop.Core.Control;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ClosedLoop.Transport.Grpc.Auth;

/// <summary>What the interceptor enforces and where it reports (one per server).</summary>
/// <param name="Options">The authentication configured, or null for none (loopback / Unix socket only).</param>
/// <param name="Log">Where control calls and refusals are reported, or null.</param>
internal sealed record AuthPolicy(GrpcAuthOptions? Options, IControlCallLog? Log);

/// <summary>
/// Runs before every call on every service: establishes the caller (token name, client certificate subject,
/// peer address or Unix uid), refuses a call without a valid token with UNAUTHENTICATED and a read-only caller's
/// control call with PERMISSION_DENIED, and reports every control call and every refusal, with its caller and
/// outcome, to the <see cref="IControlCallLog"/>. Read calls that pass are not reported (status is polled).
/// </summary>
internal sealed class AuthInterceptor : Interceptor
{
    private readonly AuthPolicy _policy;

    public AuthInterceptor(AuthPolicy policy) => _policy = policy;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        bool audit = Admit(context);
        return audit ? await Audited(context, () => continuation(request, context)).ConfigureAwait(false)
            : await continuation(request, context).ConfigureAwait(false);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        bool audit = Admit(context);
        return audit ? await Audited(context, () => continuation(requestStream, context)).ConfigureAwait(false)
            : await continuation(requestStream, context).ConfigureAwait(false);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        bool audit = Admit(context);
        if (audit)
        {
            await Audited(context, async () => { await continuation(request, responseStream, context).ConfigureAwait(false); return true; }).ConfigureAwait(false);
        }
        else
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        bool audit = Admit(context);
        if (audit)
        {
            await Audited(context, async () => { await continuation(requestStream, responseStream, context).ConfigureAwait(false); return true; }).ConfigureAwait(false);
        }
        else
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
    }

    /// <summary>Authenticate and authorise the call (throws the refusal); true when it is a control call to report.</summary>
    private bool Admit(ServerCallContext context)
    {
        GrpcPermission needed = MethodPermissions.Required(context.Method);
        string peer = CallerIdentity.Peer(context);
        string caller;
        GrpcAuthOptions? options = _policy.Options;
        if (options?.Tokens is { } tokens)
        {
            string? header = context.RequestHeaders.GetValue("authorization");
            const string Scheme = "Bearer ";
            if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            {
                Refuse(context, $"no bearer token from {peer}", StatusCode.Unauthenticated, "a bearer token is required (authorization: Bearer TOKEN)");
            }
            BearerTokenIdentity? identity = tokens.Match(header.AsSpan(Scheme.Length).Trim());
            if (identity is null)
            {
                Refuse(context, $"unknown bearer token from {peer}", StatusCode.Unauthenticated, "the bearer token is not known");
            }
            caller = $"token {identity.Name} ({Role(identity.Permission)}) from {peer}";
            if (identity.Permission < needed)
            {
                Refuse(context, caller, StatusCode.PermissionDenied, $"token '{identity.Name}' is {Role(identity.Permission)}; {context.Method} needs control");
            }
        }
        else if (options?.ClientCertificateAuthority is not null)
        {
            // The TLS handshake already required a certificate chained to the authority.
            var certificate = context.GetHttpContext().Connection.ClientCertificate;
            if (certificate is null)
            {
                Refuse(context, $"no client certificate from {peer}", StatusCode.Unauthenticated, "a client certificate is required");
            }
            caller = $"certificate {certificate.Subject} from {peer}";
        }
        else
        {
            caller = peer;
        }
        context.UserState[CallerIdentity.UserStateKey] = caller;
        return needed == GrpcPermission.Control && _policy.Log is not null;
    }

    private static string Role(GrpcPermission p) => p == GrpcPermission.Control ? "control" : "read";

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Refuse(ServerCallContext context, string caller, StatusCode code, string detail)
    {
        _policy.Log?.ControlCall(context.Method, caller, (int)code, detail);
        throw new RpcException(new Status(code, detail));
    }

    private async Task<T> Audited<T>(ServerCallContext context, Func<Task<T>> call)
    {
        string caller = CallerIdentity.Of(context);
        try
        {
            T result = await call().ConfigureAwait(false);
            _policy.Log!.ControlCall(context.Method, caller, (int)StatusCode.OK, "");
            return result;
        }
        catch (RpcException ex)
        {
            _policy.Log!.ControlCall(context.Method, caller, (int)ex.StatusCode, ex.Status.Detail);
            throw;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            _policy.Log!.ControlCall(context.Method, caller, (int)StatusCode.Cancelled, ex.Message);
            throw;
        }
        catch (Exception ex)
        {
            _policy.Log!.ControlCall(context.Method, caller, (int)StatusCode.Unknown, ex.GetType().Name + ": " + ex.Message);
            throw;
        }
    }
}

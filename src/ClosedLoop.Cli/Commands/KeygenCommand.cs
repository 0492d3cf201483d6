using System.CommandLine;
using ClosedLoop.Transport.Grpc.Auth;
using ClosedLoop.Transport.Zmq;

namespace ClosedLoop.Cli.Commands;

/// <summary>
/// <c>closedloop keygen token</c> prints a new bearer token (a line of a token file is <c>ROLE NAME TOKEN</c>);
/// <c>closedloop keygen curve PREFIX</c> writes a ZeroMQ CURVE key pair, PREFIX.key (secret, owner-only) and
/// PREFIX.pub, and prints the public key (docs/transports.md).
/// </summary>
public static class KeygenCommand
{
    public static Command Create()
    {
        var token = new Command("token", "Print a new random bearer token (256 bits) for a token file line: ROLE NAME TOKEN.");
        token.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.WriteLine(BearerTokens.NewToken());
            return ExitCodes.Ok;
        });
        var prefix = new Argument<string>("prefix") { Description = "Writes PREFIX.key (the secret key, mode 600) and PREFIX.pub (the public key)." };
        var curve = new Command("curve", "Write a ZeroMQ CURVE key pair for [auth] zmq_curve_secret_key_file.") { prefix };
        curve.SetAction(parse =>
        {
            string p = parse.GetValue(prefix)!;
            string publicKey;
            try
            {
                publicKey = ZmqCurve.WriteKeyPair(p + ".key", p + ".pub");
            }
            catch (IOException ex)
            {
                throw new CliInputException($"cannot write the key pair: {ex.Message} (an existing key file is never overwritten)");
            }
            parse.InvocationConfiguration.Output.WriteLine($"secret key: {p}.key (owner-only)");
            parse.InvocationConfiguration.Output.WriteLine($"public key: {p}.pub {publicKey}");
            return ExitCodes.Ok;
        });
        var command = new Command("keygen", "Make secrets for [auth]: a bearer token, or a ZeroMQ CURVE key pair.");
        command.Subcommands.Add(token);
        command.Subcommands.Add(curve);
        return command;
    }
}

using System.Runtime.CompilerServices;

namespace ClosedLoop.Transport.Zmq.Tests;

/// <summary>
/// This test assembly's process set-up, as the <c>closedloop</c> command's Main does it: NetMQ's pooled buffers are chosen
/// when the assembly loads, before any test opens a socket (ZmqBuffers.UsePool: a switch after a socket exists can
/// crash NetMQ's I/O thread, and with it the test host).
/// </summary>
internal static class NetMqBufferPool
{
#pragma warning disable CA2255 // a module initializer in a test assembly is its process set-up: it must run before any test
    [ModuleInitializer]
    internal static void UsePoolBeforeAnySocket() => Transport.Zmq.ZmqBuffers.UsePool();
#pragma warning restore CA2255
}

namespace ClosedLoop.Cli;

/// <summary>Entry point of the <c>closedloop</c> command.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        // NetMQ's buffer pool is process-wide and may only be chosen before the first socket exists: a message buffer
        // taken from the heap pool and handed back to the pooled one after a switch crashes NetMQ's I/O thread. So the
        // composition root chooses it once, first; nothing later switches it.
        Transport.Zmq.ZmqBuffers.UsePool();
        return CliApp.Run(args, Console.Out, Console.Error);
    }
}

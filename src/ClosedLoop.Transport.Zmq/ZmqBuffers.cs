using NetMQ;

namespace ClosedLoop.Transport.Zmq;

/// <summary>NetMQ's message buffers, process-wide.</summary>
public static class ZmqBuffers
{
    private static int s_pooled;

    /// <summary>
    /// Take NetMQ's frame buffers from a pool instead of the GC heap (NetMQ allocates a new array per frame by
    /// default). Every collection also pauses the real-time thread, so a process that runs a rig calls this once, at
    /// process start, before any NetMQ socket exists: the composition root (the <c>closedloop</c> command's Main, the
    /// latency probe's) and the set-up of test assemblies that open sockets. Never later: NetMQ hands every buffer back
    /// to the pool of the moment, and a heap buffer taken before the switch and returned to the pool after it crashes
    /// NetMQ's I/O thread (the process ends). A library (RigSession) therefore never calls it.
    /// </summary>
    /// <param name="maxPoolBytes">Total bytes the pool may hold (default 64 MiB).</param>
    /// <param name="maxBufferBytes">Largest pooled buffer (default 64 KiB); larger frames are allocated.</param>
    public static void UsePool(long maxPoolBytes = 64L << 20, int maxBufferBytes = 64 << 10)
    {
        if (Interlocked.Exchange(ref s_pooled, 1) == 0)
        {
            BufferPool.SetBufferManagerBufferPool(maxPoolBytes, maxBufferBytes);
        }
    }
}

using NetMQ;

namespace ClosedLoop.Transport.Zmq;

/// <summary>NetMQ's message buffers, process-wide.</summary>
public static class ZmqBuffers
{
    private static int s_pooled;

    /// <summary>
    /// Take NetMQ's frame buffers from a pool instead of the GC heap (NetMQ allocates a new array per frame by
    /// default). Every collection also pauses the real-time thread, so a rig calls this once at start.
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

"""Python client for the ClosedLoop controller.

    from closedloop import Controller
    with Controller("127.0.0.1:50051") as c:
        c.stream_arousal([0.2, 0.4, 0.6], rate_hz=100)   # direct arousal (SOURCE_KIND_EXTERNAL)
        for frame in c.outputs(limit=10):
            print(frame.step, list(frame.values))

Stubs are generated from protos/ by ``build_stubs.py`` into ``closedloop.v1`` (the wire package
``closedloop.v1``); the recording reader (:mod:`closedloop.cllog`) needs only numpy.
"""
from .cllog import Recording, read_cllog

__all__ = ["Controller", "Status", "IngestErrorCount", "ZmqClient", "Recording", "read_cllog", "LEVERS"]

LEVERS = ("coupling", "dendritic_drive", "somatic_drive", "threshold_shift", "resting_shift", "ampa_gain",
          "nmda_gain", "gaba_gain", "synaptic_time_scale", "som_strength", "pv_strength")


def __getattr__(name):
    # The gRPC and ZeroMQ parts load on first use, so the recording reader works without grpcio/pyzmq.
    if name in ("Controller", "Status", "IngestErrorCount"):
        from . import controller
        return getattr(controller, name)
    if name == "ZmqClient":
        from .zmq_helper import ZmqClient
        return ZmqClient
    raise AttributeError(name)

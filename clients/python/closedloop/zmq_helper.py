"""ZeroMQ side of a rig: push direct arousal to its SUB ingest, read its output and telemetry PUB."""
import itertools
import random
import time
from typing import Iterator, Optional, Tuple

import zmq

from ._stubs import arousal_pb2, streams_pb2

OUTPUT_TOPIC = b"closedloop.output"
TELEMETRY_TOPIC = b"closedloop.telemetry"


class ZmqClient:
    """ZeroMQ endpoints of a rig (defaults: ingest ``tcp://127.0.0.1:5556``, outputs ``tcp://127.0.0.1:5557``).

    ZeroMQ PUB/SUB drops what is sent before the subscription has reached the other side (the "slow joiner"):
    :meth:`connect` waits ``settle_s`` after connecting, and :meth:`wait_for_ingest` sends until the rig's
    outputs show the input arrived.
    """

    def __init__(self, ingest: str = "tcp://127.0.0.1:5556", outputs: str = "tcp://127.0.0.1:5557",
                 settle_s: float = 0.3, context: Optional[zmq.Context] = None):
        self._ctx = context or zmq.Context.instance()
        self._pub = self._ctx.socket(zmq.PUB)
        self._pub.setsockopt(zmq.LINGER, 500)
        self._pub.connect(ingest)
        self._sub = self._ctx.socket(zmq.SUB)
        self._sub.setsockopt(zmq.LINGER, 0)
        self._sub.setsockopt(zmq.SUBSCRIBE, OUTPUT_TOPIC)
        self._sub.setsockopt(zmq.SUBSCRIBE, TELEMETRY_TOPIC)
        self._sub.connect(outputs)
        self._session_id = random.getrandbits(63) or 1
        self._sequence = itertools.count(1)
        time.sleep(settle_s)  # slow joiner: let both subscriptions reach their peers

    def send_arousal(self, value: float, source_time: Optional[float] = None, confidence: float = 1.0, channel: int = 0):
        """Send one direct arousal value (0..1, SOURCE_KIND_EXTERNAL) as a protobuf ArousalSample."""
        s = arousal_pb2.ArousalSample(
            value=float(value), confidence=confidence, channel=channel, kind=arousal_pb2.SOURCE_KIND_EXTERNAL,
            source_time_s=time.monotonic() if source_time is None else float(source_time),
            sequence=next(self._sequence), session_id=self._session_id)
        self._pub.send(s.SerializeToString())

    def receive(self, timeout_s: float = 5.0) -> Tuple[str, object]:
        """The next ("output", OutputFrame) or ("telemetry", TelemetryFrame); TimeoutError when none comes."""
        if not self._sub.poll(int(timeout_s * 1000)):
            raise TimeoutError(f"no output or telemetry within {timeout_s} s")
        topic, payload = self._sub.recv_multipart()
        if topic == OUTPUT_TOPIC:
            return "output", streams_pb2.OutputFrame.FromString(payload)
        return "telemetry", streams_pb2.TelemetryFrame.FromString(payload)

    def outputs(self, limit: Optional[int] = None, timeout_s: float = 5.0) -> Iterator:
        """Yield output frames (telemetry messages are skipped)."""
        n = 0
        while limit is None or n < limit:
            kind, msg = self.receive(timeout_s)
            if kind == "output":
                n += 1
                yield msg

    def close(self):
        self._pub.close()
        self._sub.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

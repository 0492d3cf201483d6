"""gRPC client of a running ClosedLoop rig: control, direct arousal ingest, output and telemetry streams."""
import itertools
import random
import time
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional, Tuple, Union

import grpc

from ._stubs import arousal_pb2, control_pb2, control_pb2_grpc, streams_pb2, streams_pb2_grpc

_LEVER_FIELDS = tuple(f.name for f in control_pb2.LeverSet.DESCRIPTOR.fields)


def _enum_name(enum, value: int, prefix: str) -> str:
    return enum.Name(value)[len(prefix):].lower()


@dataclass
class IngestErrorCount:
    """Ingest errors of one kind since the rig's session started, and the text of the newest one."""
    count: int
    last_detail: str


@dataclass
class Status:
    """The controller's status (``Control.GetStatus`` and every command's reply)."""
    state: str            # "running", "stopped", "faulted"
    safety: str           # "armed", "disarmed", "tripped", "estop"
    step: int
    levers: Dict[str, float]
    levers_overridden: bool
    overruns: int
    estop_reason: str
    config_name: str
    step_rate_hz: float
    model_name: str
    readout: List[Tuple[str, str]] = field(default_factory=list)  # (name, unit) in readout order
    # Ingest errors by kind ("Malformed", "NonFinite", "Stalled", ...): only the kinds that occurred.
    ingest_errors: Dict[str, IngestErrorCount] = field(default_factory=dict)

    @staticmethod
    def from_proto(s) -> "Status":
        levers = {name: getattr(s.levers, name) for name in _LEVER_FIELDS if s.levers.HasField(name)}
        return Status(_enum_name(control_pb2.LoopState, s.state, "LOOP_STATE_"),
                      _enum_name(streams_pb2.SafetyState, s.safety, "SAFETY_STATE_"), s.step, levers,
                      s.levers_overridden, s.overruns, s.estop_reason, s.config_name, s.step_rate_hz,
                      s.model_name, [(c.name, c.unit) for c in s.readout_schema],
                      {e.kind: IngestErrorCount(e.count, e.last_detail) for e in s.ingest_errors})


class Controller:
    """A connection to a rig's gRPC endpoint (default ``127.0.0.1:50051``).

    Arousal goes in as direct arousal (0..1, ``SOURCE_KIND_EXTERNAL``): the rig uses it as is, without pupil
    or photometry conditioning; it must keep coming (the rig treats input older than
    ``direct_stale_after_ms``, 250 ms by default, as stale and holds the outputs safe).
    """

    def __init__(self, addr: str = "127.0.0.1:50051", timeout: float = 10.0):
        self.addr = addr[len("http://"):] if addr.startswith("http://") else addr
        self.timeout = timeout
        self._channel = grpc.insecure_channel(self.addr)
        self._control = control_pb2_grpc.ControlStub(self._channel)
        self._ingest = streams_pb2_grpc.IngestStub(self._channel)
        self._outputs = streams_pb2_grpc.OutputsStub(self._channel)
        self._session_id = random.getrandbits(63) or 1
        self._sequence = itertools.count(1)

    # -- control -------------------------------------------------------------------------------------------
    def status(self) -> Status:
        return Status.from_proto(self._control.GetStatus(control_pb2.GetStatusRequest(), timeout=self.timeout))

    def hold(self) -> Status:
        """Hold every output at its safe level (the loop keeps running and recording)."""
        return Status.from_proto(self._control.Stop(control_pb2.StopRequest(), timeout=self.timeout))

    def resume(self) -> Status:
        """Resume outputs; refused (grpc.RpcError FAILED_PRECONDITION) while an e-stop is latched."""
        return Status.from_proto(self._control.Start(control_pb2.StartRequest(), timeout=self.timeout))

    def estop(self, reason: str = "python client") -> Status:
        """Latch the emergency stop: outputs safe from the next step until reset_estop() and resume()."""
        return Status.from_proto(self._control.EStop(control_pb2.EStopRequest(reason=reason), timeout=self.timeout))

    def reset_estop(self) -> Status:
        return Status.from_proto(self._control.ResetEStop(control_pb2.ResetEStopRequest(), timeout=self.timeout))

    def set_levers(self, **named: float) -> Status:
        """Override the named levers (the others keep their value in effect), e.g. ``set_levers(coupling=0.4)``."""
        unknown = sorted(set(named) - set(_LEVER_FIELDS))
        if unknown:
            raise ValueError(f"unknown lever(s) {unknown}; levers: {', '.join(_LEVER_FIELDS)}")
        if not named:
            raise ValueError("name at least one lever")
        levers = control_pb2.LeverSet(**{k: float(v) for k, v in named.items()})
        return Status.from_proto(self._control.SetLevers(control_pb2.SetLeversRequest(levers=levers), timeout=self.timeout))

    def clear_levers(self) -> Status:
        """End the override: the levers follow arousal through the receptor map again."""
        return Status.from_proto(self._control.ClearLevers(control_pb2.ClearLeversRequest(), timeout=self.timeout))

    # -- ingest --------------------------------------------------------------------------------------------
    def _sample(self, value: float, source_time: Optional[float], confidence: float, channel: int):
        return arousal_pb2.ArousalSample(
            value=float(value), confidence=confidence, channel=channel, kind=arousal_pb2.SOURCE_KIND_EXTERNAL,
            source_time_s=time.monotonic() if source_time is None else float(source_time),
            sequence=next(self._sequence), session_id=self._session_id)

    def push(self, value: float, source_time: Optional[float] = None, confidence: float = 1.0, channel: int = 0):
        """Send one direct arousal value (0..1); returns the rig's IngestSummary for the call."""
        batch = arousal_pb2.ArousalSampleBatch(samples=[self._sample(value, source_time, confidence, channel)])
        return self._ingest.PushBatch(batch, timeout=self.timeout)

    def stream_arousal(self, values: Iterable[Union[float, Tuple[float, float]]], rate_hz: Optional[float] = None,
                       confidence: float = 1.0, channel: int = 0):
        """Stream direct arousal values (0..1) over one call; items are values or (value, source_time_s).

        With ``rate_hz`` the values are paced at that rate; without it they go as fast as the iterable yields
        them (pace a live signal in the generator). Returns the IngestSummary (received, accepted, rejected by kind).
        """
        period = None if rate_hz is None else 1.0 / rate_hz

        def gen():
            next_at = time.monotonic()
            for item in values:
                if period is not None:
                    delay = next_at - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    next_at += period
                value, t = item if isinstance(item, tuple) else (item, None)
                yield self._sample(value, t, confidence, channel)

        return self._ingest.StreamSamples(gen())

    # -- output streams ------------------------------------------------------------------------------------
    def outputs(self, limit: Optional[int] = None, from_now: bool = True, timeout: Optional[float] = None) -> Iterator:
        """Yield output frames (``closedloop.v1.OutputFrame``: step, values, safety, intervention_mask, lost)."""
        call = self._outputs.SubscribeOutputs(streams_pb2.SubscribeRequest(from_now=from_now), timeout=timeout)
        return self._take(call, limit)

    def telemetry(self, limit: Optional[int] = None, from_now: bool = True, timeout: Optional[float] = None) -> Iterator:
        """Yield telemetry frames (arousal, readout vector, lateness, safety); the first carries the readout schema."""
        call = self._outputs.SubscribeTelemetry(streams_pb2.SubscribeRequest(from_now=from_now), timeout=timeout)
        return self._take(call, limit)

    @staticmethod
    def _take(call, limit):
        try:
            for i, frame in enumerate(call):
                yield frame
                if limit is not None and i + 1 >= limit:
                    break
        finally:
            call.cancel()

    @staticmethod
    def safety_name(value: int) -> str:
        return _enum_name(streams_pb2.SafetyState, value, "SAFETY_STATE_")

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

"""The client against a real running rig (started by tests/ClosedLoop.Rig.Tests/Clients/PythonClientTests.cs,
which passes its endpoints in CLOSEDLOOP_GRPC, CLOSEDLOOP_ZMQ_INGEST and CLOSEDLOOP_ZMQ_OUTPUTS)."""
import os
import threading
import time
import unittest

import grpc

from closedloop import Controller, ZmqClient

TIMEOUT = 60.0


def env(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run these tests through PythonClientTests (dotnet test), which starts a rig")
    return value


class Feeder:
    """Streams direct arousal on a thread until stopped (the rig holds outputs safe without fresh input)."""

    def __init__(self, c, value):
        self.value = value
        self.sent = 0
        self._stop = threading.Event()
        self.summary = None
        self._thread = threading.Thread(target=self._run, args=(c,), daemon=True)
        self._thread.start()

    def _gen(self):
        while not self._stop.is_set():
            self.sent += 1
            yield self.value
            time.sleep(0.005)

    def _run(self, c):
        self.summary = c.stream_arousal(self._gen())

    def stop(self, min_sent=0):
        """Stops after at least min_sent samples went out (a fast rig may arm after the first few)."""
        deadline = time.monotonic() + TIMEOUT
        while self.sent < min_sent and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        self._stop.set()
        self._thread.join(TIMEOUT)
        return self.summary


def first(frames, predicate):
    for f in frames:
        if predicate(f):
            return f
    raise AssertionError("stream ended before the condition held")


class LiveRigTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = Controller(env("CLOSEDLOOP_GRPC"), timeout=TIMEOUT)

    @classmethod
    def tearDownClass(cls):
        cls.c.close()

    def test_1_status_reports_the_running_loop(self):
        s = self.c.status()
        self.assertEqual(s.state, "running")
        self.assertGreater(s.step, 0)
        self.assertGreater(s.step_rate_hz, 0)
        self.assertIn("pyramidal_rate_hz", [n for n, _ in s.readout])
        self.assertEqual(len(s.levers), 11)

    def test_2_streamed_arousal_arms_the_outputs_and_reaches_telemetry(self):
        feeder = Feeder(self.c, 0.62)
        try:
            armed = first(self.c.outputs(timeout=TIMEOUT), lambda f: Controller.safety_name(f.safety) == "armed")
            self.assertGreater(armed.step, 0)
            self.assertGreater(len(armed.values), 0)
            t = first(self.c.telemetry(timeout=TIMEOUT), lambda f: abs(f.arousal - 0.62) < 1e-4)
            self.assertGreater(len(t.readout), 0)
        finally:
            summary = feeder.stop(min_sent=20)
        self.assertIsNotNone(summary)
        self.assertEqual(summary.received, feeder.sent)  # every sample the stream carried reached the rig
        self.assertEqual(summary.accepted, summary.received)

    def test_3_set_levers_overrides_by_name_and_clear_restores(self):
        s = self.c.set_levers(coupling=0.3, gaba_gain=1.5)
        self.assertTrue(s.levers_overridden)
        self.assertAlmostEqual(s.levers["coupling"], 0.3, places=6)
        self.assertAlmostEqual(s.levers["gaba_gain"], 1.5, places=6)
        with self.assertRaises(ValueError):
            self.c.set_levers(no_such_lever=1.0)
        with self.assertRaises(grpc.RpcError) as e:
            self.c.set_levers(coupling=5.0)  # out of 0..1
        self.assertEqual(e.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertFalse(self.c.clear_levers().levers_overridden)

    def test_4_hold_and_resume(self):
        self.assertEqual(self.c.hold().state, "stopped")
        self.assertEqual(self.c.resume().state, "running")

    def test_5_estop_forces_outputs_safe_until_reset_and_resume(self):
        feeder = Feeder(self.c, 0.5)
        try:
            first(self.c.outputs(timeout=TIMEOUT), lambda f: Controller.safety_name(f.safety) == "armed")
            s = self.c.estop("python test")
            self.assertEqual(s.safety, "estop")
            self.assertIn("python test", s.estop_reason)
            frames = list(self.c.outputs(limit=50, timeout=TIMEOUT))
            self.assertTrue(all(Controller.safety_name(f.safety) == "estop" for f in frames[5:]))
            with self.assertRaises(grpc.RpcError) as e:
                self.c.resume()
            self.assertEqual(e.exception.code(), grpc.StatusCode.FAILED_PRECONDITION)
            self.c.reset_estop()
            self.assertEqual(self.c.resume().state, "running")
            first(self.c.outputs(timeout=TIMEOUT), lambda f: Controller.safety_name(f.safety) == "armed")
        finally:
            feeder.stop()

    def test_6_zmq_helper_pushes_arousal_and_reads_outputs(self):
        with ZmqClient(env("CLOSEDLOOP_ZMQ_INGEST"), env("CLOSEDLOOP_ZMQ_OUTPUTS")) as z:
            deadline = time.monotonic() + TIMEOUT
            seen = None
            while time.monotonic() < deadline and seen is None:
                z.send_arousal(0.37)
                kind, msg = z.receive(timeout_s=TIMEOUT)
                if kind == "telemetry" and abs(msg.arousal - 0.37) < 1e-4:
                    seen = msg
            self.assertIsNotNone(seen, "telemetry never showed the arousal sent over ZeroMQ")
            z.send_arousal(0.37)
            out = next(z.outputs(limit=1, timeout_s=TIMEOUT))
            self.assertGreater(out.step, 0)

    def test_7_status_shows_ingest_errors_by_kind_with_their_text(self):
        summary = self.c.push(float("nan"))  # refused by the rig's ingest: a NaN value
        self.assertEqual(summary.accepted, 0)
        s = self.c.status()
        self.assertIn("NonFinite", s.ingest_errors)
        e = s.ingest_errors["NonFinite"]
        self.assertGreaterEqual(e.count, 1)
        self.assertIn("nan", e.last_detail.lower())
        for kind, counted in s.ingest_errors.items():
            self.assertGreater(counted.count, 0, kind)  # only the kinds that occurred are listed


if __name__ == "__main__":
    unittest.main()

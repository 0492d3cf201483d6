#!/usr/bin/python3
"""A fake Pupil Capture for tests: Pupil Remote (REP) plus the IPC backbone's publishing side (PUB).

Run with Debian's /usr/bin/python3 (python3-zmq, python3-msgpack). Prints one line
"READY <remote_port> <sub_port>" on stdout once both sockets are bound, then serves until killed,
until stdin closes, or until --duration seconds have passed.

Pupil time = time.monotonic() + --offset seconds (CLOCK_MONOTONIC: the clock .NET's Stopwatch reads on
Linux), so a test knows the true clock offset. 'T <seconds>' sets Pupil time as Capture does (the offset moves).

What Capture receives is logged, one JSON object per line, to --log (when given), each with "pupil_time" (the
fake's Pupil time at reception):
  {"kind": "remote", "request": "R my-session"}     every Pupil Remote request except t, v and the port requests
                                                     ("R [name]", "r", "T <s>", unknown ones)
  {"kind": "notify", "topic": "notify.start_plugin", "payload": {...}}   a multipart notification over Pupil Remote
  {"kind": "annotation", "topic": "annotation", "payload": {...}}       a message published to the PUB port
Replies are Capture's: "OK" to R and r, "Timesync successful." to T, "Message forwarded." to a notification.
Like Capture's backbone, the PUB port (an XSUB socket) only passes topics somebody subscribed to: the fake subscribes
to "annotation" once it is told to start the Annotation_Capture plugin (or at start with --annotation-plugin).

Datums, frame k = 0, 1, 2, ... at --rate Hz, for each eye e in (0, 1), a 2D and a 3D datum:
  diameter_3d (mm) = 3 + e + (k % 500) * 0.001      packed as an int when k % 500 == 0 (so 3 or 4)
  diameter (px)    = 30 + 10 e + (k % 500) * 0.01
  confidence       = 0.2 when k % 50 == 25 (low), int 1 when k % 10 == 3, else 0.95
  every third frame packs its floats as float32 (timestamps stay float64), the others as float64.
Bad messages on topic pupil.0.3d (and pupil.0.2d): k % 100 == 55 an undecodable payload (0xc1 is never
used in msgpack), k % 100 == 77 a map without diameter/diameter_3d.
"""
import argparse
import json
import select
import sys
import time

import msgpack
import zmq


def pupil_time(offset):
    return time.monotonic() + offset


def diameter_3d(k, eye):
    r = k % 500
    return 3 + eye if r == 0 else 3.0 + eye + r * 0.001


def confidence(k):
    if k % 50 == 25:
        return 0.2
    if k % 10 == 3:
        return 1
    return 0.95


def datum(k, eye, method, ts):
    d = {
        "topic": f"pupil.{eye}.{method}",
        "id": eye,
        "method": "3d c++" if method == "3d" else "2d c++",
        "timestamp": ts,
        "confidence": confidence(k),
        "norm_pos": [0.5, 0.5],
        "diameter": 30.0 + 10 * eye + (k % 500) * 0.01,
    }
    if method == "3d":
        d["diameter_3d"] = diameter_3d(k, eye)
        d["model_confidence"] = 1.0
    return d


_single = msgpack.Packer(use_bin_type=True, use_single_float=True)
_double = msgpack.Packer(use_bin_type=True, use_single_float=False)


def pack(d, single):
    """A msgpack map whose float values are float32 when `single`, except the timestamp (always float64,
    as Pupil sends it: float32 cannot hold Pupil time to better than milliseconds)."""
    out = [_double.pack_map_header(len(d))]
    for key, value in d.items():
        out.append(_double.pack(key))
        out.append((_single if single and key != "timestamp" else _double).pack(value))
    return b"".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0, help="Pupil Remote port (0 = any free port)")
    ap.add_argument("--rate", type=float, default=200.0, help="eye camera frame rate, Hz")
    ap.add_argument("--offset", type=float, default=0.0, help="Pupil time minus CLOCK_MONOTONIC, s")
    ap.add_argument("--duration", type=float, default=30.0, help="exit after this many seconds")
    ap.add_argument("--hostile", action="store_true",
                    help="also send, every 100 frames, an eye-0 datum stamped 1e12 s and a datum padded to 8 kB")
    ap.add_argument("--version", default="3.5.7-fake", help="the answer to 'v' (before 2.0 Capture had no .2d/.3d topics)")
    ap.add_argument("--fallback", action="store_true",
                    help="also send, every 10 frames per eye, pye3d's fallback datum: confidence 0 and no diameter_3d")
    ap.add_argument("--log", default="", help="append what Capture receives here, one JSON object per line")
    ap.add_argument("--annotation-plugin", action="store_true", help="the Annotation_Capture plugin runs from the start")
    args = ap.parse_args()
    clock = {"offset": args.offset}
    log = open(args.log, "a", encoding="utf-8") if args.log else None

    def record(entry):
        if log is not None:
            entry["pupil_time"] = pupil_time(clock["offset"])
            log.write(json.dumps(entry, default=repr) + "\n")
            log.flush()

    ctx = zmq.Context()
    rep = ctx.socket(zmq.REP)
    rep.setsockopt(zmq.LINGER, 0)
    if args.port:
        rep.bind(f"tcp://127.0.0.1:{args.port}")
        remote_port = args.port
    else:
        remote_port = rep.bind_to_random_port("tcp://127.0.0.1")
    pub = ctx.socket(zmq.PUB)
    pub.setsockopt(zmq.LINGER, 0)
    sub_port = pub.bind_to_random_port("tcp://127.0.0.1")
    xsub = ctx.socket(zmq.XSUB)  # where plugins and clients publish (Capture's PUB_PORT)
    xsub.setsockopt(zmq.LINGER, 0)
    pub_port = xsub.bind_to_random_port("tcp://127.0.0.1")
    subscribed = [False]

    def subscribe_annotations():
        if not subscribed[0]:
            xsub.send(b"\x01annotation")  # an XSUB subscribes by sending 0x01 + prefix; it is resent to every new peer
            subscribed[0] = True

    if args.annotation_plugin:
        subscribe_annotations()
    print(f"READY {remote_port} {sub_port}", flush=True)

    poller = zmq.Poller()
    poller.register(rep, zmq.POLLIN)
    poller.register(xsub, zmq.POLLIN)
    period = 1.0 / args.rate
    start = time.monotonic()
    next_frame = start
    k = 0
    while time.monotonic() - start < args.duration:
        if select.select([sys.stdin], [], [], 0)[0] and not sys.stdin.read(1):
            break  # the test closed our stdin
        timeout_ms = max(0.0, (next_frame - time.monotonic()) * 1000.0)
        ready = dict(poller.poll(timeout_ms))
        # What was published has arrived before a request that follows it is handled (as the backbone would have
        # delivered it by then): drain the PUB port first.
        while True:
            try:
                frames = xsub.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                break
            payload = msgpack.unpackb(frames[1], raw=False) if len(frames) > 1 else None
            record({"kind": "annotation", "topic": frames[0].decode("utf-8", "replace"), "payload": payload})
        for sock in [rep] if rep in ready else []:
            frames = sock.recv_multipart()
            if len(frames) > 1:  # a notification: topic + msgpack payload, forwarded to the backbone
                payload = msgpack.unpackb(frames[1], raw=False)
                record({"kind": "notify", "topic": frames[0].decode("utf-8", "replace"), "payload": payload})
                if payload.get("subject") == "start_plugin" and payload.get("name") == "Annotation_Capture":
                    subscribe_annotations()
                sock.send_string("Message forwarded.")
                continue
            req = frames[0].decode("utf-8", "replace")
            if req == "SUB_PORT":
                sock.send_string(str(sub_port))
            elif req == "PUB_PORT":
                sock.send_string(str(pub_port))
            elif req == "t":
                sock.send_string(repr(pupil_time(clock["offset"])))
            elif req == "v":
                sock.send_string(args.version)
            elif req.startswith("R"):
                record({"kind": "remote", "request": req})
                sock.send_string("OK")
            elif req.startswith("r"):
                record({"kind": "remote", "request": req})
                sock.send_string("OK")
            elif req.startswith("T"):
                record({"kind": "remote", "request": req})
                try:
                    target = float(req[2:])
                except ValueError:
                    sock.send_string(f"'{req[2:]}' cannot be converted to float.")
                else:
                    clock["offset"] = target - time.monotonic()
                    sock.send_string("Timesync successful.")
            else:
                record({"kind": "remote", "request": req})
                sock.send_string("Unknown command.")
        if time.monotonic() < next_frame:
            continue
        single = k % 3 == 0
        for eye in (0, 1):
            ts = pupil_time(clock["offset"])
            for method in ("2d", "3d"):
                topic = f"pupil.{eye}.{method}"
                payload = pack(datum(k, eye, method, ts), single)
                pub.send_multipart([topic.encode(), payload])
        if k % 100 == 55:
            for method in ("2d", "3d"):
                pub.send_multipart([f"pupil.0.{method}".encode(), b"\xc1\x00garbage"])
        if k % 100 == 77:
            for method in ("2d", "3d"):
                bad = {"topic": f"pupil.0.{method}", "id": 0, "timestamp": pupil_time(clock["offset"]), "confidence": 0.9}
                pub.send_multipart([f"pupil.0.{method}".encode(), msgpack.packb(bad, use_bin_type=True)])
        if args.fallback and k % 10 == 8:
            for eye in (0, 1):
                fb = {"topic": f"pupil.{eye}.3d", "id": eye, "method": "3d c++", "timestamp": pupil_time(clock["offset"]),
                      "confidence": 0.0, "norm_pos": [0.5, 0.5], "diameter": 0.0}
                pub.send_multipart([f"pupil.{eye}.3d".encode(), msgpack.packb(fb, use_bin_type=True)])
        if args.hostile and k % 100 == 33:
            future = datum(k, 0, "3d", 1e12)
            pub.send_multipart([b"pupil.0.3d", pack(future, False)])
        if args.hostile and k % 100 == 44:
            padded = dict(datum(k, 1, "3d", pupil_time(clock["offset"])), pad=b"\0" * 8000)
            pub.send_multipart([b"pupil.1.3d", msgpack.packb(padded, use_bin_type=True)])
        k += 1
        next_frame += period
    return 0


if __name__ == "__main__":
    sys.exit(main())

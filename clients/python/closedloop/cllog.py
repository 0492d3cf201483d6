"""Reader of ClosedLoop recordings (.cllog, format versions 1 and 2; docs/recording.md) into numpy arrays.

    rec = read_cllog("recordings/closedloop-....cllog")
    rec.counts                      # records per type, as `closedloop replay` lists them
    out = rec.tables["OutputFrame"] # numpy structured array: step, ticks, ..., ch0..ch7, safety, intervention_mask
    dfs = rec.to_pandas()           # the same tables as pandas DataFrames (when pandas is installed)

Every block's CRC-32 is checked; a damaged block is skipped (the reader resynchronises on the next valid block)
and listed in ``rec.damage``, like the C# reader does.
"""
import struct
import zlib
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

FILE_MAGIC = b"CLRECLOG"
BLOCK_MAGIC = b"CBLK"
HEADER_SIZE = 48
MIN_BLOCK = 24
MAX_BLOCK = 16 * 1024 * 1024
RECORD_HEADER = 13

LEVERS = ("coupling", "dendritic_drive", "somatic_drive", "threshold_shift", "resting_shift", "ampa_gain",
          "nmda_gain", "gaba_gain", "synaptic_time_scale", "som_strength", "pv_strength")
LEGACY_READOUT = (("pyramidal_rate_hz", "Hz"), ("som_rate_hz", "Hz"), ("pv_rate_hz", "Hz"),
                  ("burst_fraction", "1"), ("gain", "1"), ("spikes_per_step", "1"))

# Record type byte -> name (the C# RecordType enum).
TYPE_NAMES = {1: "Config", 2: "InputSample", 3: "ArousalEstimate", 4: "LeverChange", 5: "OutputFrame",
              6: "StepTiming", 7: "SafetyIntervention", 8: "Marker", 9: "ClockOffset", 10: "Dropped",
              11: "LoopStart", 12: "Readout", 13: "ModelReadout", 14: "ReadoutSchema", 15: "InputLatency",
              16: "ControlCall", 17: "DigitalEdge"}


def _packed(fields, size):
    names = [f[0] for f in fields]
    formats = [f[1] for f in fields]
    offsets = [f[2] for f in fields]
    return np.dtype({"names": names, "formats": formats, "offsets": offsets, "itemsize": size})


# Fixed-size payloads, little-endian, as laid out in docs/recording.md.
FIXED = {
    "InputSample": _packed([("value", "<f8", 0), ("confidence", "<f4", 8), ("channel", "u1", 12), ("kind", "u1", 13),
                            ("source_time_s", "<f8", 14), ("arrival_ticks", "<i8", 22), ("sequence", "<u8", 30)], 38),
    "ArousalEstimate": _packed([("arousal", "<f4", 0), ("quality", "<u2", 4), ("source_time_s", "<f8", 6),
                                ("arrival_ticks", "<i8", 14), ("sequence", "<u8", 22), ("publish_count", "<i8", 30)], 38),
    "LeverChange": _packed([(n, "<f4", 4 * i) for i, n in enumerate(LEVERS)], 44),
    "OutputFrame": _packed([("ticks", "<i8", 0), ("input_sequence", "<u8", 8), ("input_arrival_ticks", "<i8", 16),
                            ("channel_count", "<i4", 24)] + [(f"ch{i}", "<f4", 28 + 4 * i) for i in range(8)]
                           + [("safety", "u1", 60), ("intervention_mask", "u1", 61)], 62),
    "StepTiming": _packed([("now_ticks", "<i8", 0), ("deadline_ticks", "<i8", 8), ("compute_ticks", "<i8", 16),
                           ("device_ack_ticks", "<i8", 24), ("skipped", "<i4", 32), ("overran", "u1", 36)], 37),
    "SafetyIntervention": _packed([("reason", "<u4", 0), ("channel", "u1", 4), ("requested", "<f4", 5),
                                   ("applied", "<f4", 9)], 13),
    "ClockOffset": _packed([("source_kind", "u1", 0), ("source_id", "u1", 1), ("offset_s", "<f8", 2),
                            ("round_trip_s", "<f8", 10), ("ticks", "<i8", 18)], 26),
    "Dropped": _packed([("dropped_total", "<u8", 0), ("dropped_since_previous", "<u8", 8)], 16),
    "LoopStart": _packed([("step_rate_hz", "<f8", 0), ("substeps", "<i4", 8), ("model_dt_ms", "<f8", 12),
                          ("period_ticks", "<i8", 20), ("tick_frequency", "<i8", 28), ("channel_count", "<i4", 36),
                          ("overrun_policy", "u1", 40), ("deterministic", "u1", 41), ("step0_deadline_ticks", "<i8", 42)], 50),
    "Readout": _packed([("time_ms", "<f8", 0)] + [(n, "<f4", 8 + 4 * i) for i, (n, _) in enumerate(LEGACY_READOUT[:5])]
                       + [("spikes_per_step", "<i4", 28)], 32),
    "InputLatency": _packed([("sequence", "<u8", 0), ("source_time_s", "<f8", 8), ("arrival_ticks", "<i8", 16),
                             ("published_ticks", "<i8", 24)], 32),
}

SAFETY_STATES = {0: "Armed", 1: "Disarmed", 2: "Tripped", 3: "EStop"}


@dataclass
class Damage:
    kind: str      # "Middle" or "Tail"
    offset: int
    length: int


@dataclass
class Recording:
    path: str
    version: int
    created_us: int
    clock_frequency: int
    model: str = ""
    config: str = ""
    readout_schema: List[Tuple[str, str, Optional[str], str]] = field(default_factory=list)  # name, unit, alias, description
    counts: Dict[str, int] = field(default_factory=dict)
    tables: Dict[str, np.ndarray] = field(default_factory=dict)
    markers: List[Tuple[int, int, str]] = field(default_factory=list)  # step, code, note
    damage: List[Damage] = field(default_factory=list)

    def seconds(self, ticks) -> np.ndarray:
        """Ticks (monotonic clock) to seconds."""
        return np.asarray(ticks, dtype=np.float64) / float(self.clock_frequency)

    def to_pandas(self) -> Dict[str, "object"]:
        """Every table as a pandas DataFrame (needs pandas)."""
        import pandas as pd
        frames = {name: pd.DataFrame.from_records(arr) for name, arr in self.tables.items()}
        frames["Marker"] = pd.DataFrame(self.markers, columns=["step", "code", "note"])
        return frames


def _crc_ok(buf: bytes, start: int, length: int) -> bool:
    (crc,) = struct.unpack_from("<I", buf, start + length - 4)
    return zlib.crc32(memoryview(buf)[start:start + length - 4]) & 0xFFFFFFFF == crc


def _valid_block(buf: bytes, pos: int) -> Optional[Tuple[int, int, int]]:
    """(length, first sequence, count) when a valid block starts at pos."""
    if pos + MIN_BLOCK > len(buf) or buf[pos:pos + 4] != BLOCK_MAGIC:
        return None
    length, first, count = struct.unpack_from("<IQI", buf, pos + 4)
    if not MIN_BLOCK <= length <= MAX_BLOCK or pos + length > len(buf) or not _crc_ok(buf, pos, length):
        return None
    # Records must fill the block exactly.
    p, end, n = pos + 20, pos + length - 4, 0
    while p < end:
        if p + RECORD_HEADER > end:
            return None
        (size,) = struct.unpack_from("<I", buf, p + 1)
        p += RECORD_HEADER + size
        n += 1
    return (length, first, count) if p == end and n == count else None


def read_cllog(path: str) -> Recording:
    """Read a whole recording into numpy tables (see the module doc)."""
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < HEADER_SIZE or buf[:8] != FILE_MAGIC:
        raise ValueError(f"{path}: not a ClosedLoop recording (bad magic)")
    version, header_size, _flags, created_us, _mono, freq, _res, crc = struct.unpack_from("<HHIqqqII", buf, 8)
    if zlib.crc32(buf[:44]) & 0xFFFFFFFF != crc or header_size != HEADER_SIZE or version not in (1, 2):
        raise ValueError(f"{path}: bad recording header (version {version}, header size {header_size})")
    rec = Recording(path, version, created_us, freq)

    payloads: Dict[str, bytearray] = {}
    steps: Dict[str, List[int]] = {}
    readouts: List[Tuple[int, bytes]] = []
    pos = HEADER_SIZE
    while pos < len(buf):
        block = _valid_block(buf, pos)
        if block is None:
            start = pos
            nxt = buf.find(BLOCK_MAGIC, pos + 1)
            while nxt != -1 and _valid_block(buf, nxt) is None:
                nxt = buf.find(BLOCK_MAGIC, nxt + 1)
            if nxt == -1:
                rec.damage.append(Damage("Tail", start, len(buf) - start))
                break
            rec.damage.append(Damage("Middle", start, nxt - start))
            pos = nxt
            continue
        length, _first, _count = block
        p, end = pos + 20, pos + length - 4
        while p < end:
            rtype, size, step = struct.unpack_from("<BIq", buf, p)
            body = buf[p + RECORD_HEADER:p + RECORD_HEADER + size]
            p += RECORD_HEADER + size
            name = TYPE_NAMES.get(rtype, f"Unknown{rtype}")
            rec.counts[name] = rec.counts.get(name, 0) + 1
            if name in FIXED:
                payloads.setdefault(name, bytearray()).extend(body)
                steps.setdefault(name, []).append(step)
            elif name == "Config":
                (n,) = struct.unpack_from("<H", body, 0)
                rec.model = body[2:2 + n].decode("utf-8")
                rec.config = body[2 + n:].decode("utf-8")
            elif name == "ReadoutSchema":
                for line in body.decode("utf-8").split("\n"):
                    if line:
                        nm, unit, alias, desc = line.split("\t", 3)
                        rec.readout_schema.append((nm, unit, None if alias == "-" else alias, desc))
            elif name == "Marker":
                (code,) = struct.unpack_from("<i", body, 0)
                rec.markers.append((step, code, body[4:].decode("utf-8")))
            elif name == "ModelReadout":
                readouts.append((step, body))
        pos += length

    for name, data in payloads.items():
        values = np.frombuffer(bytes(data), dtype=FIXED[name])
        rec.tables[name] = _with_step(values, steps[name])
    if readouts:
        rec.tables["ModelReadout"] = _readout_table(rec, readouts)
    elif "Readout" in rec.tables and not rec.readout_schema:
        rec.readout_schema = [(n, u, None, "") for n, u in LEGACY_READOUT]
    return rec


def _with_step(values: np.ndarray, steps: List[int]) -> np.ndarray:
    fields = [("step", "<i8")] + [(n, values.dtype.fields[n][0].str) for n in values.dtype.names]
    out = np.empty(len(values), dtype=fields)
    out["step"] = np.asarray(steps, dtype=np.int64)
    for n in values.dtype.names:
        out[n] = values[n]
    return out


def _readout_table(rec: Recording, readouts) -> np.ndarray:
    names = [s[0] for s in rec.readout_schema] or [f"value{i}" for i in range(12)]
    out = np.full(len(readouts), np.nan, dtype=[("step", "<i8"), ("time_ms", "<f8")] + [(n, "<f4") for n in names])
    for i, (step, body) in enumerate(readouts):
        time_ms, n = struct.unpack_from("<dB", body, 0)
        vals = struct.unpack_from(f"<{n}f", body, 9)
        out["step"][i] = step
        out["time_ms"][i] = time_ms
        for name, v in zip(names, vals):
            out[name][i] = v
    return out

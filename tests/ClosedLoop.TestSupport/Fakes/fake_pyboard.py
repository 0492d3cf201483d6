#!/usr/bin/env python3
"""A fake pyPhotometry board for ClosedLoop's tests.

A pyboard as the host sees it over USB: MicroPython's raw REPL on a pseudo-terminal (Ctrl-A enters raw mode,
Ctrl-D soft-resets or runs the code sent, answering "OK", output, EOT, error text, EOT, ">"), with the code it
is sent run for real in CPython. MicroPython's `pyb` module is replaced by stand-ins: ADCs whose readings follow the
LEDs the code has switched on (ambient + the DAC values of the lit LEDs, 12 bits), digital inputs toggling in known
patterns, timers whose callbacks run on a thread at the requested rate, and a USB serial port that is the
pseudo-terminal itself. So ClosedLoop's acquisition module (closedloop_photometry.py) is uploaded to this
"board's flash" (a folder), imported and run exactly as on the board, and the frames the host decodes are the
ones it writes.

Usage: fake_pyboard.py --flash DIR --link PATH [--log FILE] [--fail-after-ticks N] [--silent]
Links PATH to the terminal (made beside it and renamed over it), then prints "pty /dev/pts/N" on stdout; runs until
killed. The host opens PATH, never /dev/pts/N: on SIGTERM the link is removed before the terminal is freed (the kernel
hands a freed number to the next pty opened anywhere, another test's included, and a driver must never reach that one
through this board's name). A launcher that SIGKILLs the board removes the link itself first.
"""

import argparse
import binascii
import io
import os
import random
import select
import signal
import sys
import threading
import time
import traceback
import tty
import types

AMBIENT = 200
LED3_LEVEL = 600

parser = argparse.ArgumentParser()
parser.add_argument("--flash", required=True)
parser.add_argument("--link", required=True)
parser.add_argument("--log")
parser.add_argument("--fail-after-ticks", type=int, default=0)
parser.add_argument("--silent", action="store_true")
args = parser.parse_args()

master, slave = os.openpty()
tty.setraw(slave)
tty.setraw(master)
log_lock = threading.Lock()


def log(line):
    if args.log:
        with log_lock, open(args.log, "a") as f:
            f.write(line.replace("\n", "\\n") + "\n")


def write(data):
    os.write(master, bytes(data))


class Hardware:
    """What the code has switched on, and the tick count of the sampling timer."""

    def __init__(self):
        self.dac = {1: 0, 2: 0}
        self.led3 = 0
        self.ticks = 0


hw = Hardware()


class Pin:
    IN = 0
    OUT = 1
    PULL_DOWN = 2

    def __init__(self, name, mode=IN, pull=None):
        self.name = name
        self.mode = mode
        self.level = 0

    def value(self, v=None):
        if v is not None:
            self.level = 1 if v else 0
            if self.name == "Y8" and self.mode == Pin.OUT:
                hw.led3 = self.level
            return None
        if self.mode == Pin.OUT:
            return self.level
        period = 37 if self.name == "Y7" else 53  # input patterns: Digital 1 and Digital 2 toggle every 37 / 53 ticks
        return (hw.ticks // period) % 2


class DAC:
    def __init__(self, n, bits=8):
        self.n = n

    def write(self, v):
        hw.dac[self.n] = int(v)


class ADC:
    def __init__(self, pin):
        self.offset = 0 if pin == "X11" else 20

    def read_timed(self, buf, timer):
        if args.fail_after_ticks and hw.ticks > args.fail_after_ticks:
            raise OSError(5)
        level = AMBIENT + self.offset + (hw.ticks // 7) % 50 + hw.dac[1] + hw.dac[2] + (LED3_LEVEL if hw.led3 else 0)
        level = min(level, 4095)
        for i in range(len(buf)):
            buf[i] = level


class Timer:
    def __init__(self, n):
        self.n = n
        self.freq = 0
        self.running = False
        self.thread = None

    def init(self, freq):
        self.freq = freq

    def callback(self, fn):
        self.running = True
        self.thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self.thread.start()

    def _run(self, fn):
        start = time.monotonic()
        done = 0
        while self.running:
            due = int((time.monotonic() - start) * self.freq)
            while done < due and self.running:
                # On the board the interrupt and the main loop never starve each other; here they share the GIL on a
                # loaded machine, so the timer waits while a full buffer is still unsent instead of overwriting it.
                if getattr(getattr(fn, "__self__", None), "ready", False):
                    break
                hw.ticks += 1
                try:
                    fn(self)
                except Exception as e:  # MicroPython disables the callback and prints the exception
                    write(b"Uncaught exception in IRQ callback handler\r\n" + format_error(e))
                    self.running = False
                    return
                done += 1
            time.sleep(0.001)

    def deinit(self):
        self.running = False
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout=2)


class USB_VCP:
    def setinterrupt(self, c):
        pass

    def any(self):
        return bool(select.select([master], [], [], 0.001)[0])

    def read(self, n):
        data = b""
        while len(data) < n:
            data += os.read(master, n - len(data))
        if data == b"\xff":
            log("STOP byte received")
        return data

    def write(self, data):
        write(data)
        return len(data)

    send = write


def udelay(us):
    time.sleep(us / 1e6)


pyb = types.ModuleType("pyb")
pyb.Pin, pyb.DAC, pyb.ADC, pyb.Timer, pyb.USB_VCP, pyb.udelay = Pin, DAC, ADC, Timer, USB_VCP, udelay
pyb.rng = lambda: random.getrandbits(30)
sys.modules["pyb"] = pyb
sys.modules["ubinascii"] = binascii
sys.dont_write_bytecode = True
os.makedirs(args.flash, exist_ok=True)
os.chdir(args.flash)
sys.path.insert(0, os.path.abspath(args.flash))


def format_error(e):
    text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


namespace = {}


def soft_reset():
    namespace.clear()
    namespace["__name__"] = "__main__"
    sys.modules.pop("closedloop_photometry", None)
    hw.dac = {1: 0, 2: 0}
    hw.led3 = 0


def run_code(code):
    log("exec " + code.decode(errors="replace"))
    out = io.StringIO()
    err = b""
    saved = sys.stdout
    sys.stdout = out
    try:
        exec(compile(code.decode(), "<stdin>", "exec"), namespace)
    except Exception as e:
        err = format_error(e)
    finally:
        sys.stdout = saved
    return out.getvalue().replace("\n", "\r\n").encode(), err


BANNER = b"raw REPL; CTRL-B to exit\r\n>"
SLAVE_NAME = os.ttyname(slave)


def remove_link():
    """Remove the link if it still names this board's terminal (a newer board may have taken the path)."""
    try:
        if os.readlink(args.link) == SLAVE_NAME:
            os.unlink(args.link)
    except OSError:
        pass


def on_term(signum, frame):
    remove_link()  # before the terminal goes: the process exit closes it
    os._exit(0)


signal.signal(signal.SIGTERM, on_term)
signal.signal(signal.SIGINT, on_term)
fresh = "%s.new-%d" % (args.link, os.getpid())
if os.path.lexists(fresh):
    os.unlink(fresh)
os.symlink(SLAVE_NAME, fresh)
os.replace(fresh, args.link)
print("pty " + SLAVE_NAME, flush=True)
soft_reset()
raw = False
code = b""
while True:
    b = os.read(master, 1)
    if args.silent:
        continue
    if not raw:
        if b == b"\x01":
            raw = True
            code = b""
            write(BANNER)
        elif b == b"\x04":
            soft_reset()
            write(b"MPY: soft reboot\r\n>>> ")
        continue
    if b == b"\x01":
        code = b""
        write(BANNER)
    elif b == b"\x02":
        raw = False
        write(b"\r\n>>> ")
    elif b == b"\x03":
        code = b""
    elif b == b"\x04":
        if not code:
            soft_reset()
            write(b"MPY: soft reboot\r\n" + BANNER)
        else:
            write(b"OK")
            out, err = run_code(code)
            write(out + b"\x04" + err + b"\x04>")
            code = b""
    else:
        code += b

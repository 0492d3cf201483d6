# ClosedLoop's acquisition module for the pyPhotometry board (MicroPython on a pyboard v1.1).
#
# Written for ClosedLoop from the pyPhotometry serial protocol (docs/modulation.md, "pyPhotometry"): it samples
# the two photoreceiver inputs (X11, X12) and the digital pins (Y7, Y8), drives the LED DACs, and streams the
# same frames the pyPhotometry firmware streams, so the host reads it with the same decoder:
#   0x07, u16 chunk number (from 1, modulo 2**16), u16 checksum (sum of the words modulo 2**16), the words;
#   each word is (15-bit sample << 1) | digital bit, little-endian.
# The host copies this file to the board's flash over the raw REPL, then runs
#   import closedloop_photometry as clp
#   b = clp.Board(mode, led1_dac, led2_dac)
#   b.run(rate_hz, words_per_chunk, sync)   # sync: None or (pulse_ms, min_interval_ms, max_interval_ms)
# and stops it by sending the byte 0xFF. While running, 0xFD or 0xFE followed by a u16 (little-endian) DAC value
# changes LED 1 or LED 2.

import gc
import pyb
from array import array

MODES = ("2EX_2EM_continuous", "2EX_1EM_pulsed", "2EX_2EM_pulsed", "3EX_2EM_pulsed")
OVERSAMPLE_HZ_CONTINUOUS = 300000
OVERSAMPLE_HZ_PULSED = 256000
SETTLE_US = 300  # LED on to sample, pulsed modes


class Board:
    def __init__(self, mode, led1_dac, led2_dac):
        if mode not in MODES:
            raise ValueError("unknown mode " + str(mode))
        self.mode = mode
        self.pulsed = mode != "2EX_2EM_continuous"
        self.channels = 3 if mode == "3EX_2EM_pulsed" else 2
        self.led_dac = [int(led1_dac), int(led2_dac)]
        self.adc1 = pyb.ADC("X11")
        self.adc2 = pyb.ADC("X12")
        self.dac1 = pyb.DAC(1, bits=12)
        self.dac2 = pyb.DAC(2, bits=12)
        self.dac1.write(0)
        self.dac2.write(0)
        if self.channels == 3:
            self.led3 = pyb.Pin("Y8", pyb.Pin.OUT)
            self.led3.value(0)
            self.di2 = None
        else:
            self.led3 = None
            self.di2 = pyb.Pin("Y8", pyb.Pin.IN, pyb.Pin.PULL_DOWN)
        self.ovs = array("H", [0] * 64)  # 64 readings of 12 bits; their sum >> 3 is the 15-bit sample
        self.ovs_timer = pyb.Timer(2)
        self.tick_timer = pyb.Timer(3)
        self.usb = pyb.USB_VCP()

    def run(self, rate_hz, words_per_chunk, sync):
        step = 2 * self.channels if self.pulsed else 2
        if words_per_chunk % step:
            raise ValueError("words_per_chunk must be a multiple of " + str(step))
        self.words = words_per_chunk
        self.bufs = (array("H", [0] * words_per_chunk), array("H", [0] * words_per_chunk))
        self.header = array("H", [0, 0])
        self.fill = 0
        self.idx = 0
        self.ready = False
        self.chunk = 0
        self.next_led = 0
        self.sync = sync is not None
        self.sync_level = 0
        if self.sync:
            self.d1 = pyb.Pin("Y7", pyb.Pin.OUT)
            self.d1.value(0)
            self.sync_len = max(1, rate_hz * sync[0] // 1000)
            self.sync_min = rate_hz * sync[1] // 1000
            self.sync_span = max(1, rate_hz * sync[2] // 1000 - self.sync_min)
            self.sync_count = 0
            self.sync_due = 0
        else:
            self.d1 = pyb.Pin("Y7", pyb.Pin.IN, pyb.Pin.PULL_DOWN)
        gc.collect()
        gc.disable()
        self.usb.setinterrupt(-1)  # 0x03 is data now, not Ctrl-C
        if self.pulsed:
            self.ovs_timer.init(freq=OVERSAMPLE_HZ_PULSED)
            self.tick_timer.init(freq=rate_hz * self.channels)
            self.tick_timer.callback(self._tick_pulsed)
        else:
            self.ovs_timer.init(freq=OVERSAMPLE_HZ_CONTINUOUS)
            self.dac1.write(self.led_dac[0])
            self.dac2.write(self.led_dac[1])
            self.tick_timer.init(freq=rate_hz)
            self.tick_timer.callback(self._tick_continuous)
        try:
            while True:
                if self.ready:
                    self._send()
                if self.usb.any():
                    cmd = self.usb.read(1)
                    if cmd == b"\xff":
                        break
                    if cmd == b"\xfd" or cmd == b"\xfe":
                        value = int.from_bytes(self.usb.read(2), "little")
                        self.led_dac[0 if cmd == b"\xfd" else 1] = value
                        if not self.pulsed:
                            (self.dac1 if cmd == b"\xfd" else self.dac2).write(value)
        finally:
            self._halt()

    def _halt(self):
        self.tick_timer.deinit()
        self.ovs_timer.deinit()
        self.dac1.write(0)
        self.dac2.write(0)
        if self.led3 is not None:
            self.led3.value(0)
        if self.sync:
            self.d1.value(0)
        self.usb.setinterrupt(3)
        gc.enable()

    def _send(self):
        buf = self.bufs[1 - self.fill]
        self.chunk = (self.chunk + 1) & 0xFFFF
        self.header[0] = self.chunk
        self.header[1] = sum(buf) & 0xFFFF
        self.ready = False
        self.usb.write(b"\x07")
        self.usb.write(self.header)
        self.usb.write(buf)

    def _sample(self, adc):
        adc.read_timed(self.ovs, self.ovs_timer)
        return sum(self.ovs) >> 3

    def _sync_step(self):
        # Called once per sample set: a pulse of sync_len sets, then a random pause until the next one.
        if self.sync_count == self.sync_due:
            self.d1.value(1)
            self.sync_level = 1
            self.sync_count = 0
            self.sync_due = self.sync_min + pyb.rng() % self.sync_span
        elif self.sync_count == self.sync_len:
            self.d1.value(0)
            self.sync_level = 0
        self.sync_count += 1

    def _store(self, word0, word1):
        buf = self.bufs[self.fill]
        buf[self.idx] = word0
        buf[self.idx + 1] = word1
        self.idx += 2
        if self.idx >= self.words:
            self.idx = 0
            self.fill = 1 - self.fill
            self.ready = True

    def _tick_continuous(self, timer):
        if self.sync:
            self._sync_step()
            dig1 = self.sync_level
        else:
            dig1 = self.d1.value()
        s1 = self._sample(self.adc1)
        s2 = self._sample(self.adc2)
        self._store((s1 << 1) | dig1, (s2 << 1) | self.di2.value())

    def _tick_pulsed(self, timer):
        led = self.next_led
        self.next_led = (led + 1) % self.channels
        # Receiver: LED 2 is read on X12 in the two-receiver modes; everything else on X11.
        adc = self.adc2 if (led == 1 and self.mode != "2EX_1EM_pulsed") else self.adc1
        dark = self._sample(adc)
        if led == 0:
            self.dac1.write(self.led_dac[0])
        elif led == 1:
            self.dac2.write(self.led_dac[1])
        else:
            self.led3.value(1)
        pyb.udelay(SETTLE_US)
        if led == 0 and self.sync:
            self._sync_step()
        lit = self._sample(adc)
        if led == 0:
            self.dac1.write(0)
            dig = self.sync_level if self.sync else self.d1.value()
        elif led == 1:
            self.dac2.write(0)
            dig = 0 if self.di2 is None else self.di2.value()
        else:
            self.led3.value(0)
            dig = 0
        self._store((lit << 1) | dig, dark << 1)

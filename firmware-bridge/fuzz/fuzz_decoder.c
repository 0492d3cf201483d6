/* libFuzzer target: arbitrary bytes into the stream decoder and the device core. Every malformed frame must be
 * rejected and counted, never crash or read out of bounds (built with ASan and UBSan); no output leaves the device's
 * ceiling, and no Output frame is applied unless its stamp is fresh (protocol v2). */
#include "bp_device.h"

static uint64_t fz_now(void *c) { (void)c; return 1000; }
static void fz_write(void *c, const uint8_t *d, size_t n) { (void)c; (void)d; (void)n; }
static void fz_set(void *c, uint8_t ch, float v) { (void)c; (void)ch; (void)v; }
static int fz_estop(void *c) { (void)c; return 0; }

static void fz_applied(void *c, const bp_output *o, uint64_t now)
{
    if (!bp_device_frame_fresh((const bp_device *)c, o->device_time_seen_us, now)) {
        __builtin_trap(); /* a stale frame reached the outputs */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bp_device dev;
    bp_decoder d;
    bp_frame f;
    uint32_t ends = 0, ok = 0;
    bp_decoder_init(&d);
    for (size_t i = 0; i < size; i++) {
        int r = bp_decoder_push(&d, data[i], &f);
        if (r >= 0) {
            ends++;
        }
        if (r == BP_FRAME_ERROR_NONE) {
            ok++;
            if (f.body + f.body_len > d.payload + sizeof d.payload) {
                __builtin_trap();
            }
        }
    }
    /* Counters add up: every frame that ended was accepted or counted as rejected. */
    if (ok != d.frames_ok || ends != ok + bp_decoder_rejected_total(&d)) {
        __builtin_trap();
    }
    bp_hal hal = {0, fz_now, fz_write, fz_set, fz_estop};
    bp_device_config cfg = {.firmware_build = 1, .tick_hz = 10000, .heartbeat_period_us = 10000};
    for (unsigned i = 0; i < BP_MAX_CHANNELS; i++) {
        cfg.ceiling_min[i] = -100;
        cfg.ceiling_max[i] = 100;
    }
    bp_device_init(&dev, &hal, &cfg);
    dev.on_output = fz_applied;
    dev.hook_ctx = &dev;
    bp_device_receive(&dev, data, size);
    bp_device_tick(&dev);
    /* Whatever arrived, no output leaves the device's own ceiling. */
    for (unsigned i = 0; i < BP_MAX_CHANNELS; i++) {
        if (dev.out[i] > 100.0f || dev.out[i] < -100.0f || dev.out[i] != dev.out[i]) {
            __builtin_trap();
        }
    }
    return 0;
}

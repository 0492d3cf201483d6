/* The hardware abstraction the core runs on. A board provides these; the host build provides a pseudo-terminal
 * version (host/virtual_device.c) and the unit tests an in-memory one. */
#ifndef BP_HAL_H
#define BP_HAL_H
#include <stddef.h>
#include <stdint.h>

typedef struct bp_hal {
    void *ctx;
    /* Device clock, microseconds, monotonic. */
    uint64_t (*now_us)(void *ctx);
    /* Send bytes to the host (a whole frame per call). */
    void (*write)(void *ctx, const uint8_t *data, size_t len);
    /* Drive output line `channel` to `value` (channel units) for this tick. */
    void (*set_output)(void *ctx, uint8_t channel, float value);
    /* Non-zero while the hardware e-stop input is active. */
    int (*estop_active)(void *ctx);
} bp_hal;

#endif

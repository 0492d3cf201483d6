/* The device core: handshake, limits, output scheduler on a fixed tick, host-heartbeat timeout, e-stop.
 * Hardware-free: everything physical goes through bp_hal. Not thread-safe: call receive and tick from one
 * context (a main loop), or guard them. */
#ifndef BP_DEVICE_H
#define BP_DEVICE_H
#include "bp_frame.h"
#include "bp_hal.h"

/* The device's own limits, fixed by the board: host limits beyond them are refused. */
typedef struct {
    uint32_t firmware_build;
    uint32_t tick_hz;
    uint32_t heartbeat_period_us;
    float ceiling_min[BP_MAX_CHANNELS];
    float ceiling_max[BP_MAX_CHANNELS];
    /* Fault injection for tests and the HIL harness: never answer Limits. */
    int never_ack_limits;
    /* Fault injection: speak this protocol version instead of BP_PROTOCOL_VERSION (0: the real one), as a device
     * with older or newer firmware would in the handshake (Hello and HelloAck keep their layout in every version). */
    uint16_t protocol_version;
} bp_device_config;

typedef struct bp_device bp_device;

/* Called for every accepted Output frame, with the values as clamped by the device (may be NULL). */
typedef void (*bp_output_hook)(void *ctx, const bp_output *frame, uint64_t now_us);

struct bp_device {
    bp_hal hal;
    bp_device_config cfg;
    bp_output_hook on_output;
    void *hook_ctx;
    bp_decoder rx;
    uint16_t tx_seq;
    uint16_t rx_seq_next;
    int rx_seq_valid;
    uint8_t state;
    uint32_t faults;        /* sticky since the last heartbeat */
    uint32_t frames_lost;
    uint32_t outputs_applied;
    uint32_t clamps;
    uint32_t outputs_stale; /* Output frames refused as stale (bp_device_frame_fresh) */
    uint32_t last_output_step;
    bp_limits limits;
    int limits_ok;
    uint64_t last_host_us;
    uint64_t last_heartbeat_us;
    uint64_t echo_host_ns;
    uint64_t echo_rx_us;
    int echo_pending;
    int host_armed;
    float requested[BP_MAX_CHANNELS];
    float out[BP_MAX_CHANNELS];
    uint32_t pulse_tick; /* ticks since the current pulse period started */
};

void bp_device_init(bp_device *dev, const bp_hal *hal, const bp_device_config *cfg);

/* Bytes from the host. */
void bp_device_receive(bp_device *dev, const uint8_t *data, size_t len);

/* One scheduler tick (call at cfg.tick_hz): e-stop and host timeout, outputs, heartbeat. */
void bp_device_tick(bp_device *dev);

/* True when an Output frame stamped device_time_seen_us may be applied at device time now: the stamp is set (not
 * 0), not in the device's future, and at most limits.max_frame_age_us old. */
int bp_device_frame_fresh(const bp_device *dev, uint64_t device_time_seen_us, uint64_t now);

/* True when outputs follow the host (limits acknowledged, host alive, no e-stop, host frame armed). */
int bp_device_outputs_live(const bp_device *dev);

#endif

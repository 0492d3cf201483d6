#include "bp_device.h"
#include <math.h>

static void send(bp_device *dev, uint8_t type, const uint8_t *body, size_t len)
{
    uint8_t wire[BP_MAX_WIRE];
    size_t n = bp_frame_encode(type, dev->tx_seq++, body, len, wire);
    dev->hal.write(dev->hal.ctx, wire, n);
}

static void send_heartbeat(bp_device *dev, uint64_t now)
{
    bp_device_heartbeat hb = {0};
    uint8_t body[BP_DEVICE_HEARTBEAT_SIZE];
    hb.device_time_us = now;
    hb.echo_host_time_ns = dev->echo_host_ns;
    hb.echo_hold_us = dev->echo_host_ns ? (uint32_t)(now - dev->echo_rx_us) : 0;
    hb.state = dev->state;
    hb.faults = dev->faults;
    hb.frames_bad = bp_decoder_rejected_total(&dev->rx);
    hb.frames_lost = dev->frames_lost;
    hb.outputs_applied = dev->outputs_applied;
    hb.last_output_step = dev->last_output_step;
    hb.estop_input = dev->hal.estop_active(dev->hal.ctx) ? 1 : 0;
    hb.outputs_stale = dev->outputs_stale;
    bp_device_heartbeat_write(&hb, body);
    send(dev, BP_MSG_DEVICE_HEARTBEAT, body, sizeof body);
    dev->faults = 0;
    dev->echo_pending = 0;
    dev->last_heartbeat_us = now;
}

void bp_device_init(bp_device *dev, const bp_hal *hal, const bp_device_config *cfg)
{
    memset(dev, 0, sizeof *dev);
    dev->hal = *hal;
    dev->cfg = *cfg;
    bp_decoder_init(&dev->rx);
    dev->state = BP_DEVICE_STATE_BOOT;
}

static uint8_t check_limits(const bp_device *dev, const bp_limits *l, uint8_t *bad)
{
    *bad = BP_NO_CHANNEL;
    if (l->channel_count < 1 || l->channel_count > BP_MAX_CHANNELS) {
        return BP_LIMITS_RESULT_BAD_COUNT;
    }
    if (l->heartbeat_timeout_us < 1000u || l->heartbeat_timeout_us > 10000000u) {
        return BP_LIMITS_RESULT_BAD_TIMEOUT;
    }
    /* The compiled ceiling; and the stamp of a fresh frame can lag the device clock by a heartbeat period (plus the
     * link), so an age limit under two periods would refuse frames that are not stale. */
    if (l->max_frame_age_us > BP_MAX_FRAME_AGE_US || l->max_frame_age_us < 2u * (uint64_t)dev->cfg.heartbeat_period_us) {
        return BP_LIMITS_RESULT_BAD_FRAME_AGE;
    }
    for (uint8_t i = 0; i < l->channel_count; i++) {
        const bp_channel_limit *c = &l->channels[i];
        *bad = i;
        if (c->kind > BP_CHANNEL_KIND_PULSE_WIDTH || !isfinite(c->min) || !isfinite(c->max) || !isfinite(c->safe) ||
            c->min > c->max || c->safe < c->min || c->safe > c->max) {
            return BP_LIMITS_RESULT_BAD_RANGE;
        }
        if (c->min < dev->cfg.ceiling_min[i] || c->max > dev->cfg.ceiling_max[i]) {
            return BP_LIMITS_RESULT_OVER_CEILING;
        }
    }
    const uint8_t chans[3] = {l->stim_amplitude_channel, l->stim_rate_channel, l->stim_width_channel};
    const uint8_t kinds[3] = {BP_CHANNEL_KIND_PULSE_AMPLITUDE, BP_CHANNEL_KIND_PULSE_RATE, BP_CHANNEL_KIND_PULSE_WIDTH};
    int any = 0, all = 1;
    for (int k = 0; k < 3; k++) {
        if (chans[k] == BP_NO_CHANNEL) {
            all = 0;
            continue;
        }
        any = 1;
        *bad = chans[k];
        if (chans[k] >= l->channel_count || l->channels[chans[k]].kind != kinds[k]) {
            return BP_LIMITS_RESULT_BAD_STIMULATOR;
        }
    }
    if (any && !all) {
        return BP_LIMITS_RESULT_BAD_STIMULATOR;
    }
    *bad = BP_NO_CHANNEL;
    return BP_LIMITS_RESULT_ACCEPTED;
}

static void on_limits(bp_device *dev, const uint8_t *body)
{
    bp_limits l;
    bp_limits_read(body, &l);
    if (dev->state == BP_DEVICE_STATE_BOOT) {
        dev->faults |= BP_FAULTS_NOT_READY;
        return;
    }
    if (dev->cfg.never_ack_limits) {
        return;
    }
    bp_limits_ack ack = {0};
    uint8_t body_out[BP_LIMITS_ACK_SIZE];
    ack.limits_id = l.limits_id;
    ack.result = check_limits(dev, &l, &ack.channel);
    if (ack.result == BP_LIMITS_RESULT_ACCEPTED) {
        dev->limits = l;
        dev->limits_ok = 1;
        for (uint8_t i = 0; i < BP_MAX_CHANNELS; i++) {
            dev->requested[i] = i < l.channel_count ? l.channels[i].safe : 0.0f;
        }
        dev->host_armed = 0;
        if (dev->state != BP_DEVICE_STATE_ESTOP) {
            dev->state = BP_DEVICE_STATE_READY;
        }
    } else {
        dev->limits_ok = 0;
        if (dev->state != BP_DEVICE_STATE_ESTOP) {
            dev->state = BP_DEVICE_STATE_CONNECTED;
        }
    }
    bp_limits_ack_write(&ack, body_out);
    send(dev, BP_MSG_LIMITS_ACK, body_out, sizeof body_out);
}

static void host_alive(bp_device *dev, uint64_t now)
{
    dev->last_host_us = now;
    if (dev->limits_ok && (dev->state == BP_DEVICE_STATE_READY || dev->state == BP_DEVICE_STATE_HOST_LOST)) {
        dev->state = BP_DEVICE_STATE_ARMED;
    }
}

int bp_device_frame_fresh(const bp_device *dev, uint64_t device_time_seen_us, uint64_t now)
{
    return device_time_seen_us != 0 && device_time_seen_us <= now &&
           now - device_time_seen_us <= dev->limits.max_frame_age_us;
}

static void on_output(bp_device *dev, const uint8_t *body, uint64_t now)
{
    bp_output o;
    bp_output_read(body, &o);
    if (!dev->limits_ok) {
        dev->faults |= BP_FAULTS_NOT_READY;
        return;
    }
    if (!bp_device_frame_fresh(dev, o.device_time_seen_us, now)) {
        /* Built before the host had seen a recent heartbeat (e.g. queued while this device was stalled): its values
         * are old. Refused, and the outputs go safe until a fresh armed frame arrives. Not a sign of a live host. */
        dev->outputs_stale++;
        dev->faults |= BP_FAULTS_STALE_OUTPUT;
        dev->host_armed = 0;
        return;
    }
    for (uint8_t i = 0; i < dev->limits.channel_count; i++) {
        const bp_channel_limit *c = &dev->limits.channels[i];
        float v = i < o.channel_count ? o.values[i] : c->safe;
        if (!isfinite(v)) {
            v = c->safe;
            dev->clamps++;
            dev->faults |= BP_FAULTS_LIMIT_CLAMP;
        } else if (v < c->min || v > c->max) {
            v = v < c->min ? c->min : c->max;
            dev->clamps++;
            dev->faults |= BP_FAULTS_LIMIT_CLAMP;
        }
        o.values[i] = v;
        dev->requested[i] = v;
    }
    dev->host_armed = o.safety == BP_HOST_SAFETY_ARMED;
    dev->outputs_applied++;
    dev->last_output_step = o.step;
    host_alive(dev, now);
    if (dev->on_output) {
        dev->on_output(dev->hook_ctx, &o, now);
    }
}

static void dispatch(bp_device *dev, const bp_frame *f, uint64_t now)
{
    if (f->type == BP_MSG_HELLO) {
        bp_hello h;
        bp_hello_ack ack = {0};
        uint8_t body[BP_HELLO_ACK_SIZE];
        bp_hello_read(f->body, &h);
        uint16_t version = dev->cfg.protocol_version ? dev->cfg.protocol_version : (uint16_t)BP_PROTOCOL_VERSION;
        dev->rx_seq_valid = 0;
        ack.version = version;
        ack.nonce = h.nonce;
        ack.firmware_build = dev->cfg.firmware_build;
        ack.max_channels = BP_MAX_CHANNELS;
        ack.tick_hz = dev->cfg.tick_hz;
        if (h.version != version) {
            dev->faults |= BP_FAULTS_BAD_VERSION;
        } else if (dev->state != BP_DEVICE_STATE_ESTOP) {
            dev->state = BP_DEVICE_STATE_CONNECTED;
            dev->limits_ok = 0;
            dev->host_armed = 0;
            dev->echo_pending = 1; /* first heartbeat at once */
        } else {
            dev->limits_ok = 0;
        }
        bp_hello_ack_write(&ack, body);
        send(dev, BP_MSG_HELLO_ACK, body, sizeof body);
    }
    if (dev->rx_seq_valid && f->seq != dev->rx_seq_next) {
        dev->frames_lost += (uint16_t)(f->seq - dev->rx_seq_next);
        dev->faults |= BP_FAULTS_SEQ_GAP;
    }
    dev->rx_seq_valid = 1;
    dev->rx_seq_next = (uint16_t)(f->seq + 1);
    switch (f->type) {
    case BP_MSG_LIMITS:
        on_limits(dev, f->body);
        break;
    case BP_MSG_OUTPUT:
        on_output(dev, f->body, now);
        break;
    case BP_MSG_HOST_HEARTBEAT: {
        bp_host_heartbeat hb;
        bp_host_heartbeat_read(f->body, &hb);
        dev->echo_host_ns = hb.host_time_ns;
        dev->echo_rx_us = now;
        dev->echo_pending = 1;
        if (dev->state != BP_DEVICE_STATE_BOOT) {
            host_alive(dev, now);
        }
        break;
    }
    case BP_MSG_CLEAR_ESTOP:
        if (dev->state == BP_DEVICE_STATE_ESTOP && !dev->hal.estop_active(dev->hal.ctx)) {
            dev->state = dev->limits_ok ? BP_DEVICE_STATE_READY : BP_DEVICE_STATE_CONNECTED;
            dev->host_armed = 0;
        }
        break;
    default:
        break; /* Hello handled above; device-to-host types are ignored */
    }
}

void bp_device_receive(bp_device *dev, const uint8_t *data, size_t len)
{
    uint64_t now = dev->hal.now_us(dev->hal.ctx);
    for (size_t i = 0; i < len; i++) {
        bp_frame f;
        int r = bp_decoder_push(&dev->rx, data[i], &f);
        if (r == BP_FRAME_ERROR_NONE) {
            dispatch(dev, &f, now);
        } else if (r > 0) {
            dev->faults |= BP_FAULTS_BAD_FRAME;
            if (r == BP_FRAME_ERROR_TOO_LONG) {
                dev->faults |= BP_FAULTS_BUFFER_FULL;
            }
        }
    }
}

int bp_device_outputs_live(const bp_device *dev)
{
    return dev->state == BP_DEVICE_STATE_ARMED && dev->limits_ok && dev->host_armed;
}

static void schedule_outputs(bp_device *dev)
{
    const bp_limits *l = &dev->limits;
    uint8_t n = dev->limits_ok ? l->channel_count : BP_MAX_CHANNELS;
    int live = bp_device_outputs_live(dev);
    for (uint8_t i = 0; i < n; i++) {
        dev->out[i] = live ? dev->requested[i] : (dev->limits_ok ? l->channels[i].safe : 0.0f);
    }
    if (dev->limits_ok && l->stim_amplitude_channel != BP_NO_CHANNEL) {
        uint8_t a = l->stim_amplitude_channel;
        float rate = dev->out[l->stim_rate_channel];
        float width_us = dev->out[l->stim_width_channel];
        float amp = 0.0f;
        if (live && rate > 0.0f && width_us > 0.0f) {
            float tick = (float)dev->cfg.tick_hz;
            uint32_t period = (uint32_t)lroundf(tick / rate);
            uint32_t width = (uint32_t)lroundf(width_us * tick * 1e-6f);
            period = period < 1 ? 1 : period;
            width = width < 1 ? 1 : width;
            if (dev->pulse_tick >= period) {
                dev->pulse_tick = 0;
            }
            if (dev->pulse_tick < width) {
                amp = dev->out[a];
            } else if (dev->pulse_tick < 2 * width) {
                amp = -dev->out[a];
            }
            dev->pulse_tick++;
        } else {
            dev->pulse_tick = 0;
        }
        dev->out[a] = live ? amp : 0.0f;
    }
    for (uint8_t i = 0; i < n; i++) {
        dev->hal.set_output(dev->hal.ctx, i, dev->out[i]);
    }
}

void bp_device_tick(bp_device *dev)
{
    uint64_t now = dev->hal.now_us(dev->hal.ctx);
    if (dev->hal.estop_active(dev->hal.ctx)) {
        if (dev->state != BP_DEVICE_STATE_ESTOP) {
            dev->state = BP_DEVICE_STATE_ESTOP;
            dev->echo_pending = 1; /* report it at once */
        }
        dev->faults |= BP_FAULTS_ESTOP;
    }
    if (dev->state == BP_DEVICE_STATE_ARMED && now - dev->last_host_us > dev->limits.heartbeat_timeout_us) {
        dev->state = BP_DEVICE_STATE_HOST_LOST;
        dev->faults |= BP_FAULTS_HOST_TIMEOUT;
        dev->host_armed = 0;
    }
    schedule_outputs(dev);
    if (dev->state != BP_DEVICE_STATE_BOOT &&
        (dev->echo_pending || now - dev->last_heartbeat_us >= dev->cfg.heartbeat_period_us)) {
        send_heartbeat(dev, now);
    }
}

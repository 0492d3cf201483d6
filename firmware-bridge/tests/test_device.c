/* The device core on an in-memory HAL: handshake, limits before arming, clamping, pulse trains on the tick,
 * host-heartbeat timeout, e-stop, sequence gaps and bad frames, stale output frames refused. Time is the fake clock: fully deterministic. */
#include "bp_device.h"
#include "bp_test.h"

typedef struct {
    uint64_t now;
    uint8_t sent[65536];
    size_t sent_len, read_pos;
    float out[BP_MAX_CHANNELS];
    int estop;
} fake;

static uint64_t f_now(void *c) { return ((fake *)c)->now; }
static void f_write(void *c, const uint8_t *d, size_t n)
{
    fake *f = c;
    if (f->sent_len + n <= sizeof f->sent) {
        memcpy(f->sent + f->sent_len, d, n);
        f->sent_len += n;
    }
}
static void f_set(void *c, uint8_t ch, float v) { ((fake *)c)->out[ch] = v; }
static int f_estop(void *c) { return ((fake *)c)->estop; }

static fake F;
static bp_device D;
static uint16_t host_seq;
static bp_decoder host_rx;

static void setup(int never_ack)
{
    memset(&F, 0, sizeof F);
    F.now = 1000;
    bp_hal hal = {&F, f_now, f_write, f_set, f_estop};
    bp_device_config cfg = {.firmware_build = 3, .tick_hz = 10000, .heartbeat_period_us = 10000,
                            .never_ack_limits = never_ack};
    for (unsigned i = 0; i < BP_MAX_CHANNELS; i++) {
        cfg.ceiling_min[i] = -1000;
        cfg.ceiling_max[i] = 1000;
    }
    bp_device_init(&D, &hal, &cfg);
    host_seq = 0;
    bp_decoder_init(&host_rx);
}

static void host_send(uint8_t type, const void *msg)
{
    uint8_t body[BP_MAX_PAYLOAD], wire[BP_MAX_WIRE];
    bp_message_write(type, msg, body);
    size_t n = bp_frame_encode(type, host_seq++, body, (size_t)bp_message_body_size(type), wire);
    bp_device_receive(&D, wire, n);
}

/* The next frame of `type` the device sent (skipping others); 0 if none. */
static int device_next(uint8_t type, bp_any_message *m)
{
    bp_frame f;
    while (F.read_pos < F.sent_len) {
        if (bp_decoder_push(&host_rx, F.sent[F.read_pos++], &f) == BP_FRAME_ERROR_NONE && f.type == type) {
            bp_message_read(type, f.body, m);
            return 1;
        }
    }
    return 0;
}

static bp_limits stim_limits(void)
{
    bp_limits l = {.limits_id = 7, .channel_count = 4, .heartbeat_timeout_us = 50000, .max_frame_age_us = 50000,
                   .stim_amplitude_channel = 0, .stim_rate_channel = 1, .stim_width_channel = 2};
    l.channels[0] = (bp_channel_limit){BP_CHANNEL_KIND_PULSE_AMPLITUDE, 0, 100, 0};
    l.channels[1] = (bp_channel_limit){BP_CHANNEL_KIND_PULSE_RATE, 0, 200, 0};
    l.channels[2] = (bp_channel_limit){BP_CHANNEL_KIND_PULSE_WIDTH, 20, 400, 100};
    l.channels[3] = (bp_channel_limit){BP_CHANNEL_KIND_LEVEL, -5, 5, 1};
    return l;
}

static void connect_and_limit(void)
{
    bp_hello h = {.version = BP_PROTOCOL_VERSION, .nonce = 77};
    host_send(BP_MSG_HELLO, &h);
    bp_limits l = stim_limits();
    host_send(BP_MSG_LIMITS, &l);
}

/* An output frame stamped as seen at device time `seen` (0: unstamped). */
static void output_seen(float amp, float rate, float width, float level, uint8_t safety, uint64_t seen)
{
    bp_output o = {.step = 1, .input_sequence = 1, .device_time_seen_us = seen, .safety = safety, .channel_count = 4,
                   .values = {amp, rate, width, level}};
    host_send(BP_MSG_OUTPUT, &o);
}

/* A fresh output frame: stamped with the device's current time. */
static void output(float amp, float rate, float width, float level, uint8_t safety)
{
    output_seen(amp, rate, width, level, safety, F.now);
}

static void handshake_and_limits_before_outputs(void)
{
    setup(0);
    bp_any_message m;
    /* Outputs before any limits are refused: the device stays safe (0) and flags NOT_READY. */
    bp_hello h = {.version = BP_PROTOCOL_VERSION, .nonce = 77};
    host_send(BP_MSG_HELLO, &h);
    CHECK(device_next(BP_MSG_HELLO_ACK, &m));
    CHECK_EQ(m.hello_ack.nonce, 77);
    CHECK_EQ(m.hello_ack.version, BP_PROTOCOL_VERSION);
    CHECK_EQ(m.hello_ack.tick_hz, 10000);
    output(50, 100, 100, 3, BP_HOST_SAFETY_ARMED);
    bp_device_tick(&D);
    CHECK_EQ(D.state, BP_DEVICE_STATE_CONNECTED);
    CHECK(F.out[3] == 0.0f);
    CHECK(device_next(BP_MSG_DEVICE_HEARTBEAT, &m));
    CHECK(m.device_heartbeat.faults & BP_FAULTS_NOT_READY);
    /* Limits acknowledged, then outputs follow the host. */
    bp_limits l = stim_limits();
    host_send(BP_MSG_LIMITS, &l);
    CHECK(device_next(BP_MSG_LIMITS_ACK, &m));
    CHECK_EQ(m.limits_ack.result, BP_LIMITS_RESULT_ACCEPTED);
    CHECK_EQ(m.limits_ack.limits_id, 7);
    CHECK_EQ(D.state, BP_DEVICE_STATE_READY);
    bp_device_tick(&D);
    CHECK(F.out[3] == 1.0f); /* the level channel's safe value */
    output(50, 100, 100, 3, BP_HOST_SAFETY_ARMED);
    CHECK_EQ(D.state, BP_DEVICE_STATE_ARMED);
    bp_device_tick(&D);
    CHECK(F.out[3] == 3.0f);
    /* A host frame that is not armed holds the safe values. */
    output(50, 100, 100, 3, BP_HOST_SAFETY_TRIPPED);
    bp_device_tick(&D);
    CHECK(F.out[3] == 1.0f);
    CHECK(F.out[0] == 0.0f);
}

static void limits_refused(void)
{
    setup(0);
    bp_any_message m;
    bp_hello h = {.version = BP_PROTOCOL_VERSION};
    host_send(BP_MSG_HELLO, &h);
    bp_limits l = stim_limits();
    l.channels[1].max = 5000; /* beyond the device's ceiling of 1000 */
    host_send(BP_MSG_LIMITS, &l);
    CHECK(device_next(BP_MSG_LIMITS_ACK, &m));
    CHECK_EQ(m.limits_ack.result, BP_LIMITS_RESULT_OVER_CEILING);
    CHECK_EQ(m.limits_ack.channel, 1);
    l = stim_limits();
    l.stim_width_channel = 3; /* a level channel cannot be the width */
    host_send(BP_MSG_LIMITS, &l);
    CHECK(device_next(BP_MSG_LIMITS_ACK, &m));
    CHECK_EQ(m.limits_ack.result, BP_LIMITS_RESULT_BAD_STIMULATOR);
    l = stim_limits();
    l.channels[3].safe = 9; /* safe outside [min, max] */
    host_send(BP_MSG_LIMITS, &l);
    CHECK(device_next(BP_MSG_LIMITS_ACK, &m));
    CHECK_EQ(m.limits_ack.result, BP_LIMITS_RESULT_BAD_RANGE);
    CHECK(!D.limits_ok);
    output(50, 100, 100, 3, BP_HOST_SAFETY_ARMED);
    bp_device_tick(&D);
    CHECK(F.out[3] == 0.0f);
}

static void never_ack_stays_safe(void)
{
    setup(1);
    bp_any_message m;
    connect_and_limit();
    CHECK(!device_next(BP_MSG_LIMITS_ACK, &m));
    output(50, 100, 100, 3, BP_HOST_SAFETY_ARMED);
    bp_device_tick(&D);
    CHECK(F.out[3] == 0.0f);
    CHECK(!bp_device_outputs_live(&D));
}

static void clamps_and_nan(void)
{
    setup(0);
    connect_and_limit();
    output(50, 100, 100, 99, BP_HOST_SAFETY_ARMED); /* level 99 > max 5 */
    bp_device_tick(&D);
    CHECK(F.out[3] == 5.0f);
    output(50, 100, 100, 0.0f / 0.0f, BP_HOST_SAFETY_ARMED); /* NaN: the channel's safe value */
    bp_device_tick(&D);
    CHECK(F.out[3] == 1.0f);
    CHECK_EQ(D.clamps, 2);
}

static void pulse_train_on_the_tick(void)
{
    setup(0);
    connect_and_limit();
    /* 100 Hz at a 10 kHz tick: a period of 100 ticks; 200 us width = 2 ticks per phase, biphasic. */
    output(40, 100, 200, 0, BP_HOST_SAFETY_ARMED);
    int pos = 0, neg = 0, first_neg = -1;
    for (int t = 0; t < 1000; t++) {
        F.now += 100;
        bp_device_tick(&D);
        if (F.out[0] > 0) {
            CHECK(F.out[0] == 40.0f);
            pos++;
        } else if (F.out[0] < 0) {
            CHECK(F.out[0] == -40.0f);
            if (first_neg < 0) {
                first_neg = t;
            }
            neg++;
        }
        if (t % 20 == 19) {
            output(40, 100, 200, 0, BP_HOST_SAFETY_ARMED); /* keep the host alive */
        }
    }
    CHECK_EQ(pos, 20); /* 10 pulses x 2 ticks */
    CHECK_EQ(neg, 20);
    CHECK_EQ(first_neg, 2);
}

static void host_timeout_goes_safe(void)
{
    setup(0);
    bp_any_message m;
    connect_and_limit();
    output(50, 100, 100, 3, BP_HOST_SAFETY_ARMED);
    /* 50 ms timeout: at 50 ms of silence still live, one tick later safe. */
    for (int t = 0; t < 500; t++) {
        F.now += 100;
        bp_device_tick(&D);
    }
    CHECK_EQ(D.state, BP_DEVICE_STATE_ARMED);
    CHECK(F.out[3] == 3.0f);
    F.now += 100;
    bp_device_tick(&D);
    CHECK_EQ(D.state, BP_DEVICE_STATE_HOST_LOST);
    CHECK(F.out[3] == 1.0f);
    CHECK(F.out[0] == 0.0f);
    int saw = 0;
    while (device_next(BP_MSG_DEVICE_HEARTBEAT, &m)) {
        saw |= (m.device_heartbeat.faults & BP_FAULTS_HOST_TIMEOUT) != 0;
    }
    F.now += 10000;
    bp_device_tick(&D);
    while (device_next(BP_MSG_DEVICE_HEARTBEAT, &m)) {
        saw |= (m.device_heartbeat.faults & BP_FAULTS_HOST_TIMEOUT) != 0;
    }
    CHECK(saw);
    /* The host comes back: armed again on its next frame. */
    output(50, 100, 100, 3, BP_HOST_SAFETY_ARMED);
    bp_device_tick(&D);
    CHECK_EQ(D.state, BP_DEVICE_STATE_ARMED);
    CHECK(F.out[3] == 3.0f);
}

static void estop_latches_until_cleared(void)
{
    setup(0);
    bp_any_message m;
    connect_and_limit();
    output(50, 100, 100, 3, BP_HOST_SAFETY_ARMED);
    F.estop = 1;
    F.now += 100;
    bp_device_tick(&D);
    CHECK_EQ(D.state, BP_DEVICE_STATE_ESTOP);
    CHECK(F.out[3] == 1.0f);
    /* Reported at once, not at the next heartbeat period. */
    CHECK(device_next(BP_MSG_DEVICE_HEARTBEAT, &m));
    while (device_next(BP_MSG_DEVICE_HEARTBEAT, &m)) {
    }
    CHECK_EQ(m.device_heartbeat.state, BP_DEVICE_STATE_ESTOP);
    CHECK_EQ(m.device_heartbeat.estop_input, 1);
    /* Clearing while the input is active does nothing; released input alone does not re-arm either. */
    bp_clear_estop c = {1};
    host_send(BP_MSG_CLEAR_ESTOP, &c);
    F.estop = 0;
    output(50, 100, 100, 3, BP_HOST_SAFETY_ARMED);
    bp_device_tick(&D);
    CHECK_EQ(D.state, BP_DEVICE_STATE_ESTOP);
    CHECK(F.out[3] == 1.0f);
    host_send(BP_MSG_CLEAR_ESTOP, &c);
    CHECK_EQ(D.state, BP_DEVICE_STATE_READY);
    output(50, 100, 100, 3, BP_HOST_SAFETY_ARMED);
    bp_device_tick(&D);
    CHECK(F.out[3] == 3.0f);
}

static void heartbeat_echo_and_sequence_gaps(void)
{
    setup(0);
    bp_any_message m;
    connect_and_limit();
    F.now = 5000;
    bp_host_heartbeat hb = {.host_time_ns = 123456789};
    host_send(BP_MSG_HOST_HEARTBEAT, &hb);
    F.now = 5250;
    bp_device_tick(&D);
    while (device_next(BP_MSG_DEVICE_HEARTBEAT, &m)) {
        if (m.device_heartbeat.echo_host_time_ns == 123456789) {
            break;
        }
    }
    CHECK_EQ(m.device_heartbeat.echo_host_time_ns, 123456789);
    CHECK_EQ(m.device_heartbeat.echo_hold_us, 250);
    CHECK_EQ(m.device_heartbeat.device_time_us, 5250);
    host_seq += 3; /* three frames lost on the way */
    output(1, 1, 100, 1, BP_HOST_SAFETY_ARMED);
    CHECK_EQ(D.frames_lost, 3);
    uint8_t garbage[] = {0x05, 0x11, 0x22, 0x00};
    bp_device_receive(&D, garbage, sizeof garbage);
    F.now += 20000;
    bp_device_tick(&D);
    while (device_next(BP_MSG_DEVICE_HEARTBEAT, &m)) {
    }
    CHECK_EQ(m.device_heartbeat.frames_lost, 3);
    CHECK_EQ(m.device_heartbeat.frames_bad, 1);
    CHECK(m.device_heartbeat.faults & BP_FAULTS_SEQ_GAP);
    CHECK(m.device_heartbeat.faults & BP_FAULTS_BAD_FRAME);
}

static void limits_frame_age_checked(void)
{
    setup(0);
    bp_any_message m;
    bp_hello h = {.version = BP_PROTOCOL_VERSION};
    host_send(BP_MSG_HELLO, &h);
    const uint32_t ages[] = {BP_MAX_FRAME_AGE_US + 1, 0, 19999 /* under two 10 ms heartbeat periods */, 20000,
                             BP_MAX_FRAME_AGE_US};
    const uint8_t expect[] = {BP_LIMITS_RESULT_BAD_FRAME_AGE, BP_LIMITS_RESULT_BAD_FRAME_AGE,
                              BP_LIMITS_RESULT_BAD_FRAME_AGE, BP_LIMITS_RESULT_ACCEPTED, BP_LIMITS_RESULT_ACCEPTED};
    for (size_t i = 0; i < sizeof ages / sizeof ages[0]; i++) {
        bp_limits l = stim_limits();
        l.max_frame_age_us = ages[i];
        host_send(BP_MSG_LIMITS, &l);
        CHECK(device_next(BP_MSG_LIMITS_ACK, &m));
        CHECK_EQ(m.limits_ack.result, expect[i]);
        CHECK_EQ(D.limits_ok, expect[i] == BP_LIMITS_RESULT_ACCEPTED);
        if (expect[i] != BP_LIMITS_RESULT_ACCEPTED) {
            CHECK_EQ(m.limits_ack.channel, BP_NO_CHANNEL);
            /* Refused limits: outputs stay safe (0 before any accepted limits). */
            output(50, 100, 100, 3, BP_HOST_SAFETY_ARMED);
            bp_device_tick(&D);
            CHECK(F.out[3] == 0.0f);
        }
    }
}

/* A live output, then a frame that must be refused: not applied, outputs safe, counted, fault reported. */
static void refuse_one(uint64_t seen, uint32_t stale_before)
{
    bp_any_message m;
    output(50, 100, 100, 3, BP_HOST_SAFETY_ARMED);
    bp_device_tick(&D);
    CHECK(F.out[3] == 3.0f);
    uint32_t applied = D.outputs_applied;
    output_seen(50, 100, 100, 4, BP_HOST_SAFETY_ARMED, seen);
    CHECK_EQ(D.outputs_applied, applied);
    CHECK_EQ(D.outputs_stale, stale_before + 1);
    bp_device_tick(&D);
    CHECK(!bp_device_outputs_live(&D));
    CHECK(F.out[3] == 1.0f); /* the safe value, not 3 (the last live one) nor 4 (the stale one) */
    CHECK(F.out[0] == 0.0f);
    F.now += 10000;
    bp_device_tick(&D);
    int saw = 0;
    uint32_t reported = 0;
    while (device_next(BP_MSG_DEVICE_HEARTBEAT, &m)) {
        saw |= (m.device_heartbeat.faults & BP_FAULTS_STALE_OUTPUT) != 0;
        reported = m.device_heartbeat.outputs_stale;
    }
    CHECK(saw);
    CHECK_EQ(reported, stale_before + 1);
}

static void stale_frames_refused(void)
{
    setup(0);
    connect_and_limit(); /* max_frame_age_us 50000 */
    F.now = 1000000;
    refuse_one(0, 0);                        /* unstamped */
    refuse_one(F.now + 1, 1);                /* in the device's future */
    refuse_one(F.now - 50001, 2);            /* one microsecond too old */
    refuse_one(UINT64_MAX, 3);               /* far future (wraps nothing) */
    /* The boundary: exactly max_frame_age_us old is accepted, and a fresh frame re-arms at once. */
    output_seen(50, 100, 100, 2, BP_HOST_SAFETY_ARMED, F.now - 50000);
    bp_device_tick(&D);
    CHECK(bp_device_outputs_live(&D));
    CHECK(F.out[3] == 2.0f);
    CHECK_EQ(D.outputs_stale, 4);
    CHECK(bp_device_frame_fresh(&D, F.now, F.now));
    CHECK(!bp_device_frame_fresh(&D, F.now - 50001, F.now));
}

/* The defect this guards against: the device stalls, the host keeps writing frames stamped with the last heartbeat
 * it saw, and the device reads them all when it resumes. None may be applied; the device stays safe until a frame
 * stamped after the resume arrives. */
static void stalled_then_resumed_applies_nothing_queued(void)
{
    setup(0);
    connect_and_limit();
    F.now = 2000000;
    output(50, 100, 100, 3, BP_HOST_SAFETY_ARMED);
    bp_device_tick(&D);
    CHECK(F.out[3] == 3.0f);
    uint64_t seen = F.now; /* the host's newest heartbeat when the device stopped */
    F.now += 400000;        /* stalled 400 ms: the clock ran on, nothing was read or ticked */
    bp_device_tick(&D);     /* the first tick after the resume: host silent for longer than its timeout */
    CHECK_EQ(D.state, BP_DEVICE_STATE_HOST_LOST);
    uint32_t applied = D.outputs_applied;
    for (int k = 0; k < 182; k++) {
        bp_host_heartbeat hb = {.host_time_ns = 1000u + (uint64_t)k};
        if (k % 10 == 0) {
            host_send(BP_MSG_HOST_HEARTBEAT, &hb); /* queued host heartbeats say the host lives... */
        }
        output_seen(50, 100, 100, 3, BP_HOST_SAFETY_ARMED, seen + (uint64_t)k * 1000u % 250000u);
        bp_device_tick(&D);
        CHECK(F.out[3] == 1.0f); /* ...but no queued frame drives the outputs */
    }
    CHECK_EQ(D.outputs_applied, applied);
    CHECK_EQ(D.outputs_stale, 182);
    output(50, 100, 100, 3, BP_HOST_SAFETY_ARMED); /* stamped after the resume */
    bp_device_tick(&D);
    CHECK(F.out[3] == 3.0f);
}

/* A device of another protocol version answers Hello with its own version and stays in BOOT (BAD_VERSION). */
static void other_version_stays_in_boot(void)
{
    setup(0);
    D.cfg.protocol_version = 1;
    bp_any_message m;
    bp_hello h = {.version = BP_PROTOCOL_VERSION, .nonce = 5};
    host_send(BP_MSG_HELLO, &h);
    CHECK(device_next(BP_MSG_HELLO_ACK, &m));
    CHECK_EQ(m.hello_ack.version, 1);
    CHECK_EQ(m.hello_ack.nonce, 5);
    CHECK_EQ(D.state, BP_DEVICE_STATE_BOOT);
    CHECK(D.faults & BP_FAULTS_BAD_VERSION);
    bp_limits l = stim_limits();
    host_send(BP_MSG_LIMITS, &l);
    CHECK(!device_next(BP_MSG_LIMITS_ACK, &m));
    CHECK(!D.limits_ok);
}

int main(void)
{
    handshake_and_limits_before_outputs();
    limits_refused();
    never_ack_stays_safe();
    clamps_and_nan();
    pulse_train_on_the_tick();
    host_timeout_goes_safe();
    estop_latches_until_cleared();
    heartbeat_echo_and_sequence_gaps();
    limits_frame_age_checked();
    stale_frames_refused();
    stalled_then_resumed_applies_nothing_queued();
    other_version_stays_in_boot();
    TEST_MAIN_END();
}

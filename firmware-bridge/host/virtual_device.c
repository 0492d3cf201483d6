/* The host HAL: runs the device core as a virtual device on a pseudo-terminal.
 *
 *   bp_virtual_device [--link PATH] [--tick-hz N] [--heartbeat-ms N] [--ceiling LIMIT] [--log FILE]
 *                     [--never-ack-limits] [--state-log FILE] [--protocol-version N]
 *
 * Prints "pty /dev/pts/N" on stdout once the terminal is ready (and symlinks PATH to it). The device clock is
 * CLOCK_MONOTONIC in microseconds (the same clock .NET's Stopwatch reads on Linux). SIGUSR1 raises the e-stop
 * input, SIGUSR2 releases it; SIGINT/SIGTERM drive every output safe and exit. --log writes one CSV line per
 * accepted Output frame (device_us,step,input_sequence,safety,values...; frames refused as stale are not
 * written), flushed every 10 ms, for latency
 * measurement and at-the-device checks. --state-log writes one CSV line whenever the device's state or whether its
 * outputs follow the host changes (device_us,state,live,event,due_us,last_host_us; event is start, change or exit),
 * flushed at once: the device's own record of when its outputs went off, for the HIL harness. due_us is when the
 * device's schedule asked for what the line records (the tick's due time; for exit, when the stop signal arrived),
 * device_us when it ran: a process on a loaded host runs late, a device on its own core does not, and the firmware is
 * judged by its schedule. last_host_us is the device's last good frame from the host (bp_device.last_host_us), from
 * which its host timeout counts. --protocol-version N answers the
 * handshake as firmware of protocol version N would (an old device, for the host's refusal). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "bp_device.h"

#define FIRMWARE_BUILD 3u

static volatile sig_atomic_t g_estop, g_stop;
static volatile uint64_t g_stop_us; /* when the stop signal arrived (device clock) */

typedef struct {
    int master;
    FILE *log;
    FILE *state_log;
    int logged_state, logged_live;
    unsigned long dropped_writes;
    float out[BP_MAX_CHANNELS];
} host_ctx;

static uint64_t host_now_us(void *c)
{
    (void)c;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void host_write(void *c, const uint8_t *d, size_t n)
{
    host_ctx *h = c;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(h->master, d + done, n - done);
        if (w > 0) {
            done += (size_t)w;
            continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd p = {h->master, POLLOUT, 0};
            if (poll(&p, 1, 5) > 0) {
                continue;
            }
        }
        h->dropped_writes++; /* nobody reading: a real UART drops too */
        return;
    }
}

static void host_set_output(void *c, uint8_t ch, float v) { ((host_ctx *)c)->out[ch] = v; }
static int host_estop(void *c) { (void)c; return g_estop; }

static void on_output(void *c, const bp_output *o, uint64_t now)
{
    host_ctx *h = c;
    if (!h->log) {
        return;
    }
    fprintf(h->log, "%llu,%u,%u,%u", (unsigned long long)now, o->step, o->input_sequence, o->safety);
    for (uint8_t i = 0; i < o->channel_count && i < BP_MAX_CHANNELS; i++) {
        fprintf(h->log, ",%.9g", (double)o->values[i]);
    }
    fputc('\n', h->log);
}

/* One line per change of (state, live), and one at start and exit; rare, so each is flushed at once. */
static void log_state(host_ctx *h, const bp_device *dev, uint64_t now, uint64_t due, const char *event)
{
    int live = bp_device_outputs_live(dev) ? 1 : 0;
    if (!h->state_log || (event[0] == 'c' && live == h->logged_live && dev->state == h->logged_state)) {
        return;
    }
    fprintf(h->state_log, "%llu,%u,%d,%s,%llu,%llu\n", (unsigned long long)now, dev->state, live, event,
            (unsigned long long)due, (unsigned long long)dev->last_host_us);
    fflush(h->state_log);
    h->logged_state = dev->state;
    h->logged_live = live;
}

static void on_signal(int s)
{
    if (s == SIGUSR1) {
        g_estop = 1;
    } else if (s == SIGUSR2) {
        g_estop = 0;
    } else {
        if (!g_stop) {
            g_stop_us = host_now_us(NULL); /* clock_gettime is async-signal-safe */
        }
        g_stop = 1;
    }
}

int main(int argc, char **argv)
{
    const char *link_path = NULL, *log_path = NULL, *state_log_path = NULL;
    bp_device_config cfg = {.firmware_build = FIRMWARE_BUILD, .tick_hz = 10000, .heartbeat_period_us = 10000};
    float ceiling = 1000.0f;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--never-ack-limits") == 0) {
            cfg.never_ack_limits = 1;
        } else if (v && strcmp(a, "--link") == 0) {
            link_path = v, i++;
        } else if (v && strcmp(a, "--state-log") == 0) {
            state_log_path = v, i++;
        } else if (v && strcmp(a, "--log") == 0) {
            log_path = v, i++;
        } else if (v && strcmp(a, "--tick-hz") == 0) {
            cfg.tick_hz = (uint32_t)strtoul(v, NULL, 10), i++;
        } else if (v && strcmp(a, "--heartbeat-ms") == 0) {
            cfg.heartbeat_period_us = (uint32_t)strtoul(v, NULL, 10) * 1000u, i++;
        } else if (v && strcmp(a, "--protocol-version") == 0) {
            cfg.protocol_version = (uint16_t)strtoul(v, NULL, 10), i++;
        } else if (v && strcmp(a, "--ceiling") == 0) {
            ceiling = strtof(v, NULL), i++;
        } else {
            fprintf(stderr, "usage: %s [--link PATH] [--tick-hz N] [--heartbeat-ms N] [--ceiling LIMIT] "
                            "[--log FILE] [--never-ack-limits] [--state-log FILE] [--protocol-version N]\n", argv[0]);
            return 2;
        }
    }
    if (cfg.tick_hz < 100 || cfg.tick_hz > 100000) {
        fprintf(stderr, "--tick-hz must be 100..100000\n");
        return 2;
    }
    /* Limits need max_frame_age_us >= two heartbeat periods and <= BP_MAX_FRAME_AGE_US. */
    if (cfg.heartbeat_period_us < 1000u || 2u * cfg.heartbeat_period_us > BP_MAX_FRAME_AGE_US) {
        fprintf(stderr, "--heartbeat-ms must be 1..%u\n", BP_MAX_FRAME_AGE_US / 2000u);
        return 2;
    }
    for (unsigned i = 0; i < BP_MAX_CHANNELS; i++) {
        cfg.ceiling_min[i] = -ceiling;
        cfg.ceiling_max[i] = ceiling;
    }
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        perror("posix_openpt");
        return 1;
    }
    const char *slave_name = ptsname(master);
    /* Hold the slave open so the master never sees a hang-up while hosts come and go; set it raw (8 bits,
     * no echo, no line editing), which applies to whoever opens it next. */
    int slave = open(slave_name, O_RDWR | O_NOCTTY);
    struct termios tio;
    if (slave < 0 || tcgetattr(slave, &tio) != 0) {
        perror(slave_name);
        return 1;
    }
    cfmakeraw(&tio);
    tcsetattr(slave, TCSANOW, &tio);
    host_ctx h = {.master = master};
    if (log_path && !(h.log = fopen(log_path, "w"))) {
        perror(log_path);
        return 1;
    }
    if (state_log_path) {
        if (!(h.state_log = fopen(state_log_path, "w"))) {
            perror(state_log_path);
            return 1;
        }
        fputs("device_us,state,live,event,due_us,last_host_us\n", h.state_log);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    /* The link last (no early return leaves it behind), made beside the path and renamed over it. */
    if (link_path) {
        char fresh[4096];
        if (snprintf(fresh, sizeof fresh, "%s.new-%ld", link_path, (long)getpid()) >= (int)sizeof fresh) {
            fprintf(stderr, "%s: path too long\n", link_path);
            return 1;
        }
        unlink(fresh);
        if (symlink(slave_name, fresh) != 0 || rename(fresh, link_path) != 0) {
            perror(link_path);
            unlink(fresh);
            return 1;
        }
    }

    static bp_device dev;
    bp_hal hal = {&h, host_now_us, host_write, host_set_output, host_estop};
    bp_device_init(&dev, &hal, &cfg);
    dev.on_output = on_output;
    dev.hook_ctx = &h;
    uint64_t started = host_now_us(&h);
    log_state(&h, &dev, started, started, "start");
    printf("pty %s\n", slave_name);
    fflush(stdout);

    const uint64_t period_ns = 1000000000ull / cfg.tick_hz;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    uint64_t next = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec + period_ns, next_flush = 0;
    while (!g_stop) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        uint64_t t = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
        if (t >= next) {
            bp_device_tick(&dev);
            log_state(&h, &dev, t / 1000u, next / 1000u, "change");
            if (h.log && t >= next_flush) {
                fflush(h.log); /* readable while the device runs, without a write per frame */
                next_flush = t + 10000000ull;
            }
            next += period_ns;
            if (t > next + 100 * period_ns) {
                next = t + period_ns; /* stalled (e.g. SIGSTOP): resume the tick, do not replay it */
            }
            continue;
        }
        uint64_t wait = next - t;
        struct timespec to = {(time_t)(wait / 1000000000ull), (long)(wait % 1000000000ull)};
        struct pollfd p = {master, POLLIN, 0};
        if (ppoll(&p, 1, &to, NULL) > 0 && (p.revents & POLLIN)) {
            uint8_t buf[4096];
            ssize_t n = read(master, buf, sizeof buf);
            if (n > 0) {
                bp_device_receive(&dev, buf, (size_t)n);
            }
        }
    }
    /* Stopping: outputs safe, as on a host loss. */
    dev.state = BP_DEVICE_STATE_HOST_LOST;
    bp_device_tick(&dev);
    uint64_t stopped = host_now_us(&h);
    log_state(&h, &dev, stopped, g_stop_us != 0 ? g_stop_us : stopped, "exit");
    if (h.log) {
        fclose(h.log);
    }
    if (h.state_log) {
        fclose(h.state_log);
    }
    /* The link goes before the terminal: once the master is closed the kernel may give /dev/pts/N to another
     * program's pty, and a link left behind would lead a reconnecting host into that one. Only our own link:
     * a newer device may have taken the path. */
    if (link_path) {
        char target[256];
        ssize_t n = readlink(link_path, target, sizeof target - 1);
        if (n > 0) {
            target[n] = 0;
            if (strcmp(target, slave_name) == 0) {
                unlink(link_path);
            }
        }
    }
    fprintf(stderr, "virtual device: %u frames ok, %u rejected, %u outputs applied, %u refused as stale, %u clamps, "
                    "%lu writes dropped\n",
            dev.rx.frames_ok, bp_decoder_rejected_total(&dev.rx), dev.outputs_applied, dev.outputs_stale, dev.clamps,
            h.dropped_writes);
    close(slave);
    close(master);
    return 0;
}
